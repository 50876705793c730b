import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import pg from 'pg';
import { pinoHttp } from 'pino-http';
import request from 'supertest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createPinoLogger, PinoNestLogger, redactUrl, serializeRequest, type LoggerFormat } from './logger';

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

describe('a log run keeps no address, number or token, and errors as message, code and stack', () => {
  const ADDRESS = 'seeded.resident@example.org';
  const PHONE = '+447700900123';
  const TOKEN = 'eyJzZWVkZWQtdG9rZW4';
  const run = (format: LoggerFormat = {}) => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    return { logger: createPinoLogger('debug', sink, format), text: () => lines.join('') };
  };

  it('credentials and contact values are redacted wherever a log call puts them', async () => {
    const { logger, text } = run();
    logger.info({ email: ADDRESS, phone: PHONE, token: TOKEN }, 'top level');
    logger.info({ resident: { email: ADDRESS, phone: PHONE }, link: { token: TOKEN } }, 'one level down');
    logger.warn({ job: { data: { email: ADDRESS, to: PHONE, accessToken: TOKEN } } }, 'two levels down');
    logger.info({ mail: { to: ADDRESS, password: 'hunter2-password' } }, 'a mail');
    const log = pinoHttp({ logger, serializers: { req: serializeRequest } });
    await request((req: IncomingMessage, res: ServerResponse) => {
      log(req, res);
      res.end('ok');
    })
      .get(`/verify?token=${TOKEN}&email=${encodeURIComponent(ADDRESS)}`)
      .set('Authorization', `Bearer ${TOKEN}`)
      .set('Cookie', `beacon_session=${TOKEN}`);
    await new Promise((r) => setTimeout(r, 20));
    const logged = text();
    expect(logged).toContain('two levels down');
    for (const secret of [ADDRESS, encodeURIComponent(ADDRESS), PHONE, TOKEN, 'hunter2-password']) expect([secret, logged.includes(secret)]).toEqual([secret, false]);
  });

  it('an error is logged as type, message, code and stack (and its cause), never the client, socket or request it holds', async () => {
    const { logger, text } = run();
    // What pg hands back: an error holding the client, whose connection holds the socket and the password.
    const client = new pg.Client({ host: '127.0.0.1', port: 1, user: 'beacon', password: 'client-password-123', database: 'beacon' });
    const connectError = await client.connect().then(
      () => new Error('unexpected'),
      (err: Error) => err,
    );
    const err = Object.assign(new Error('Connection terminated unexpectedly', { cause: connectError }), { code: '57P01', client, request: { headers: { authorization: `Bearer ${TOKEN}` } } });
    logger.error({ err }, 'pg-boss error');
    new PinoNestLogger(logger).error(Object.assign(new Error('thrown at Nest'), { code: 'E_NEST', socket: client }));
    const lines = text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, { type: string; message: string; code: string; stack: string; cause?: { message: string } }>);
    expect(lines[0].err).toEqual({ type: 'Error', message: 'Connection terminated unexpectedly', code: '57P01', stack: expect.stringContaining('logger.spec'), cause: expect.objectContaining({ message: connectError.message }) });
    expect(lines[1].err).toMatchObject({ message: 'thrown at Nest', code: 'E_NEST', stack: expect.stringContaining('thrown at Nest') });
    expect(text()).not.toMatch(/client-password-123|connectionParameters|_connecting|Socket|authorization/);
    expect(text().length).toBeLessThan(4000);
  });

  it("Nest's logger with fields and a message (`log({ deleted }, 'text')`) keeps both, and the context", () => {
    const { logger, text } = run();
    const nest = new PinoNestLogger(logger);
    nest.log({ deleted: 3 }, 'Deleted sign-ups never verified', 'Residents');
    nest.log('Plain text', 'Bootstrap2');
    const lines = text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // As Nest's ConsoleLogger reads it: the last string is the context, the strings before it the message.
    expect(lines.map(({ msg, context, deleted, n }) => ({ msg, context, deleted, n }))).toEqual([
      { msg: 'Deleted sign-ups never verified', context: 'Residents', deleted: 3, n: undefined },
      { msg: 'Plain text', context: 'Bootstrap2', deleted: undefined, n: undefined },
    ]);
  });

  it('development: readable lines (pino-pretty), with the redaction and the error message and stack', () => {
    const { logger, text } = run({ pretty: true });
    logger.info({ context: 'Bootstrap', email: ADDRESS }, 'Beacon started');
    logger.error({ err: Object.assign(new Error('relay refused'), { code: 'ECONNREFUSED' }) }, 'Send failed');
    const logged = text();
    expect(logged).toMatch(/INFO.*\[Bootstrap\] Beacon started/);
    expect(logged).toMatch(/ERROR.*Send failed/);
    expect(logged).toContain('relay refused');
    expect(logged).toContain('ECONNREFUSED');
    expect(logged).not.toContain(ADDRESS);
    expect(logged).not.toMatch(/^\{/m);
  });
});
