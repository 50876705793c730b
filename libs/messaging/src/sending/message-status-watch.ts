import type { MessageStatus } from '../message.entity';

/** A batch's view of its message's status: read before every send, for free. */
export interface StatusView {
  /** The status as last read (null: the message is gone). */
  current(): MessageStatus | null;
  release(): void;
}

interface Watched {
  users: number;
  status: MessageStatus | null;
  reading: boolean;
  timer: ReturnType<typeof setInterval>;
}

/**
 * The status of the messages this process is sending, re-read from the message row every
 * `everyMs` while a batch of theirs runs (one read per message, however many batches share
 * it), so a cancel or a pause made through any process stops the senders within that time
 * plus the sends already in flight. A failed read keeps the last status (the database may be
 * restarting; the outcome writer deals with that).
 */
export class MessageStatusWatch {
  private readonly watched = new Map<string, Watched>();

  constructor(
    private readonly read: (messageId: string) => Promise<MessageStatus | null>,
    private readonly everyMs: number,
  ) {}

  watch(messageId: string, status: MessageStatus): StatusView {
    let w = this.watched.get(messageId);
    if (!w) {
      const entry: Watched = { users: 0, status, reading: false, timer: setInterval(() => this.refresh(entry, messageId), this.everyMs) };
      entry.timer.unref();
      this.watched.set(messageId, entry);
      w = entry;
    }
    const mine = w;
    mine.users++;
    let released = false;
    return {
      current: () => mine.status,
      release: () => {
        if (released) return;
        released = true;
        if (--mine.users > 0) return;
        clearInterval(mine.timer);
        if (this.watched.get(messageId) === mine) this.watched.delete(messageId);
      },
    };
  }

  private refresh(entry: Watched, messageId: string): void {
    if (entry.reading) return; // a slow read is not stacked up
    entry.reading = true;
    this.read(messageId)
      .then((status) => {
        entry.status = status;
      })
      .catch(() => undefined)
      .finally(() => {
        entry.reading = false;
      });
  }
}
