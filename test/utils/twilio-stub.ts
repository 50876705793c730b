import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { waitUntil } from './smtp-sink';

export interface StubSms {
  sid: string;
  to: string;
  from?: string;
  messagingServiceSid?: string;
  body: string;
  statusCallback?: string;
  accountSid: string;
}

export interface ScriptedReply {
  status: number;
  code?: number;
  message?: string;
}

export interface TwilioStub {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  messages: StubSms[];
  /** Every request received, successful or not. */
  requests: number;
  /** Every Messages.json request: number, HTTP status answered, when (ms since epoch). */
  log: { to: string; status: number; at: number }[];
  /** Answer the next requests with these errors, then succeed again. */
  failNext(replies: ScriptedReply[]): void;
  /** Answer every request to this number with this error. */
  rejectNumber(to: string, reply: ScriptedReply): void;
  /** Keep each answer back this long (0 = answer at once): the SMS is taken, the client may time out first. */
  holdReplies(ms: number): void;
  /** Answer nothing until this settles (requests are still counted in `requests` as they arrive). */
  holdUntil(gate: Promise<unknown>): void;
  waitFor(count: number, timeoutMs?: number): Promise<StubSms[]>;
  env(): Record<string, string>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A local HTTP server that speaks the part of Twilio's REST API Beacon uses (Messages.json). */
export async function startTwilioStub(): Promise<TwilioStub> {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const messages: StubSms[] = [];
  const failures: ScriptedReply[] = [];
  const rejected = new Map<string, ScriptedReply>();
  let requests = 0;
  let holdMs = 0;
  let gate: Promise<unknown> | undefined;
  const log: { to: string; status: number; at: number }[] = [];
  const server: Server = createServer(async (req, res) => {
    requests++;
    const body = new URLSearchParams(await readBody(req));
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(req.url ?? '');
    const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    const hold = holdMs;
    const send = (status: number, json: unknown) => {
      const answer = () => {
        if (res.destroyed) return; // the client gave up meanwhile
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const later = () => (hold ? setTimeout(answer, hold) : answer());
      if (gate) void gate.then(later);
      else later();
    };
    if (!match || req.method !== 'POST') return send(404, { code: 20404, message: 'Not found', status: 404 });
    if (auth !== `${accountSid}:${authToken}`) return send(401, { code: 20003, message: 'Authenticate', status: 401 });
    const to = body.get('To') ?? '';
    const scripted = failures.shift() ?? rejected.get(to);
    log.push({ to, status: scripted?.status ?? 201, at: Date.now() });
    if (scripted) {
      return send(scripted.status, { code: scripted.code ?? scripted.status, message: scripted.message ?? `Scripted ${scripted.status}`, status: scripted.status });
    }
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const sms: StubSms = {
      sid,
      accountSid,
      to,
      from: body.get('From') ?? undefined,
      messagingServiceSid: body.get('MessagingServiceSid') ?? undefined,
      body: body.get('Body') ?? '',
      statusCallback: body.get('StatusCallback') ?? undefined,
    };
    messages.push(sms);
    send(201, {
      sid,
      account_sid: accountSid,
      to,
      from: sms.from ?? null,
      messaging_service_sid: sms.messagingServiceSid ?? null,
      body: sms.body,
      status: 'queued',
      num_segments: '1',
      direction: 'outbound-api',
      api_version: '2010-04-01',
      error_code: null,
      error_message: null,
      date_created: new Date().toUTCString(),
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    accountSid,
    authToken,
    messages,
    log,
    get requests() {
      return requests;
    },
    failNext: (replies) => failures.push(...replies),
    rejectNumber: (to, reply) => rejected.set(to, reply),
    holdReplies: (ms) => {
      holdMs = ms;
    },
    holdUntil: (g) => {
      gate = g;
    },
    waitFor: (count, timeoutMs = 20_000) => waitUntil(() => messages.length >= count, timeoutMs, `${count} SMS (have ${messages.length})`).then(() => messages),
    env: () => ({ TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM: '+447700900001', TWILIO_API_BASE_URL: baseUrl }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The X-Twilio-Signature Twilio would send for this URL and form. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}
