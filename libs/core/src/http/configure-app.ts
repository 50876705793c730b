import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express from 'express';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { Logger as PinoLogger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { completeOpenApi } from './openapi';
import { serializeRequest } from '../logging/logger';
import { httpMetricsMiddleware } from '../metrics/http-metrics';
import { MetricsService } from '../metrics/metrics.service';

/** Routes that read a text/csv body as a stream themselves. */
const STREAMED_CSV = /^\/api\/v1\/(imports\/(residents|schemes)|geography\/postcodes)\/?$/;
/** Routes that read a multipart/form-data upload themselves (multer, with their own size caps). */
const MULTIPART_UPLOADS = /^\/api\/v1\/messages\/[^/]+\/attachments\/?$/;

/** HTTP concerns shared by main.ts and the e2e harness, so tests run what production runs. */
export function configureApp(app: INestApplication, config: AppConfig, logger?: PinoLogger): void {
  const http = app as NestExpressApplication;
  http.disable('x-powered-by');
  if (config.http.trustProxy) http.set('trust proxy', config.http.trustProxy);
  const genReqId = (req: express.Request, res: express.Response) => {
    const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
    res.setHeader('x-request-id', id);
    return id;
  };
  http.use(httpMetricsMiddleware(app.get(MetricsService)));
  if (logger?.isLevelEnabled('info')) {
    http.use(
      pinoHttp({
        logger,
        genReqId,
        autoLogging: { ignore: (req) => req.url === '/metrics' || (req.url ?? '').startsWith('/health') },
        serializers: { req: serializeRequest },
      }),
    );
  } else if (logger) {
    // Request logs are info lines: below that level pino-http would build a child logger per
    // request (serialising the request) only to drop it. Request ids still go out.
    http.use((req: express.Request & { id?: string }, res: express.Response, next: express.NextFunction) => {
      req.id = genReqId(req, res);
      next();
    });
  }
  http.use((_req: express.Request, res: express.Response, next: express.NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });
  // Cookies are read only by the console's pages (the session and its CSRF cookie); the auth
  // guard never accepts one on an API route.
  http.use(cookieParser());
  http.use(express.json({ limit: '256kb' }));
  http.use(express.urlencoded({ extended: false, limit: '64kb' }));
  const csvText = express.text({ type: ['text/csv', 'text/plain'], limit: '5mb' });
  // Imports (libs/imports) stream their CSV body through csv-parse instead: no copy in memory, no 5 MB cap.
  const streamed = (req: express.Request) => STREAMED_CSV.test(req.originalUrl.split('?')[0]) && !!req.is(['text/csv', 'text/plain']);
  http.use((req: express.Request, res: express.Response, next: express.NextFunction) => (streamed(req) ? next() : csvText(req, res, next)));
  // The JSON API refuses a body no parser above could read (XML, octet-stream, …): it would
  // otherwise reach the route as an empty object, and an all-optional update would "succeed".
  http.use('/api', (req: express.Request, _res: express.Response, next: express.NextFunction) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    const upload = MULTIPART_UPLOADS.test(req.originalUrl.split('?')[0]) && !!req.is('multipart/form-data');
    if (hasBody && req.body === undefined && !streamed(req) && !upload) {
      return next(Object.assign(new Error('Unsupported content type: send application/json (text/csv for imports)'), { status: 415 }));
    }
    next();
  });

  const doc = new DocumentBuilder()
    .setTitle('Beacon API')
    .setDescription('Community messaging and active citizens platform. Errors: {statusCode, error, message}.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'staff')
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'resident')
    .build();
  SwaggerModule.setup('docs', app, () => completeOpenApi(SwaggerModule.createDocument(app, doc), config.http.publicUrl, 'MIT'), { jsonDocumentUrl: 'docs-json' });
}
