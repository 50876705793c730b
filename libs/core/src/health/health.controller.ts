import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../http/access.decorators';
import { QueueService } from '../queue/queue.service';

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'error'] }) status: 'ok' | 'error';
  @ApiProperty({ enum: ['up', 'down'] }) db: 'up' | 'down';
  @ApiProperty({ enum: ['up', 'down'] }) queue: 'up' | 'down';
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: QueueService,
  ) {}

  @Public()
  @Get()
  @HttpCode(200)
  @ApiOkResponse({ type: HealthDto, description: 'Database and queue up' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'Database or queue down' })
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthDto> {
    const db = await this.db.query<unknown[]>('SELECT 1').then(
      () => 'up' as const,
      () => 'down' as const,
    );
    const queue = (await this.queue.isHealthy()) ? ('up' as const) : ('down' as const);
    const ok = db === 'up' && queue === 'up';
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'error', db, queue };
  }
}
