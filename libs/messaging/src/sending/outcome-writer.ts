import type { Logger } from '@nestjs/common';
import { isDatabaseUnavailable } from '@beacon/core';
import type { RecordedOutcome, OutcomeRepository } from './outcome.repository';

// Outcomes of e-mails the provider already accepted are kept and re-written this long while the
// database is unreachable (a restart, a failover): each one given up on is a duplicate later.
const PERSIST_RETRY_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A batch's outcomes, written by one writer as soon as the previous write is done (group
 * commit): under load each write takes what the lanes finished meanwhile, so a worker that dies
 * leaves only a few milliseconds of accepted sends unrecorded (each is sent again). While the
 * database cannot be written, `troubled` tells the batch to stop sending.
 */
export class OutcomeWriter {
  /** A write failed, or waited for the database: no new send should start. */
  troubled = false;
  /** The write that failed for good (outcomes left in `pending` get one more try in `finish`). */
  failure: { err: unknown } | undefined;
  private pending: RecordedOutcome[] = [];
  private writer: Promise<void> | undefined;

  constructor(
    private readonly outcomes: OutcomeRepository,
    private readonly logger: Logger,
    private readonly messageId: string,
    /** Called with each chunk once its write has committed (the delivery metrics). */
    private readonly onWritten: (chunk: RecordedOutcome[]) => void = () => undefined,
  ) {}

  add(outcome: RecordedOutcome): void {
    this.pending.push(outcome);
    void this.flush();
  }

  /** Resolves once everything added so far is written or the writer has failed. */
  flush(): Promise<void> {
    // drain() clears `writer` in the same tick that it finds nothing left, so an outcome added
    // after that starts a new writer rather than wait for one that has already finished.
    if (!this.writer && this.pending.length && !this.failure) this.writer = this.drain();
    return this.writer ?? Promise.resolve();
  }

  /** At the end of the batch: the last writes, and one more try for what the writer could not write. */
  async finish(): Promise<void> {
    await this.flush();
    if (!this.failure || !this.pending.length) return;
    const chunk = this.pending;
    this.pending = [];
    await this.write(chunk).catch((err: Error) =>
      this.logger.error(
        { messageId: this.messageId, outcomes: chunk.length, err: err.message },
        'Delivery outcomes not written: their rows go back to the queue when their claim goes stale',
      ),
    );
  }

  /** A write that must survive a database restart: retried with backoff while PostgreSQL is unreachable. */
  async persist<T>(what: string, write: () => Promise<T>): Promise<T> {
    const giveUpAt = Date.now() + PERSIST_RETRY_MS;
    for (let wait = 250; ; wait = Math.min(wait * 2, 1_000)) {
      try {
        return await write();
      } catch (err) {
        if (!isDatabaseUnavailable(err) || Date.now() + wait > giveUpAt) throw err;
        this.troubled = true;
        this.logger.warn({ what, err: (err as Error).message, retryInMs: wait }, 'Database unreachable: write retried');
        await sleep(wait);
      }
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length && !this.failure) {
        const chunk = this.pending;
        this.pending = [];
        try {
          await this.write(chunk);
        } catch (err) {
          this.pending = chunk.concat(this.pending); // kept for the last attempt in finish()
          throw err;
        }
      }
    } catch (err) {
      this.failure ??= { err };
      this.troubled = true;
    } finally {
      this.writer = undefined;
    }
  }

  private write(chunk: RecordedOutcome[]): Promise<void> {
    return this.persist('delivery outcomes', () => this.outcomes.record(chunk)).then(() => this.onWritten(chunk));
  }
}
