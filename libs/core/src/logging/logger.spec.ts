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
    // Search terms and contact values: a member of staff looking someone up by address or number.
    ['/api/v1/residents?q=ada%40example.org&limit=5', '/api/v1/residents?q=***&limit=5'],
    ['/api/v1/residents?ward=BE01&q=07700%20900123', '/api/v1/residents?ward=BE01&q=***'],
    ['/x?email=a@b.c&phone=%2B447700900123&search=Ada&mobile=1&postcode=B1', '/x?email=***&phone=***&search=***&mobile=***&postcode=***'],
    ['/x?access_token=abc&code=123456', '/x?access_token=***&code=***'],
    ['/x?quiet=1', '/x?quiet=1'],
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

  it('a referer header is redacted like the URL', () => {
    const out = serializeRequest({ method: 'GET', url: '/x', headers: { referer: 'http://beacon.test/api/v1/residents?q=ada@example.org', host: 'h' } });
    expect(out.headers).toEqual({ referer: 'http://beacon.test/api/v1/residents?q=***', host: 'h' });
  });
});
