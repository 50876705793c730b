import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InjectConfig, type AppConfig } from '@beacon/core';

export interface OutboxEntry {
  id: string;
  channel: 'email' | 'sms';
  to: string;
  at: string;
  subject?: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

/** Dev stand-in for SMTP and Twilio: each message is a JSON file in DATA_DIR/outbox. */
@Injectable()
export class OutboxStore {
  private readonly dir: string;
  constructor(@InjectConfig() config: AppConfig) {
    this.dir = join(config.db.dataDir, 'outbox');
  }

  write(entry: Omit<OutboxEntry, 'id' | 'at'>): OutboxEntry {
    mkdirSync(this.dir, { recursive: true });
    const full: OutboxEntry = { id: randomUUID(), at: new Date().toISOString(), ...entry };
    writeFileSync(join(this.dir, `${full.at.replace(/[:.]/g, '-')}-${full.channel}-${full.id}.json`), JSON.stringify(full, null, 2));
    return full;
  }

  /** Newest first. */
  list(limit = 100): OutboxEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    return names
      .sort()
      .reverse()
      .slice(0, limit)
      .map((n) => JSON.parse(readFileSync(join(this.dir, n), 'utf8')) as OutboxEntry);
  }

  /** Retention: files written before `before` (by modification time); returns how many went. */
  deleteBefore(before: Date): number {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return 0;
    }
    let deleted = 0;
    for (const n of names) {
      const path = join(this.dir, n);
      if (statSync(path).mtimeMs < before.getTime()) {
        rmSync(path, { force: true });
        deleted++;
      }
    }
    return deleted;
  }
}
