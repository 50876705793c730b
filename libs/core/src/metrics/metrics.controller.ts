import { Controller, Get, Header, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { InjectConfig, type AppConfig } from '../config/app-config';
import { DomainException, notFound } from '../errors/domain.exception';
import { Public } from '../http/access.decorators';
import { MetricsService } from './metrics.service';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Prometheus scrape endpoint: 404 unless METRICS_TOKEN is set, then only with that bearer token. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: Response): Promise<string> {
    const expected = this.config.metrics.token;
    if (!expected) throw notFound('Route');
    const given = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
    // Digests compared in constant time: neither length nor content leaks through timing.
    if (!timingSafeEqual(digest(given), digest(expected))) throw new DomainException('UNAUTHENTICATED', 'A valid metrics token is required');
    res.setHeader('Content-Type', this.metrics.contentType);
    return this.metrics.render();
  }
}
