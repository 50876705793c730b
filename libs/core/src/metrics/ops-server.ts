import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createServer, type Server } from 'node:http';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { metricsAccess } from './metrics-auth';
import { MetricsService } from './metrics.service';

/**
 * The worker has no Nest HTTP server: this small one answers what operations need from it on
 * WORKER_HTTP_PORT: GET /metrics (the worker's delivery and queue figures, same token rule as the
 * API), /health/live and /health/ready (503 while the database is unreachable).
 */
export function startOpsServer(app: INestApplicationContext, config: AppConfig, port: number): Promise<Server> {
  const metrics = app.get(MetricsService);
  const db = app.get<DataSource>(getDataSourceToken());
  const json = (status: number, body: unknown) => ({ status, type: 'application/json', text: JSON.stringify(body) });
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const answer = async () => {
      if (req.method !== 'GET') return json(405, { statusCode: 405, error: 'Method Not Allowed', message: 'GET only' });
      if (path === '/health/live') return json(200, { status: 'ok' });
      if (path === '/health/ready') {
        const up = await db.query<unknown[]>('SELECT 1').then(() => true, () => false);
        return json(up ? 200 : 503, { status: up ? 'ok' : 'error', details: { database: { status: up ? 'up' : 'down' } } });
      }
      if (path === '/metrics') {
        const access = metricsAccess(config.metrics.token, req.headers.authorization);
        if (access === 'ok') return { status: 200, type: metrics.contentType, text: await metrics.render() };
        if (access === 'denied') return json(401, { statusCode: 401, error: 'Unauthorized', message: 'A valid metrics token is required' });
      }
      return json(404, { statusCode: 404, error: 'Not Found', message: 'Route not found' });
    };
    answer().then(
      ({ status, type, text }) => res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(text),
      () => res.writeHead(500, { 'content-type': 'application/json' }).end('{"statusCode":500,"error":"Internal Server Error","message":"Internal error"}'),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
