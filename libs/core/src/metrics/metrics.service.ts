import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';

/** Delivery outcomes counted by `beacon_deliveries_total` (a row's final or retry state as written). */
export type DeliveryOutcomeLabel = 'sent' | 'failed' | 'bounced' | 'unknown' | 'queued' | 'cancelled' | 'delivered';

interface QueueRow {
  name: string;
  depth: number;
  active: number;
  oldest_seconds: number | null;
}

/**
 * Prometheus metrics of this process, in its own registry (several apps share a test process).
 * Counters move where things happen (HTTP middleware, the delivery outcome writer, the rate
 * limiter); queue depth and pool use are read when Prometheus scrapes.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly httpRequests = new Counter({ name: 'beacon_http_requests_total', help: 'HTTP requests by route template and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  private readonly httpDuration = new Histogram({
    name: 'beacon_http_request_duration_seconds',
    help: 'HTTP request latency by route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({ name: 'beacon_deliveries_total', help: 'Delivery outcomes written, by channel and outcome', labelNames: ['channel', 'outcome'], registers: [this.registry] });
  private readonly providerSend = new Histogram({
    name: 'beacon_provider_send_duration_seconds',
    help: 'Time one send took at the provider (SMTP relay, Twilio), by channel and result (sent, or the provider error kind)',
    labelNames: ['channel', 'result'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly fanOutDuration = new Histogram({
    name: 'beacon_fan_out_duration_seconds',
    help: 'Time a fan-out took to write the delivery rows of one message',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({ name: 'beacon_rate_limit_rejections_total', help: 'Requests refused by a rate limit, by bucket', labelNames: ['bucket'], registers: [this.registry] });
  private readonly queueDepth = new Gauge({ name: 'beacon_queue_depth', help: 'pg-boss jobs waiting (created or retry, due now) per job name', labelNames: ['name'], registers: [this.registry] });
  private readonly queueActive = new Gauge({ name: 'beacon_queue_active', help: 'pg-boss jobs being worked per job name', labelNames: ['name'], registers: [this.registry] });
  private readonly queueOldest = new Gauge({ name: 'beacon_queue_oldest_job_age_seconds', help: 'Age of the oldest due job waiting per job name (0 when none)', labelNames: ['name'], registers: [this.registry] });
  private readonly pool = new Gauge({ name: 'beacon_db_pool_connections', help: 'Application database pool: total, idle and waiting clients', labelNames: ['state'], registers: [this.registry] });
  private readonly scrapeErrors = new Counter({ name: 'beacon_metrics_collect_errors_total', help: 'Scrapes whose database-backed gauges could not be read', registers: [this.registry] });

  constructor(@InjectDataSource() private readonly db: DataSource) {
    collectDefaultMetrics({ register: this.registry, prefix: 'beacon_' });
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** Called by the writer of delivery outcomes, once they are committed. */
  countDeliveries(channel: string, outcomes: { status: string }[]): void {
    for (const o of outcomes) this.deliveries.inc({ channel, outcome: o.status });
  }

  /** One provider call: `result` is 'sent' or the ProviderError kind (permanent, transient, unknown, rate_limited, unavailable). */
  observeProviderSend(channel: string, result: string, seconds: number): void {
    this.providerSend.observe({ channel, result }, seconds);
  }

  observeFanOut(seconds: number): void {
    this.fanOutDuration.observe(seconds);
  }

  countRateLimited(bucket: string): void {
    this.rateLimited.inc({ bucket });
  }

  /** The exposition text; queue and pool gauges are read now. */
  async render(): Promise<string> {
    await this.collectGauges();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async collectGauges(): Promise<void> {
    const pool = (this.db.driver as unknown as { master?: Pool }).master;
    if (pool) {
      this.pool.set({ state: 'total' }, pool.totalCount);
      this.pool.set({ state: 'idle' }, pool.idleCount);
      this.pool.set({ state: 'waiting' }, pool.waitingCount);
    }
    try {
      const rows = await this.db.query<QueueRow[]>(
        `SELECT name,
                count(*) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now())::int AS depth,
                count(*) FILTER (WHERE state = 'active')::int AS active,
                extract(epoch FROM now() - min(created_on) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now()))::float8 AS oldest_seconds
           FROM pgboss.job
          WHERE state IN ('created', 'retry', 'active')
          GROUP BY name`,
      );
      this.queueDepth.reset();
      this.queueActive.reset();
      this.queueOldest.reset();
      for (const r of rows) {
        this.queueDepth.set({ name: r.name }, r.depth);
        this.queueActive.set({ name: r.name }, r.active);
        this.queueOldest.set({ name: r.name }, r.oldest_seconds ?? 0);
      }
    } catch {
      // The database is down: the scrape still answers (process and HTTP metrics), and says so.
      this.scrapeErrors.inc();
    }
  }
}
