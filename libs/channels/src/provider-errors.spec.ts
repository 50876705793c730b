import { describe, expect, it } from '@jest/globals';
import twilio from 'twilio';
import { classifySmtpError, classifySmtpSendError } from './email/smtp-email.transport';
import { classifyTwilioError } from './sms/twilio-sms.transport';

const smtp = (message: string, extra: { code?: string; responseCode?: number }) => classifySmtpError(Object.assign(new Error(message), extra));

describe('provider error classification', () => {
  it('SMTP: no reply code and a connection error means the relay is unreachable', () => {
    expect(smtp('connect ECONNREFUSED 127.0.0.1:25', { code: 'ESOCKET' })).toMatchObject({ kind: 'unavailable', providerCode: 'ESOCKET' });
    expect(smtp('Connection timeout', { code: 'ETIMEDOUT' }).kind).toBe('unavailable');
    expect(smtp('Greeting never received', { code: 'EGREETING' }).kind).toBe('unavailable');
  });

  it('SMTP: 421 and throttling 4xx are rate limited, other 4xx transient, 5xx (not 503) permanent', () => {
    expect(smtp('Server shutting down', { code: 'EENVELOPE', responseCode: 421 }).kind).toBe('rate_limited');
    expect(smtp('Too many messages, slow down', { responseCode: 450 }).kind).toBe('rate_limited');
    expect(smtp('Try again later', { code: 'EMESSAGE', responseCode: 451 }).kind).toBe('transient');
    expect(smtp('Bad sequence', { responseCode: 503 }).kind).toBe('transient');
    expect(smtp('Mailbox unavailable', { responseCode: 550 })).toMatchObject({ kind: 'permanent', providerCode: '550' });
  });

  it('Twilio: network errors are unreachable, 429 rate limited, 5xx transient, known codes permanent', () => {
    expect(classifyTwilioError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).kind).toBe('unavailable');
    expect(classifyTwilioError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).kind).toBe('unavailable');
    const rest = (status: number, code: number) => new twilio.RestException({ statusCode: status, body: { status, code, message: 'x' } } as never);
    expect(classifyTwilioError(rest(429, 20429)).kind).toBe('rate_limited');
    expect(classifyTwilioError(rest(500, 20500)).kind).toBe('transient');
    expect(classifyTwilioError(rest(400, 21610)).kind).toBe('permanent');
  });

  it('SMTP: no reply once the whole message was sent is an unknown outcome; a reply is still the relay\'s answer', () => {
    const timeout = Object.assign(new Error('Timeout'), { code: 'ETIMEDOUT' });
    expect(classifySmtpSendError(timeout, true)).toMatchObject({ kind: 'unknown', providerCode: 'ETIMEDOUT' });
    expect(classifySmtpSendError(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }), true).kind).toBe('unknown');
    expect(classifySmtpSendError(timeout, false).kind).toBe('unavailable');
    expect(classifySmtpSendError(Object.assign(new Error('Message failed'), { code: 'EMESSAGE', responseCode: 451 }), true).kind).toBe('transient');
  });

  it('Twilio: a timeout or reset after the whole request was written is an unknown outcome', () => {
    const sent = { writableFinished: true };
    expect(classifyTwilioError(Object.assign(new Error('timeout of 1000ms exceeded'), { code: 'ECONNABORTED', request: sent })).kind).toBe('unknown');
    expect(classifyTwilioError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', request: sent })).kind).toBe('unknown');
    expect(classifyTwilioError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', request: { writableFinished: false } })).kind).toBe('unavailable');
    expect(classifyTwilioError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', request: sent })).kind).toBe('unavailable');
  });
});
