import { describe, expect, it } from '@jest/globals';
import { DomainException } from '@beacon/core';
import { checkFieldValues, fieldsOf, renderFields } from './template-fields';

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof DomainException ? e.code : 'other';
  }
  return 'none';
};

describe('template fields', () => {
  it('lists the fields in order of first use', () => {
    expect(fieldsOf('At {{location}} on {{ date }}, {{location}} again')).toEqual(['location', 'date']);
    expect(fieldsOf('No fields')).toEqual([]);
  });

  it('refuses braces that are not a field', () => {
    for (const bad of ['{{Location}}', '{{ a b }}', '{{}}', 'open {{ only', 'close }} only', '{{ {x} }}']) expect(codeOf(() => fieldsOf(bad))).toBe('VALIDATION');
  });

  it('renders plain text; unknown and missing fields are errors', () => {
    expect(renderFields('At {{location}}', { location: 'Coleshill Road' }, ['location'])).toBe('At Coleshill Road');
    expect(codeOf(() => renderFields('At {{street}}', { street: 'x' }, ['location']))).toBe('VALIDATION');
    expect(codeOf(() => renderFields('At {{location}}', {}, ['location']))).toBe('VALIDATION');
    // A value is inserted as it is, never read again as a template.
    expect(renderFields('{{a}} {{b}}', { a: '$1 $&', b: 'x' }, ['a', 'b'])).toBe('$1 $& x');
  });

  it('refuses values that are template syntax or empty', () => {
    expect(codeOf(() => checkFieldValues({ a: '{{b}}' }))).toBe('VALIDATION');
    expect(codeOf(() => checkFieldValues({ a: '  ' }))).toBe('VALIDATION');
    expect(checkFieldValues({ a: ' x ' })).toEqual({ a: 'x' });
  });
});
