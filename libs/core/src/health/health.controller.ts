import { Controller, Get, HttpCode, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { InjectConfig, type AppConfig } from '../config/app-config';
import { Public } from '../http/access.decorators';
import { QueueService } from '../queue/queue.service';
import { httpReachable, smtpEndpoint, tcpReachable } from './dependency-checks';

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'error'] }) status: 'ok' | 'error';
  @ApiProperty({ enum: ['up', 'down'] }) db: 'up' | 'down';
  @ApiProperty({ enum: ['up', 'down'] }) queue: 'up' | 'down';
}

/** What terminus answers: `status` and one entry per indicator (`database`, `queue`, `smtp`, `twilio`). */
export class HealthCheckDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Indicators that are up (or degraded)' }) info?: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Indicators that are down' }) error?: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Every indicator' }) details: Record<string, unknown>;
}

const DB_TIMEOUT_MS = 2_000;
const REMOTE_TIMEOUT_MS = 3_000;
// The relay and Twilio are asked at most this often, however often probes come.
const REMOTE_CACHE_MS = 15_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: QueueService,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly typeorm: TypeOrmHealthIndicator,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The original combined check: database and queue (kept for existing monitors). */
  @Public()
  @Get()
  @HttpCode(200)
  @ApiOperation({ summary: 'Database and queue status (503 when either is down)' })
  @ApiOkResponse({ type: HealthDto, description: 'Database and queue up' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'Database or queue down' })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthDto> {
    const db = await this.db.query<unknown[]>('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const queue = (await this.queue.isHealthy()) ? ('up' as const) : ('down' as const);
    const ok = db === 'up' && queue === 'up';
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'error', db, queue };
  }

  /** Liveness: the process answers. No dependency is asked, so an outage elsewhere never restarts it. */
  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is running and answering' })
  @ApiOkResponse({ type: HealthCheckDto, description: 'The process answers' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * Readiness: 503 while the database is unreachable (take this instance out of the load
   * balancer). The queue, SMTP relay and Twilio are reported, `degraded` when unreachable, but do
   * not fail it: the API still serves, and sends wait and retry.
   */
  @Public()
  @Get('ready')
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: 503 while the database is unreachable; queue, SMTP and Twilio reported' })
  @ApiOkResponse({ type: HealthCheckDto, description: 'Ready (dependencies other than the database may be degraded)' })
  @ApiServiceUnavailableResponse({ type: HealthCheckDto, description: 'The database is unreachable' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.typeorm.pingCheck('database', { connection: this.db, timeout: DB_TIMEOUT_MS }), () => this.queueCheck(), () => this.smtpCheck(), () => this.twilioCheck()]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(503);
      return err.getResponse() as HealthCheckResult;
    }
  }

  private async queueCheck(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('queue');
    return (await this.queue.isHealthy()) ? session.up() : session.degraded({ message: 'pg-boss is not running or cannot reach its tables' });
  }

  private async smtpCheck(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('smtp');
    if (!this.config.mail.smtpUrl) return session.up({ mode: 'outbox' });
    const { host, port } = smtpEndpoint(this.config.mail.smtpUrl);
    return this.degradeWhenDown('smtp', await session.attempt(({ signal }) => tcpReachable(host, port, signal).then(() => ({ host, port }))).withTimeout(REMOTE_TIMEOUT_MS).cacheFor(REMOTE_CACHE_MS));
  }

  private async twilioCheck(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('twilio');
    if (!this.config.sms.accountSid) return session.up({ mode: 'outbox' });
    const url = this.config.sms.apiBaseUrl ?? 'https://api.twilio.com';
    return this.degradeWhenDown('twilio', await session.attempt(({ signal }) => httpReachable(url, signal)).withTimeout(REMOTE_TIMEOUT_MS).cacheFor(REMOTE_CACHE_MS));
  }

  /** A provider that cannot be reached is reported as degraded, never down: readiness is about this instance. */
  private degradeWhenDown(key: string, result: HealthIndicatorResult): HealthIndicatorResult {
    const entry = result[key];
    if (entry?.status !== 'down') return result;
    const { status: _status, ...data } = entry;
    return this.indicators.check(key).degraded(data);
  }
}
