import { connect } from 'node:net';

/** Opens (and closes) a TCP connection: the SMTP relay answers on its port. */
export function tcpReachable(host: string, port: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const done = (err?: Error) => {
      socket.destroy();
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => done(new Error(`No answer from ${host}:${port}`));
    signal.addEventListener('abort', onAbort);
    socket.once('connect', () => done());
    socket.once('error', (err) => done(err));
  });
}

/** The host and port of an smtp:// or smtps:// URL, without its credentials. */
export function smtpEndpoint(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) || (u.protocol === 'smtps:' ? 465 : 587) };
}

/** Any HTTP answer from the API's base URL means Twilio (or its stub) can be reached; no credentials are sent. */
export async function httpReachable(url: string, signal: AbortSignal): Promise<{ httpStatus: number }> {
  const res = await fetch(url, { method: 'HEAD', signal, redirect: 'manual' });
  await res.body?.cancel();
  return { httpStatus: res.status };
}
