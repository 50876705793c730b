import { describe, expect, it } from '@jest/globals';
import { rake } from './weighting';

describe('rake', () => {
  it('one margin: post-stratification (each category gets its population share)', () => {
    const w = rake([{ key: { ethnicity: 'a' }, respondents: 30 }, { key: { ethnicity: 'b' }, respondents: 10 }], { ethnicity: { a: 50, b: 50 } })!;
    expect(w.map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0.5, 0.5]);
  });

  it('two margins on an independent sample: cell share = product of the margins', () => {
    const cells = ['y', 'o'].flatMap((age) => ['a', 'b'].map((eth) => ({ key: { age_band: age, ethnicity: eth }, respondents: 10 })));
    const w = rake(cells, { age_band: { y: 25, o: 75 }, ethnicity: { a: 40, b: 60 } })!;
    expect(w.map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0.1, 0.15, 0.3, 0.45]);
  });

  it('matches both margins on a skewed sample, and renormalises over categories present', () => {
    const cells = [
      { key: { age_band: 'y', ethnicity: 'a' }, respondents: 30 },
      { key: { age_band: 'y', ethnicity: 'b' }, respondents: 5 },
      { key: { age_band: 'o', ethnicity: 'a' }, respondents: 10 },
      { key: { age_band: 'o', ethnicity: 'b' }, respondents: 15 },
    ];
    const w = rake(cells, { age_band: { y: 30, o: 60, missing: 10 }, ethnicity: { a: 50, b: 50 } })!;
    expect(w[0] + w[1]).toBeCloseTo(1 / 3, 8);
    expect(w[0] + w[2]).toBeCloseTo(0.5, 8);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 8);
  });

  it('nothing to weight: no margins or no respondents', () => {
    expect(rake([{ key: { ethnicity: 'a' }, respondents: 3 }], {})).toBeNull();
    expect(rake([{ key: { ethnicity: 'a' }, respondents: 0 }], { ethnicity: { a: 1 } })).toBeNull();
  });
});
