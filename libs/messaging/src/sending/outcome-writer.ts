import type { Logger } from '@nestjs/common';
import { isDatabaseUnavailable } from '@beacon/core';
import type { RecordedOutcome, OutcomeRepository } from './outcome.repository';

// Outcomes of e-mails the provider already accepted are kept and re-written this long while the
// database is unreachable (a restart, a failover): each one given up on is a duplicate later.
const PERSIST_RETRY_MS = 60_000;

/**
 * A write waits for this many outcomes, or until the oldest of them is OUTCOME_LINGER_MS old,
 * whichever comes first. Each write is one UPDATE of `delivery` plus the counters its trigger
 * appends: about 1.4 ms of PostgreSQL whatever its size, and ~0.02 ms a row. Written as soon as
 * the previous write was done, an e-mail batch's writes held ~5 rows each at 1M residents (0.285 ms
 * of PostgreSQL per e-mail, its largest cost); SMS writes held ~54 (0.045 ms).
 */
export const OUTCOME_CHUNK = 32;
export const OUTCOME_LINGER_MS = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A batch's outcomes, written by one writer at a time (group commit): each write takes what the
 * lanes finished meanwhile, once OUTCOME_CHUNK have finished or the oldest has waited
 * OUTCOME_LINGER_MS. A worker that dies leaves at most the write in progress and the chunk filling
 * unrecorded (each of those e-mails is sent again). While the database cannot be written,
 * `troubled` tells the batch to stop sending.
 */
export class OutcomeWriter {
  /** A write failed, or waited for the database: no new send should start. */
  troubled = false;
  /** The write that failed for good (outcomes left in `pending` get one more try in `finish`). */
  failure: { err: unknown } | undefined;
  private pending: RecordedOutcome[] = [];
  private writer: Promise<void> | undefined;
  /** Ends the writer's wait for a fuller chunk (a chunk filled, or `finish`). */
  private wake: (() => void) | undefined;
  private finishing = false;
  /** When the oldest pending outcome was added. */
  private oldestAt = 0;

  constructor(
    private readonly outcomes: OutcomeRepository,
    private readonly logger: Logger,
    private readonly messageId: string,
    /** Called with each chunk once its write has committed (the delivery metrics). */
    private readonly onWritten: (chunk: RecordedOutcome[]) => void = () => undefined,
  ) {}

  add(outcome: RecordedOutcome): void {
    if (!this.pending.length) this.oldestAt = Date.now();
    this.pending.push(outcome);
    if (this.pending.length >= OUTCOME_CHUNK) this.wake?.();
    void this.flush();
  }

  /** Resolves once everything added so far is written (after the linger) or the writer has failed. */
  flush(): Promise<void> {
    // drain() clears `writer` in the same tick that it finds nothing left, so an outcome added
    // after that starts a new writer rather than wait for one that has already finished.
    if (!this.writer && this.pending.length && !this.failure) this.writer = this.drain();
    return this.writer ?? Promise.resolve();
  }

  /** At the end of the batch: the last writes, and one more try for what the writer could not write. */
  async finish(): Promise<void> {
    this.finishing = true;
    this.wake?.();
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
        await this.linger();
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

  /** Waits until a chunk is full, the oldest pending outcome has waited OUTCOME_LINGER_MS, or the batch finishes. */
  private async linger(): Promise<void> {
    const wait = this.oldestAt + OUTCOME_LINGER_MS - Date.now();
    if (this.finishing || this.pending.length >= OUTCOME_CHUNK || wait <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private write(chunk: RecordedOutcome[]): Promise<void> {
    return this.persist('delivery outcomes', () => this.outcomes.record(chunk)).then(() => this.onWritten(chunk));
  }
}
