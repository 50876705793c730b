import { toNormalised } from 'postcode';

/**
 * What people type ("b27 6qx", "B276QX", "b27 6 qx") → "B27 6QX"; null when it is not a UK
 * postcode. Spaces anywhere are dropped first; the `postcode` package does the rest.
 */
export function normalisePostcode(input: string): string | null {
  const compact = input.replace(/\s+/g, '');
  if (compact.length < 5 || compact.length > 7) return null;
  return toNormalised(compact);
}
