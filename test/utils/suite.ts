import { afterAll, beforeAll } from '@jest/globals';
import type { DestinationStream } from 'pino';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from './smtp-sink';
import { createTestApp, seedGeography, type TestApp } from './test-app';
import { startTwilioStub, type TwilioStub } from './twilio-stub';

export interface SuiteOptions {
  /** Start an SMTP sink (with these options) and point `SMTP_URL` at it. */
  smtp?: boolean | SmtpSinkOptions;
  /** Start the Twilio stub and give the app its `TWILIO_*` variables. */
  twilio?: boolean;
  /** Load `SMALL_GEOGRAPHY` (BE and SW) once the app is up. */
  geography?: boolean;
  /** More app variables; they win over the sink's and the stub's. */
  env?: Record<string, string>;
  /** Log as production does into this stream (see `createTestApp`). */
  logTo?: DestinationStream;
}

/** What a test file works with; each stands for the live object once `beforeAll` has run. */
export interface Suite {
  t: TestApp;
  smtp: SmtpSink;
  stub: TwilioStub;
}

/** Stands for the object `current()` returns once it exists; a clear error before (or when never asked for). */
function late<T extends object>(what: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_, prop) {
      const target = current();
      if (!target) throw new Error(`useSuite: ${what} is not running here (read before beforeAll, or not asked for)`);
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The setup of an e2e file: registers `beforeAll` (sink, stub, app with their variables,
 * geography) and `afterAll` (closes them all). Call it at the top of a `describe`; its own
 * `beforeAll` blocks run after this one, so they may use `t`.
 */
export function useSuite(opts: SuiteOptions = {}): Suite {
  let t: TestApp | undefined;
  let smtp: SmtpSink | undefined;
  let stub: TwilioStub | undefined;
  beforeAll(async () => {
    if (opts.smtp) smtp = await startSmtpSink(opts.smtp === true ? {} : opts.smtp);
    if (opts.twilio) stub = await startTwilioStub();
    t = await createTestApp({ ...(smtp ? { SMTP_URL: smtp.url } : {}), ...(stub ? stub.env() : {}), ...opts.env }, opts.logTo ? { logTo: opts.logTo } : {});
    if (opts.geography) await seedGeography(t);
  });
  afterAll(async () => {
    try {
      await t?.close();
    } finally {
      await smtp?.close();
      await stub?.close();
    }
  });
  return { t: late('the app', () => t), smtp: late('the SMTP sink (smtp: true)', () => smtp), stub: late('the Twilio stub (twilio: true)', () => stub) };
}
