import { expect } from '@jest/globals';

/** The median of the values (the mean of the middle two for an even count). */
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

export interface InterleavedTimings {
  /** Each distinct answer, in the order first seen (warm-up calls included). */
  answers: string[];
  /** Median ms of the known and of the unknown calls (warm-up calls not counted). */
  known: number;
  unknown: number;
  /**
   * Median of known − unknown over the pairs (each known call and the unknown call made beside
   * it): a burst of load on a shared machine falls on both calls of a pair and cancels, while
   * work done only for a known value shows in every pair.
   */
  pairedGap: number;
}

/**
 * For a timing-oracle check: `tries` calls for a known value and `tries` for an unknown one,
 * interleaved (alternating which goes first, so drift and background work fall on both), after
 * `warmUp` known calls that are not timed. `answer` turns a response into what must be alike.
 */
export async function interleavedTimings<R>(opts: { tries: number; warmUp?: number; known: () => PromiseLike<R>; unknown: (i: number) => PromiseLike<R>; answer: (res: R) => string }): Promise<InterleavedTimings> {
  const times = { known: [] as number[], unknown: [] as number[] };
  const answers = new Set<string>();
  const one = async (kind: 'known' | 'unknown', call: () => PromiseLike<R>) => {
    const start = process.hrtime.bigint();
    const res = await call();
    times[kind].push(Number(process.hrtime.bigint() - start) / 1e6);
    answers.add(opts.answer(res));
  };
  for (let i = 0; i < (opts.warmUp ?? 0); i++) await one('known', opts.known);
  times.known.length = 0;
  for (let i = 0; i < opts.tries; i++) {
    if (i % 2) {
      await one('known', opts.known);
      await one('unknown', () => opts.unknown(i));
    } else {
      await one('unknown', () => opts.unknown(i));
      await one('known', opts.known);
    }
  }
  const gaps = times.known.map((k, i) => k - times.unknown[i]);
  return { answers: [...answers], known: median(times.known), unknown: median(times.unknown), pairedGap: median(gaps) };
}

/**
 * Logs the medians as `[timing] <label>: …` and asserts the median gap between the calls of a
 * pair is at most 1.5 ms plus 25 % of the faster median: robust on a loaded 2-core machine (a
 * difference of medians was not: 17.2 vs 23.5 ms once in CI, for one code path), while the gaps of
 * a real oracle, paid on every known call, are far outside it.
 */
export function expectAlikeInTime(label: string, r: InterleavedTimings, what: string): void {
  console.log(`[timing] ${label}: known ${r.known.toFixed(2)} ms, unknown ${r.unknown.toFixed(2)} ms, paired gap ${r.pairedGap.toFixed(2)} ms (${what})`);
  expect(Math.abs(r.pairedGap)).toBeLessThanOrEqual(1.5 + 0.25 * Math.min(r.known, r.unknown));
}
