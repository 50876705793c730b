import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './free-port';
import { createTestDatabase } from './test-app';

/** A TCP forwarder (to PostgreSQL) that can be cut (connections reset, port closed) and restored. */
export class CuttableProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  open(): Promise<void> {
    if (this.server) return Promise.resolve();
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

/** A new test database reached through an open CuttableProxy: `url` goes through it, so `cut()` is an outage. */
export async function databaseBehindProxy(): Promise<{ proxy: CuttableProxy; url: string }> {
  const direct = new URL(await createTestDatabase());
  const proxy = new CuttableProxy(await freePort(), { host: direct.hostname === 'localhost' ? '127.0.0.1' : direct.hostname, port: Number(direct.port) });
  await proxy.open();
  const viaProxy = new URL(direct.href);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  return { proxy, url: viaProxy.href };
}
