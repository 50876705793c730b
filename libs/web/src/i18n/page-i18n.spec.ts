import { describe, expect, it } from '@jest/globals';
import { VOCABULARY } from '../vocabulary';
import { EN } from './en';
import { PAGE_CATALOGUES } from './page-i18n';

const keys = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
// Plural forms are each language's own (Polish `_few`, `_many`): a text is its key without them, and has `_one` and `_other`.
const texts = (o: object) => [...new Set(keys(o).map((k) => k.replace(/_(zero|two|few|many)$/, '_other')))];

// The shipped catalogues are whole: a page in Urdu or Polish never falls back to English mid-sentence.
describe('page catalogues', () => {
  it.each(Object.keys(PAGE_CATALOGUES).filter((c) => c !== 'en'))('%s has every English text and the vocabularies the translated pages use, and nothing else', (code) => {
    const { vocab, ...rest } = PAGE_CATALOGUES[code];
    expect(texts(rest).sort()).toEqual(texts(EN).sort());
    for (const name of ['channel', 'channelVia', 'channelPlural', 'topic', 'interestSelf', 'ageBand', 'ethnicity', 'minPriority', 'score', 'messageCategory', 'bidTheme', 'role', 'schemeType', 'schemeStatus', 'patrolStatus', 'applicantType'] as const) {
      expect({ [name]: Object.keys(vocab?.[name] ?? {}).sort() }).toEqual({ [name]: Object.keys(VOCABULARY[name]).sort() });
    }
  });
});
