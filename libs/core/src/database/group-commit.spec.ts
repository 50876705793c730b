import { describe, expect, it } from '@jest/globals';
import { GroupCommit } from './group-commit';

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('sends a lone caller at once, alone', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>(async (xs) => (batches.push(xs), xs.map((x) => x * 2)), { maxBatch: 10, maxInFlight: 1 });
    expect(await gc.submit(3)).toBe(6);
    expect(batches).toEqual([[3]]);
  });

  it('coalesces callers that arrive while a statement is in flight, and answers each only after its own statement', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gc = new GroupCommit<number, string>(
      async (xs) => {
        batches.push(xs);
        if (batches.length === 1) await gate;
        return xs.map((x) => `ok ${x}`);
      },
      { maxBatch: 3, maxInFlight: 1 },
    );
    const settled: string[] = [];
    const first = gc.submit(1).then((v) => settled.push(v));
    await tick();
    const rest = [2, 3, 4, 5].map((x) => gc.submit(x).then((v) => settled.push(v)));
    await tick();
    expect(batches).toEqual([[1]]);
    expect(settled).toEqual([]);
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
    expect(settled).toEqual(['ok 1', 'ok 2', 'ok 3', 'ok 4', 'ok 5']);
  });

  it('retries each row of a failed statement alone: only the bad row fails', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>(
      async (xs) => {
        batches.push(xs);
        if (xs.includes(13)) throw new Error('bad row');
        return xs;
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const results = await Promise.allSettled([1, 13, 2].map((x) => gc.submit(x)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([1, 'bad row', 2]);
    expect(batches).toEqual([[1, 13, 2], [1], [13], [2]]);
  });

  it('refuses a write that answers the wrong number of rows', async () => {
    const gc = new GroupCommit<number, number>(async () => [], { maxBatch: 10, maxInFlight: 1 });
    await expect(gc.submit(1)).rejects.toThrow(/0 results for 1 rows/);
  });
});
