import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import request from 'supertest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactUrl, serializeRequest } from './logger';

describe('request logs keep no resident credentials', () => {
  it.each([
    ['/verify?token=abc.def', '/verify?token=***'],
    ['/me?token=abc.def&x=1', '/me?token=***&x=1'],
    ['/me?x=1&TOKEN=abc', '/me?x=1&TOKEN=***'],
    ['/r/12a.k3.abcdefabcdefabcd', '/r/***'],
    ['/r/12a.k3.abcdefabcdefabcd/reply', '/r/***/reply'],
    ['/u/eyJyIjoi.mac?x=1', '/u/***?x=1'],
    ['/api/v1/messages?npu=BE', '/api/v1/messages?npu=BE'],
    ['/api/v1/reports/sim', '/api/v1/reports/sim'],
  ])('%s → %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });

  it('the access log line holds the redacted URL and neither query nor params', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = pinoHttp({ logger: pino(sink), serializers: { req: serializeRequest } });
    await request((req: IncomingMessage, res: ServerResponse) => {
      log(req, res);
      res.end('ok');
    }).get('/me?token=secret-sign-in-token');
    await new Promise((r) => setTimeout(r, 20));
    expect(lines.join('')).toContain('/me?token=***');
    expect(lines.join('')).not.toContain('secret-sign-in-token');
  });
});
