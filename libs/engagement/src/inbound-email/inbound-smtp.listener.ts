import { Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { DomainException, InjectConfig, type AppConfig } from '@beacon/core';
import { EngagementModule } from '../engagement.module';
import { InboundEmailService } from './inbound-email.service';

// A reply goes to one reply address; more recipients in one message are refused rather than read once.
const MAX_RECIPIENTS = 5;
const smtpError = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

/**
 * The MX for REPLY_DOMAIN / RETURN_PATH_DOMAIN (INBOUND_SMTP_PORT), run where queues are consumed
 * (the worker; `npm start`'s single process). Takes mail only for our own reply+/bounce+
 * addresses whose token verifies, refusing everything else at RCPT (so it relays nothing and
 * accepts no catch-all mail it would have to bounce); no AUTH; STARTTLS when a key and
 * certificate are configured; the size limit announced in EHLO and enforced while reading.
 */
@Injectable()
export class InboundSmtpListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('InboundSmtp');
  private server?: SMTPServer;

  constructor(
    private readonly inbound: InboundEmailService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const cfg = this.config.inboundEmail;
    if (!cfg?.smtpPort) return;
    this.server = new SMTPServer({
      name: cfg.replyDomain,
      banner: 'Beacon inbound mail',
      size: cfg.maxBytes,
      authOptional: true,
      disabledCommands: cfg.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...(cfg.tls ? { key: readFileSync(cfg.tls.keyFile), cert: readFileSync(cfg.tls.certFile) } : {}),
      maxClients: 100,
      socketTimeout: 60_000,
      closeTimeout: 5_000,
      logger: false,
      onRcptTo: (address, session, cb) => {
        if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return cb(smtpError(452, '4.5.3 Too many recipients'));
        const check = this.inbound.checkRecipient(address.address);
        if (check === 'ok') return cb();
        // Same answer for a forged token as for an address that is not ours at all.
        cb(smtpError(550, check === 'expired' ? '5.1.1 This reply address has expired' : '5.1.1 No such recipient here'));
      },
      onData: (stream, session, cb) => {
        this.receive(stream, session).then(
          (id) => cb(null, `2.0.0 Queued as ${id}`),
          (err: Error) => cb(err),
        );
      },
    });
    this.server.on('error', (err) => this.logger.warn({ err: err.message }, 'Inbound SMTP connection error'));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(cfg.smtpPort, () => resolve());
    });
    this.logger.log({ port: cfg.smtpPort, starttls: !!cfg.tls }, 'Inbound SMTP listener started');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded) throw smtpError(552, '5.3.4 Message too big');
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    try {
      return await this.inbound.accept({
        raw: Buffer.concat(chunks),
        recipients: session.envelope.rcptTo.map((r) => r.address),
        via: 'smtp',
        // Bounces come from the null sender: counted by the address of the server sending them.
        sender: mailFrom || `ip:${session.remoteAddress}`,
      });
    } catch (err) {
      if (err instanceof DomainException && err.code === 'RATE_LIMITED') throw smtpError(452, '4.7.1 Too many messages from this sender, try again later');
      if (err instanceof DomainException && err.code === 'VALIDATION') throw smtpError(552, '5.3.4 Message too big');
      this.logger.error({ err: (err as Error).message }, 'Inbound e-mail could not be stored');
      throw smtpError(451, '4.3.0 Temporary failure, try again later');
    }
  }
}

/** The listener on its own, imported by the worker (and by the API when it consumes the queues). */
@Module({ imports: [EngagementModule], providers: [InboundSmtpListener] })
export class InboundSmtpModule {}
