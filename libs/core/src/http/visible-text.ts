import { ValidateBy, type ValidationOptions } from 'class-validator';

// What renders as nothing: control and format characters (zero-width space and joiners, BOM,
// bidi controls, soft hyphen, tags), every kind of space, combining marks (nothing to sit on
// without a base character), and the fillers and blanks fonts draw empty.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\p{M}\s\u115F\u1160\u3164\uFFA0\u2800\u{E0000}-\u{E007F}]/gu;

/** True when the string has at least one character a reader can see. */
export function hasVisibleCharacter(value: unknown): boolean {
  return typeof value === 'string' && value.replace(INVISIBLE, '').length > 0;
}

/**
 * A name (or other free text shown to people) must contain a visible character: a name of only
 * zero-width spaces passes "1 character or more" and is then shown as nothing, which misleads.
 * Put it on every name field.
 */
export function HasVisibleCharacter(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasVisibleCharacter',
      validator: {
        validate: (v: unknown) => hasVisibleCharacter(v),
        defaultMessage: () => '$property must contain a visible character',
      },
    },
    options,
  );
}
