import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InjectConfig, type AppConfig } from '../config/app-config';

/** How far the read replica may be behind the primary; null (from `staleness()`) when reads go to the primary. */
export interface ReplicaStaleness {
  /** The primary's time of the newest heartbeat the replica holds (null: none has reached it yet). */
  asOf: Date | null;
  /** Whole seconds since then, on the replica's clock: lag plus at most REPLICA_HEARTBEAT_SECONDS. */
  seconds: number | null;
}

/**
 * The reads that may be stale: reports, audience previews and exports. With REPORTS_DATABASE_URL
 * they run on the read replica (TypeORM's `slave` pool); unset, on the primary like everything
 * else. Nothing that writes, or reads what it has just written, belongs here.
 */
@Injectable()
export class ReportsReader {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Whether these reads go to a replica (and so may lag the primary). */
  get replicated(): boolean {
    return !!this.config.db.reportsUrl;
  }

  async query<T>(sql: string, params?: unknown[]): Promise<T> {
    const runner = this.db.createQueryRunner('slave');
    try {
      return await runner.manager.query<T>(sql, params);
    } finally {
      await runner.release();
    }
  }

  /** The replica's staleness, read on the replica from the heartbeat row; null without a replica (figures are live). */
  async staleness(): Promise<ReplicaStaleness | null> {
    if (!this.replicated) return null;
    const [row] = await this.query<{ asOf: Date; seconds: number }[]>(
      `SELECT beat_at AS "asOf", greatest(0, floor(extract(epoch FROM clock_timestamp() - beat_at)))::int AS seconds FROM replica_heartbeat WHERE id = 1`,
    );
    return row ? { asOf: row.asOf, seconds: row.seconds } : { asOf: null, seconds: null };
  }
}

/** While a replica is configured: stamps the heartbeat row on the primary every REPLICA_HEARTBEAT_SECONDS (each process; the newest stamp wins). */
@Injectable()
export class ReplicaHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Replica');
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.db.reportsUrl) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.config.db.heartbeatSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
  }

  /** One stamp at a time; a failed one (database down) is skipped: the replica's figures just look older. */
  private tick(): void {
    if (this.beating) return;
    this.beating = this.beat()
      .catch((err: unknown) => this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'Replica heartbeat not written'))
      .finally(() => (this.beating = undefined));
  }

  async beat(): Promise<void> {
    await this.db.query<unknown>(
      `INSERT INTO replica_heartbeat (id, beat_at) VALUES (1, clock_timestamp()) ON CONFLICT (id) DO UPDATE SET beat_at = excluded.beat_at`,
    );
  }
}
