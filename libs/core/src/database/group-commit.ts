import { ServiceUnavailableException } from '@nestjs/common';

/**
 * Group commit for a hot single-row write: callers that arrive while a statement is in flight
 * are coalesced into the next one (one multi-row statement, one round trip, one WAL flush), and
 * each caller's promise settles only after the statement that carried its row has committed, so
 * durability is unchanged. With no load a caller's row goes out at once, alone (no added delay).
 */
export interface GroupCommitOptions {
  /** Rows per statement at most. */
  maxBatch: number;
  /** Statements in flight at once (each on its own pooled connection). */
  maxInFlight: number;
  /** Callers waiting at most (default 10,000); more are refused with 503. */
  maxQueued?: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<I, O> {
  private queue: Waiting<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;

  /** `write(items)` returns one result per item, in order; it runs as one statement. */
  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: I): Promise<O> {
    // A database that hangs must not grow the queue without bound: past the cap, answer busy.
    if (this.queue.length >= (this.options.maxQueued ?? 10_000)) return Promise.reject(new ServiceUnavailableException('Busy, try again shortly'));
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  // setImmediate: requests parsed in the same turn of the event loop share a statement.
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || !this.queue.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.options.maxInFlight && this.queue.length) void this.run(this.queue.splice(0, this.options.maxBatch));
    });
  }

  private async run(batch: Waiting<I, O>[]): Promise<void> {
    this.inFlight++;
    try {
      await this.settle(batch);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  private async settle(batch: Waiting<I, O>[]): Promise<void> {
    let results: O[];
    try {
      results = await this.write(batch.map((w) => w.item));
      if (results.length !== batch.length) throw new Error(`group commit: ${results.length} results for ${batch.length} rows`);
    } catch (err) {
      // One bad row must not fail its neighbours: each goes again alone and gets its own answer,
      // one after another in this statement's slot (never more connections than maxInFlight).
      if (batch.length === 1) return batch[0].reject(err);
      for (const w of batch) await this.settle([w]);
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]));
  }
}
