import { describe, expect, it } from '@jest/globals';
import { isIsoDateTime } from './dates';

describe('isIsoDateTime', () => {
  it.each(['2030-05-01', '2030-05-01T19:00Z', '2030-05-01T19:00:00Z', '2030-05-01T19:00:00.123+01:00', '2024-02-29T00:00:00Z', '2030-05-01T19:00:00'])('accepts %s', (v) => {
    expect(isIsoDateTime(v)).toBe(true);
  });
  it.each(['2030-W01', '2030-W01-1', '20300101', '2030-001', '2030-02-30', '2023-02-29T00:00:00Z', '2030-13-01', '2030-05-01T25:00Z', 'tomorrow', '', 20300101, null])(
    'refuses %s',
    (v) => {
      expect(isIsoDateTime(v)).toBe(false);
    },
  );
});
