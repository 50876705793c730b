import { describe, expect, it } from '@jest/globals';
import { validate } from 'class-validator';
import { HasVisibleCharacter, hasVisibleCharacter } from './visible-text';

class Named {
  @HasVisibleCharacter() name: unknown;
}

describe('HasVisibleCharacter (every name field)', () => {
  const invisible = [
    '\u200B', // zero-width space
    '\u200B\u200C\u200D', // zero-width space, non-joiner, joiner
    '\uFEFF', // byte-order mark
    '\u2060\u2061\u2062', // word joiner, invisible operators
    '\u202E\u202D', // bidi overrides
    '\u00AD', // soft hyphen
    '\u034F', // combining grapheme joiner
    '\u0301\u0301', // combining marks with nothing to sit on
    '\u3164', // Hangul filler
    '\u2800', // braille blank
    '\u00A0\u2003\u3000', // no-break, em and ideographic spaces
    ' \t ',
    '',
    '\uDB40\uDC20', // tag space
  ];
  it.each(invisible.map((s) => [JSON.stringify(s), s]))('refuses %s', async (_label, s) => {
    expect(hasVisibleCharacter(s)).toBe(false);
    const n = Object.assign(new Named(), { name: s });
    const errors = await validate(n);
    expect(errors.map((e) => e.constraints)).toEqual([{ hasVisibleCharacter: 'name must contain a visible character' }]);
  });

  it.each(['Jo', 'Ł', 'José', '\u200BJo', 'Zoë\u200D', '李', 'محمد', "O'Neil", 'e\u0301'])('accepts %s', async (s) => {
    expect(hasVisibleCharacter(s)).toBe(true);
    expect(await validate(Object.assign(new Named(), { name: s }))).toEqual([]);
  });
});
