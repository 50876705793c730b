import { Controller, Get, Header, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { InjectConfig, type AppConfig } from '../config/app-config';
import { DomainException, notFound } from '../errors/domain.exception';
import { Public } from '../http/access.decorators';
import { metricsAccess } from './metrics-auth';
import { MetricsService } from './metrics.service';

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
    const access = metricsAccess(this.config.metrics.token, authorization);
    if (access === 'closed') throw notFound('Route');
    if (access === 'denied') throw new DomainException('UNAUTHENTICATED', 'A valid metrics token is required');
    res.setHeader('Content-Type', this.metrics.contentType);
    return this.metrics.render();
  }
}
