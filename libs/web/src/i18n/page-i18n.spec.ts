import { describe, expect, it } from '@jest/globals';
import { VOCABULARY } from '../vocabulary';
import { EN } from './en';
import { PAGE_CATALOGUES } from './page-i18n';

const keys = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));

// The shipped catalogues are whole: a page in Urdu or Polish never falls back to English mid-sentence.
describe('page catalogues', () => {
  it.each(Object.keys(PAGE_CATALOGUES).filter((c) => c !== 'en'))('%s has every English text and the vocabularies the translated pages use, and nothing else', (code) => {
    const { vocab, ...texts } = PAGE_CATALOGUES[code];
    expect(keys(texts).sort()).toEqual(keys(EN).sort());
    for (const name of ['channel', 'channelVia', 'channelPlural', 'topic', 'interestSelf', 'ageBand', 'ethnicity', 'minPriority', 'score', 'messageCategory'] as const) {
      expect({ [name]: Object.keys(vocab?.[name] ?? {}).sort() }).toEqual({ [name]: Object.keys(VOCABULARY[name]).sort() });
    }
  });
});
