import { Inject } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsFQDN,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { productionSecretProblems } from './secret-strength';
import { STAFF_ROLES, type StaffRole } from '../principal';
import { LANGUAGE_CODES } from './languages';

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
/** `SEED_DEMO`: `small` or `full`; a boolean spelling means full (true) or none (false). */
export const DEMO_SIZES = ['small', 'full'] as const;
export type DemoSize = (typeof DEMO_SIZES)[number];
const toDemoSize = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  const v = String(value).toLowerCase();
  if ((DEMO_SIZES as readonly string[]).includes(v)) return v;
  if (['1', 'true', 'yes', 'on'].includes(v)) return 'full';
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return value; // refused by @IsIn, named in the boot error
};
/** Types a reply attachment may be kept as (detected from its bytes): pictures and PDF, nothing executable or scriptable in a browser. */
export const KEEPABLE_ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/heic', 'application/pdf'];
const toList = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : String(value).split(',').map((v) => v.trim()).filter(Boolean);
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));

/** Every environment variable Beacon reads, with its description (README's table mirrors this). */
export const ENV_DOCS: Record<string, string> = {
  DATABASE_URL: 'PostgreSQL URL. Unset: an embedded PostgreSQL is started in DATA_DIR/postgres.',
  REPORTS_DATABASE_URL: 'PostgreSQL URL of a read replica (streaming or logical) for reports, audience previews and exports; writes stay on DATABASE_URL. Unset: everything reads the primary (docs/replica.md).',
  REPLICA_HEARTBEAT_SECONDS: 'With REPORTS_DATABASE_URL: how often each process writes the heartbeat row the replica\'s staleness is read from (default 5).',
  PORT: 'HTTP port of the API (default 3000).',
  PUBLIC_URL: 'Public base URL used in links sent to residents (default http://localhost:PORT).',
  DATA_DIR: 'Folder for embedded PostgreSQL, dev secrets and the dev outbox (default ./.data).',
  EMBEDDED_PG_PORT: 'Port of the embedded PostgreSQL (default 54320).',
  NODE_ENV: 'production | development | test.',
  LOG_LEVEL: 'pino level: fatal, error, warn, info, debug, trace, silent (default info).',
  LOG_FORMAT: 'json | pretty (default: pretty with NODE_ENV=development, the npm start default; json otherwise).',
  JWT_SECRET: 'Secret for staff and resident access tokens (>= 32 chars). Required with DATABASE_URL. With NODE_ENV=production, known, repetitive or low-entropy values are refused (use openssl rand -hex 32).',
  LINK_SECRET: 'Secret for signed links (verify, rating, unsubscribe) (>= 32 chars). Required with DATABASE_URL. Production: as JWT_SECRET, and different from it.',
  JWT_SECRETS_PREVIOUS: 'Comma-separated earlier JWT_SECRET values: tokens they signed still verify until they expire; only JWT_SECRET signs (rotation, docs/operations.md).',
  LINK_SECRETS_PREVIOUS: 'Comma-separated earlier LINK_SECRET values: links already sent keep working; only LINK_SECRET signs. Drop one once its links have expired (RATING_LINK_TTL_DAYS).',
  STAFF_TOKEN_TTL_SECONDS: 'Lifetime of a staff access token (default 28800 = 8 h).',
  STAFF_SESSION_IDLE_SECONDS: 'A console session ends after this long without a request (default 1800 = 30 min).',
  STAFF_SESSION_MAX_SECONDS: 'A console session ends this long after signing in, however active (default 43200 = 12 h).',
  STAFF_LOCKOUT_AFTER: 'Failed sign-ins (password or second factor) of one account before it is held back: the wait is 30 s, doubling with each further failure, up to STAFF_LOCKOUT_MAX_SECONDS; one IP address is held after ten times as many (default 10). A browser that signed in to the account before is not held by the account\'s count, only by its own.',
  STAFF_LOCKOUT_MAX_SECONDS: 'Longest wait of a held account or IP address (default 900 = 15 min): a backoff, never a permanent lock.',
  STAFF_PASSWORD_LOGIN: 'Staff may sign in with a Beacon password (default true). Set false once OIDC_ISSUER_URL is set, so staff sign in only through the force\'s identity provider.',
  STAFF_MFA_REQUIRED_ROLES: 'Roles whose local (password) accounts need a second factor (TOTP): comma-separated roles, all or none (default admin,npu_lead: those who approve force-wide messages and ACF payments).',
  OIDC_ISSUER_URL: 'OpenID Connect issuer of the force\'s identity provider (discovery from <issuer>/.well-known/openid-configuration), e.g. https://login.microsoftonline.com/<tenant>/v2.0. Unset: no single sign-on.',
  OIDC_CLIENT_ID: 'Client id Beacon is registered with at the identity provider. Required with OIDC_ISSUER_URL.',
  OIDC_CLIENT_SECRET: 'Client secret of that registration. Required with OIDC_ISSUER_URL. The redirect URI to register is PUBLIC_URL/console/sign-in/oidc/callback.',
  OIDC_ROLE_CLAIM: 'ID token claim holding the person\'s groups or app roles (default roles); a string or a list.',
  OIDC_ROLE_MAP: 'Maps claim values to Beacon roles, as group=role,group=role or a JSON object {"group":"role"}. Unset: claim values are Beacon role names. Several matches: the first of admin, npu_lead, eco, officer, cadet_leader, analyst.',
  OIDC_NPU_CLAIM: 'ID token claim holding the person\'s NPU code (default npu); absent = force-wide (refused for roles bound to an NPU).',
  ADMIN_EMAIL: 'Bootstrap admin e-mail: created at boot when absent.',
  ADMIN_PASSWORD: 'Bootstrap admin password (>= 12 chars). Production refuses known, repetitive and common passwords.',
  SEED_DEMO: 'Load the demo data set once: full (a West Midlands-sized force, ~87,500 residents; also true), small (600 residents, for tests) or false (default: full on the embedded database, false otherwise).',
  RUN_WORKER: 'Run queue consumers inside the API process (default: true on the embedded database).',
  QUEUE_POLL_SECONDS: 'How often each queue consumer looks for due jobs when nothing woke it (default 0.5). A job enqueued to start at once (a message sent or approved, a fan-out slice) wakes the consumers of every process through PostgreSQL LISTEN/NOTIFY, so this bounds only the rest: jobs due later, retries, and wake-ups lost while a listener reconnects.',
  TRUST_PROXY: 'Express trust proxy setting, e.g. 1 behind one load balancer (default off).',
  RATE_LIMIT_MULTIPLIER: 'Multiplies every public rate limit (default 1). For load tests from one address only, e.g. 1000000; limits are still counted.',
  SMTP_URL: 'SMTP relay URL, e.g. smtp://user:pass@host:587. Unset: e-mail goes to the dev outbox.',
  MAIL_FROM: 'From address of e-mail (default "Beacon <no-reply@beacon.local>").',
  SMTP_CONNECT_TIMEOUT_SECONDS: 'Time to open a connection to the SMTP relay (DNS and TCP), before the greeting (default 30).',
  SMTP_GREETING_TIMEOUT_SECONDS: 'Wait for the relay\'s 220 greeting; RFC 5321 §4.5.3.2 asks for at least 5 minutes (default 300).',
  SMTP_REPLY_TIMEOUT_SECONDS: 'Wait for any reply of the relay, the one after the end of a message included; RFC 5321 §4.5.3.2 asks for 5 minutes per command and 10 after the message (default 600, at most 600: e-mail jobs expire after 900 s).',
  TWILIO_ACCOUNT_SID: 'Twilio account SID. Unset: SMS goes to the dev outbox.',
  TWILIO_AUTH_TOKEN: 'Twilio auth token (also checks webhook signatures).',
  TWILIO_FROM: 'Sender number or alphanumeric id for SMS.',
  TWILIO_MESSAGING_SERVICE_SID: 'Messaging service SID (used instead of TWILIO_FROM when set).',
  TWILIO_API_BASE_URL: 'Override of https://api.twilio.com, for a local stub in tests and benchmarks.',
  TWILIO_TIMEOUT_SECONDS: 'Wait for Twilio\'s answer to one SMS request (default 30).',
  REPLY_DOMAIN: 'Domain of the reply addresses: each message e-mail carries Reply-To: reply+<token>@REPLY_DOMAIN, and replies sent to it reach the staff inbox (README, "Two-way e-mail"). Unset: no Reply-To, no inbound e-mail.',
  RETURN_PATH_DOMAIN: 'Domain of the VERP return path bounce+<token>@… on every message e-mail, where bounces and complaints come back (default REPLY_DOMAIN).',
  INBOUND_SMTP_PORT: 'Port of the inbound SMTP listener in the worker (MX of REPLY_DOMAIN / RETURN_PATH_DOMAIN points at it). Needs REPLY_DOMAIN. Unset: no listener.',
  INBOUND_SMTP_TLS_KEY_FILE: 'PEM private key for STARTTLS on the inbound SMTP listener (with INBOUND_SMTP_TLS_CERT_FILE). Unset: no STARTTLS.',
  INBOUND_SMTP_TLS_CERT_FILE: 'PEM certificate chain for STARTTLS on the inbound SMTP listener.',
  INBOUND_WEBHOOK_SECRET: 'Shared secret of POST /webhooks/email/inbound (raw MIME from a mail service that forwards inbound mail), >= 32 chars: sent as Authorization: Bearer <secret> or as X-Beacon-Signature: sha256=<hex HMAC of the body>. Unset: the webhook answers 404.',
  INBOUND_MAX_BYTES: 'Largest inbound e-mail accepted, in bytes, by the listener and the webhook (default 10485760 = 10 MB).',
  SOFT_BOUNCE_SUSPEND_AFTER: 'Soft bounces (DSN status 4.x.x) in a row after which a resident\'s e-mail address is suspended, as a hard bounce suspends it at once (default 3).',
  INBOUND_ATTACHMENT_MAX_BYTES: 'Largest attachment of an e-mail reply that is kept (listed on the reply, downloadable by staff); larger ones are dropped and named in the reply (default 2097152 = 2 MB).',
  INBOUND_ATTACHMENT_TYPES: 'Comma-separated types of reply attachments kept, judged by the file\'s content (magic bytes), never its name or declared type: any of image/jpeg, image/png, image/gif, image/webp, image/heic, application/pdf (default all but image/heic).',
  INBOUND_EMAIL_RETENTION_DAYS: 'Raw inbound e-mails (replies, bounces, complaints as received) are deleted this many days after they arrived; what was taken from them stays (default 7).',
  OFFICER_MESSAGES_NEED_APPROVAL: 'Messages by officers wait for their NPU lead (or an admin) to approve (default false).',
  FANOUT_PARALLELISM: 'Connections a fan-out uses at once: the audience is split into this many resident-id ranges, each inserted by its own INSERT … SELECT (default 2).',
  SEND_BATCH_SIZE: 'Deliveries a send job claims at a time (default 500).',
  EMAIL_CONCURRENCY: 'E-mails in flight per worker process (default 20).',
  SMS_CONCURRENCY: 'SMS requests in flight per worker process (default 20).',
  EMAIL_RATE_PER_SECOND: 'Cap on e-mails per second per worker process (default 0 = no cap).',
  SMS_RATE_PER_SECOND: 'Cap on SMS per second per worker process (default 0 = no cap).',
  DELIVERY_MAX_ATTEMPTS: 'Attempts per delivery before a transient failure becomes final (default 6).',
  DELIVERY_RETRY_BASE_SECONDS: 'First retry delay of a transient delivery failure; doubles each attempt (default 10).',
  STALE_SENDING_SECONDS: 'A delivery whose worker stopped renewing its claim this long ago (it died) is re-queued; keep it above the database outages to ride out without duplicates (default 120).',
  MESSAGE_PAUSE_AFTER_ERRORS: 'Consecutive provider errors that pause a message (default 100).',
  RATING_LINK_TTL_DAYS: 'Lifetime of rating links in messages (default 90).',
  FORCE_NAME: "The force's name, shown on every e-mail and web version of a message (default Beacon).",
  FORCE_LOGO_PATH: "PNG, JPEG, SVG or WebP file of the force's logo, served at /m/logo and shown on e-mails and web versions (default unset: no logo).",
  FORCE_COLOUR: "The force's colour as #rrggbb, for the bar of e-mails and web versions (default #1d70b8).",
  LANGUAGES: "Languages messages may be translated into, as comma-separated ISO 639-1 codes from Beacon's list (en, ar, bn, cy, fa, fr, gu, hi, ks, ku, pa, pl, ps, pt, ro, so, ta, ti, tr, ur, zh); English is always offered (default en).",
  PG_DUMP: 'pg_dump used by npm run backup (default: pg_dump on PATH); its major version must be at least the server\'s.',
  PG_RESTORE: 'pg_restore used by npm run restore (default: pg_restore on PATH).',
  METRICS_TOKEN: 'Bearer token Prometheus sends to GET /metrics (>= 16 chars). Unset: /metrics answers 404.',
  WORKER_HTTP_PORT: 'Port on which the separate worker answers GET /metrics, /health/live and /health/ready (default unset: no HTTP).',
  SHUTDOWN_TIMEOUT_SECONDS: 'On SIGTERM/SIGINT: how long in-flight sends and jobs may take to finish before the process stops anyway (default 25).',
  DELIVERY_RETENTION_MONTHS: 'Delivery rows (who was sent which message, outcome) are kept this many whole calendar months after the month their message was released, then their monthly partition is dropped (default 13; at least 2, and longer than RATING_LINK_TTL_DAYS, as rating links name a delivery). A partition still holding a queued or sending row is kept.',
  AUDIT_RETENTION_MONTHS: 'audit_event rows are kept this many whole calendar months after their month, then its monthly partition is dropped (default 24 = 2 years; at least 3).',
  REPLY_RETENTION_DAYS: 'Residents\' replies (and staff answers) that are answered or closed are deleted this many days after they were sent (default 365; at least 30).',
  OUTBOX_RETENTION_DAYS: 'Dev outbox files (DATA_DIR/outbox, e-mail and SMS written instead of sent) are deleted after this many days (default 14).',
  INACTIVE_RESIDENT_RETENTION_DAYS: 'Residents who unsubscribed from everything are erased (as a GDPR erasure) this many days after they left (default 365; at least 30).',
  UNVERIFIED_RESIDENT_RETENTION_DAYS: 'Sign-ups that never verified an address are deleted this many days after signing up, with their dead SMS codes (default 30; at least 8, as verification links last 7 days).',
};

export class EnvVars {
  @IsOptional() @IsString() DATABASE_URL?: string;
  @IsOptional() @IsString() REPORTS_DATABASE_URL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(300) REPLICA_HEARTBEAT_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) PUBLIC_URL?: string;
  @IsOptional() @IsString() DATA_DIR?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535) EMBEDDED_PG_PORT?: number;
  @IsOptional() @IsIn(['production', 'development', 'test']) NODE_ENV?: string;
  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL?: string;
  @IsOptional() @IsIn(['json', 'pretty']) LOG_FORMAT?: 'json' | 'pretty';
  @IsOptional() @IsString() @MinLength(32) JWT_SECRET?: string;
  @IsOptional() @IsString() @MinLength(32) LINK_SECRET?: string;
  @IsOptional() @Transform(toList) @IsString({ each: true }) @MinLength(32, { each: true }) JWT_SECRETS_PREVIOUS?: string[];
  @IsOptional() @Transform(toList) @IsString({ each: true }) @MinLength(32, { each: true }) LINK_SECRETS_PREVIOUS?: string[];
  @IsOptional() @Transform(toInt) @IsInt() @Min(60) STAFF_TOKEN_TTL_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(60) @Max(86400) STAFF_SESSION_IDLE_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(300) @Max(7 * 86400) STAFF_SESSION_MAX_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) STAFF_LOCKOUT_AFTER?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(30) @Max(86400) STAFF_LOCKOUT_MAX_SECONDS?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() STAFF_PASSWORD_LOGIN?: boolean;
  @IsOptional() @IsString() @Matches(/^(all|none|[a-z_]+(,[a-z_]+)*)$/) STAFF_MFA_REQUIRED_ROLES?: string;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }) OIDC_ISSUER_URL?: string;
  @IsOptional() @IsString() @MinLength(1) OIDC_CLIENT_ID?: string;
  @IsOptional() @IsString() @MinLength(1) OIDC_CLIENT_SECRET?: string;
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.:/-]{1,200}$/) OIDC_ROLE_CLAIM?: string;
  @IsOptional() @IsString() OIDC_ROLE_MAP?: string;
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.:/-]{1,200}$/) OIDC_NPU_CLAIM?: string;
  @IsOptional() @IsEmail() ADMIN_EMAIL?: string;
  @IsOptional() @IsString() @MinLength(12) ADMIN_PASSWORD?: string;
  @IsOptional() @Transform(toDemoSize) @IsIn([false, ...DEMO_SIZES]) SEED_DEMO?: DemoSize | false;
  @IsOptional() @Transform(toBool) @IsBoolean() RUN_WORKER?: boolean;
  @IsOptional() @Transform(toInt) @IsNumber() @Min(0.1) @Max(60) QUEUE_POLL_SECONDS?: number;
  @IsOptional() @IsString() TRUST_PROXY?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_MULTIPLIER?: number;
  @IsOptional() @IsUrl({ protocols: ['smtp', 'smtps'], require_tld: false }) SMTP_URL?: string;
  @IsOptional() @IsString() MAIL_FROM?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600) SMTP_CONNECT_TIMEOUT_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600) SMTP_GREETING_TIMEOUT_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(600) SMTP_REPLY_TIMEOUT_SECONDS?: number;
  @IsOptional() @IsString() TWILIO_ACCOUNT_SID?: string;
  @IsOptional() @IsString() TWILIO_AUTH_TOKEN?: string;
  @IsOptional() @IsString() TWILIO_FROM?: string;
  @IsOptional() @IsString() TWILIO_MESSAGING_SERVICE_SID?: string;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) TWILIO_API_BASE_URL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(600) TWILIO_TIMEOUT_SECONDS?: number;
  @IsOptional() @IsFQDN({ require_tld: false }) REPLY_DOMAIN?: string;
  @IsOptional() @IsFQDN({ require_tld: false }) RETURN_PATH_DOMAIN?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535) INBOUND_SMTP_PORT?: number;
  @IsOptional() @IsString() INBOUND_SMTP_TLS_KEY_FILE?: string;
  @IsOptional() @IsString() INBOUND_SMTP_TLS_CERT_FILE?: string;
  @IsOptional() @IsString() @MinLength(32) INBOUND_WEBHOOK_SECRET?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(64 * 1024) @Max(50 * 1024 * 1024) INBOUND_MAX_BYTES?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) SOFT_BOUNCE_SUSPEND_AFTER?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) @Max(10 * 1024 * 1024) INBOUND_ATTACHMENT_MAX_BYTES?: number;
  @IsOptional() @Transform(toList) @IsIn(KEEPABLE_ATTACHMENT_TYPES, { each: true }) INBOUND_ATTACHMENT_TYPES?: string[];
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(365) INBOUND_EMAIL_RETENTION_DAYS?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() OFFICER_MESSAGES_NEED_APPROVAL?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(16) FANOUT_PARALLELISM?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10000) SEND_BATCH_SIZE?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) EMAIL_CONCURRENCY?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000) SMS_CONCURRENCY?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) EMAIL_RATE_PER_SECOND?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) SMS_RATE_PER_SECOND?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(50) DELIVERY_MAX_ATTEMPTS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600) DELIVERY_RETRY_BASE_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) STALE_SENDING_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) MESSAGE_PAUSE_AFTER_ERRORS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3650) RATING_LINK_TTL_DAYS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(8) @Max(3650) UNVERIFIED_RESIDENT_RETENTION_DAYS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(2) @Max(120) DELIVERY_RETENTION_MONTHS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(3) @Max(120) AUDIT_RETENTION_MONTHS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(30) @Max(3650) REPLY_RETENTION_DAYS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3650) OUTBOX_RETENTION_DAYS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(30) @Max(3650) INACTIVE_RESIDENT_RETENTION_DAYS?: number;
  // Compose passes `${METRICS_TOKEN:-}`: empty means unset.
  @IsOptional() @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value)) @IsString() @MinLength(16) METRICS_TOKEN?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535) WORKER_HTTP_PORT?: number;
  @IsOptional() @IsString() @MinLength(1) FORCE_NAME?: string;
  @IsOptional() @IsString() @Matches(/\.(png|jpe?g|svg|webp)$/i, { message: 'FORCE_LOGO_PATH must name a .png, .jpg, .svg or .webp file' }) FORCE_LOGO_PATH?: string;
  @IsOptional() @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'FORCE_COLOUR must be #rrggbb' }) FORCE_COLOUR?: string;
  @IsOptional() @Transform(toList) @IsIn(LANGUAGE_CODES, { each: true }) LANGUAGES?: string[];
  @IsOptional() @IsString() PG_DUMP?: string;
  @IsOptional() @IsString() PG_RESTORE?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(600) SHUTDOWN_TIMEOUT_SECONDS?: number;
}

export interface AppConfig {
  env: 'production' | 'development' | 'test';
  logLevel: string;
  logFormat?: 'json' | 'pretty';
  http: { port: number; publicUrl: string; trustProxy?: string; rateLimitMultiplier: number };
  /** `reportsUrl`: the read replica of reports, previews and exports (unset: the primary). */
  db: { url?: string; reportsUrl?: string; heartbeatSeconds: number; embedded: boolean; dataDir: string; embeddedPort: number };
  auth: {
    jwtSecret: string;
    linkSecret: string;
    /** Earlier secrets: they still verify what they signed; only the current one signs. */
    jwtPreviousSecrets: string[];
    linkPreviousSecrets: string[];
    staffTokenTtlSeconds: number;
    /** Console sessions: idle timeout and absolute lifetime. */
    sessionIdleSeconds: number;
    sessionMaxSeconds: number;
    bootstrapAdmin?: { email: string; password: string };
    /** Failed sign-ins before an account (×10: an IP) is held back, and the longest wait. */
    lockout: { after: number; maxSeconds: number };
    /** Local passwords accepted (console and API login). */
    passwordLogin: boolean;
    /** Roles whose local accounts need a second factor. */
    mfaRequiredRoles: StaffRole[];
    /** Single sign-on with the force's OpenID provider, when configured. */
    oidc?: OidcConfig;
  };
  seedDemo: DemoSize | false;
  runWorker: boolean;
  /** Seconds between a queue consumer's polls when nothing woke it. */
  queuePollSeconds: number;
  /** GET /metrics: answered only with this bearer token; unset, the route is a 404. */
  metrics: { token?: string; workerPort?: number };
  /** PostgreSQL's client tools for `npm run backup` / `restore` (default: on PATH). */
  ops: { pgDump?: string; pgRestore?: string };
  /** Longest a graceful stop waits for in-flight work (HTTP requests, sends, jobs). */
  shutdownTimeoutMs: number;
  residents: { unverifiedRetentionDays: number };
  /** Days each kind of data is kept (docs/data-protection.md); purged by the housekeeping job. */
  retention: { deliveryMonths: number; auditMonths: number; replyDays: number; outboxDays: number; inactiveResidentDays: number; inboundEmailDays: number };
  mail: {
    smtpUrl?: string;
    from: string;
    /** SMTP waits, in ms: connecting (DNS + TCP), the greeting, and any reply (the one after the message too). */
    timeouts: { connectMs: number; greetingMs: number; replyMs: number };
  };
  /**
   * Two-way e-mail (libs/engagement, "Inbound e-mail"): absent without REPLY_DOMAIN. Reply-To and
   * return-path domains, the listener's port and TLS files, the webhook's secret, limits
   * (the raw mail's retention is `retention.inboundEmailDays`, purged with or without it).
   */
  inboundEmail?: {
    replyDomain: string;
    returnPathDomain: string;
    smtpPort?: number;
    tls?: { keyFile: string; certFile: string };
    webhookSecret?: string;
    maxBytes: number;
    softBounceLimit: number;
    /** Reply attachments kept: at most this size, of these content-detected types. */
    attachments: { maxBytes: number; types: string[] };
  };
  sms: {
    accountSid?: string;
    authToken?: string;
    from?: string;
    messagingServiceSid?: string;
    apiBaseUrl?: string;
    timeoutMs: number;
  };
  /** The force's name, logo (a file) and colour on e-mails and web versions of messages. */
  branding: { forceName: string; logoPath?: string; colour: string };
  /** Languages offered for translations of messages: 'en' first, always. */
  languages: string[];
  messaging: {
    officerMessagesNeedApproval: boolean;
    fanOutParallelism: number;
    batchSize: number;
    emailConcurrency: number;
    smsConcurrency: number;
    emailRatePerSecond: number;
    smsRatePerSecond: number;
    maxAttempts: number;
    retryBaseSeconds: number;
    staleSendingSeconds: number;
    pauseAfterErrors: number;
    ratingLinkTtlDays: number;
  };
}

export interface OidcConfig {
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  roleClaim: string;
  /** Claim value → Beacon role; null: the values are Beacon role names. */
  roleMap: Record<string, StaffRole> | null;
  npuClaim: string;
}

export class ConfigError extends Error {}

/** `group=role,group=role` or a JSON object; each role must be a Beacon role. */
export function parseRoleMap(text: string): { map: Record<string, StaffRole>; problems: string[] } {
  const problems: string[] = [];
  let entries: [string, unknown][] = [];
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      entries = Object.entries(parsed as Record<string, unknown>);
    } catch {
      return { map: {}, problems: ['OIDC_ROLE_MAP: not a valid JSON object'] };
    }
  } else {
    for (const pair of trimmed.split(',').map((p) => p.trim()).filter(Boolean)) {
      const at = pair.lastIndexOf('=');
      if (at <= 0) problems.push(`OIDC_ROLE_MAP: "${pair}" is not group=role`);
      else entries.push([pair.slice(0, at).trim(), pair.slice(at + 1).trim()]);
    }
  }
  const map: Record<string, StaffRole> = Object.create(null) as Record<string, StaffRole>;
  for (const [group, role] of entries) {
    if (!(STAFF_ROLES as readonly unknown[]).includes(role)) problems.push(`OIDC_ROLE_MAP: "${String(role)}" (for ${group}) is not a Beacon role (${STAFF_ROLES.join(', ')})`);
    else map[group] = role as StaffRole;
  }
  if (!problems.length && !Object.keys(map).length) problems.push('OIDC_ROLE_MAP: maps nothing');
  return { map, problems };
}

/** Reads and validates the environment once; every bad variable is listed in one error. */
export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.fromEntries(Object.keys(ENV_DOCS).map((k) => [k, source[k]]));
  const vars = plainToInstance(EnvVars, known);
  const errors = validateSync(vars, { whitelist: true });
  const problems = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
  const embedded = !vars.DATABASE_URL;
  if (!embedded) {
    if (!vars.JWT_SECRET) problems.push('JWT_SECRET: required when DATABASE_URL is set');
    if (!vars.LINK_SECRET) problems.push('LINK_SECRET: required when DATABASE_URL is set');
  }
  if (vars.NODE_ENV === 'production') problems.push(...productionSecretProblems(vars, new Set(errors.map((e) => e.property))));
  if (!!vars.ADMIN_EMAIL !== !!vars.ADMIN_PASSWORD) {
    problems.push('ADMIN_EMAIL/ADMIN_PASSWORD: set both or neither');
  }
  if ((vars.STAFF_SESSION_IDLE_SECONDS ?? 1800) > (vars.STAFF_SESSION_MAX_SECONDS ?? 43200)) {
    problems.push('STAFF_SESSION_IDLE_SECONDS: must not exceed STAFF_SESSION_MAX_SECONDS');
  }
  const oidcSet = [vars.OIDC_ISSUER_URL, vars.OIDC_CLIENT_ID, vars.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (oidcSet && oidcSet < 3) problems.push('OIDC_ISSUER_URL/OIDC_CLIENT_ID/OIDC_CLIENT_SECRET: set all three or none');
  if (vars.STAFF_PASSWORD_LOGIN === false && !vars.OIDC_ISSUER_URL) problems.push('STAFF_PASSWORD_LOGIN: false needs OIDC_ISSUER_URL (otherwise nobody can sign in)');
  if (vars.NODE_ENV === 'production' && vars.OIDC_ISSUER_URL?.startsWith('http:')) problems.push('OIDC_ISSUER_URL: must be https in production');
  const roleMap = vars.OIDC_ROLE_MAP?.trim() ? parseRoleMap(vars.OIDC_ROLE_MAP) : null;
  if (roleMap) problems.push(...roleMap.problems);
  const mfaSetting = vars.STAFF_MFA_REQUIRED_ROLES ?? 'admin,npu_lead';
  const mfaRoles: StaffRole[] = mfaSetting === 'all' ? [...STAFF_ROLES] : mfaSetting === 'none' ? [] : (mfaSetting.split(',') as StaffRole[]);
  for (const r of mfaRoles) if (!(STAFF_ROLES as readonly string[]).includes(r)) problems.push(`STAFF_MFA_REQUIRED_ROLES: "${r}" is not a Beacon role`);
  // A row lives at least N whole months (N × 28 days) before its partition goes.
  if ((vars.DELIVERY_RETENTION_MONTHS ?? 13) * 28 <= (vars.RATING_LINK_TTL_DAYS ?? 90)) problems.push('DELIVERY_RETENTION_MONTHS: must exceed RATING_LINK_TTL_DAYS (rating links name a delivery)');
  // Retention moved from days (row deletes) to months (partition drops): an old setting is refused, not silently replaced by the default.
  for (const old of ['DELIVERY_RETENTION_DAYS', 'AUDIT_RETENTION_DAYS'] as const) {
    if (source[old] !== undefined) problems.push(`${old}: replaced by ${old.replace('_DAYS', '_MONTHS')} (whole months: old months' partitions are dropped)`);
  }
  if (vars.REPORTS_DATABASE_URL && embedded) problems.push('REPORTS_DATABASE_URL: needs DATABASE_URL (the embedded database has no replica)');
  if (vars.TWILIO_ACCOUNT_SID && !vars.TWILIO_AUTH_TOKEN) problems.push('TWILIO_AUTH_TOKEN: required with TWILIO_ACCOUNT_SID');
  if (vars.TWILIO_ACCOUNT_SID && !vars.TWILIO_FROM && !vars.TWILIO_MESSAGING_SERVICE_SID) {
    problems.push('TWILIO_FROM: TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required with TWILIO_ACCOUNT_SID');
  }
  if (!vars.REPLY_DOMAIN) {
    for (const k of ['RETURN_PATH_DOMAIN', 'INBOUND_SMTP_PORT', 'INBOUND_WEBHOOK_SECRET'] as const) if (vars[k] !== undefined) problems.push(`${k}: needs REPLY_DOMAIN`);
  }
  if (!!vars.INBOUND_SMTP_TLS_KEY_FILE !== !!vars.INBOUND_SMTP_TLS_CERT_FILE) problems.push('INBOUND_SMTP_TLS_KEY_FILE/INBOUND_SMTP_TLS_CERT_FILE: set both or neither');
  if (vars.FORCE_LOGO_PATH && !existsSync(resolve(vars.FORCE_LOGO_PATH))) problems.push(`FORCE_LOGO_PATH: no file at ${vars.FORCE_LOGO_PATH}`);
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);

  const port = vars.PORT ?? 3000;
  const dataDir = resolve(vars.DATA_DIR ?? '.data');
  const devSecrets = embedded && (!vars.JWT_SECRET || !vars.LINK_SECRET) ? loadDevSecrets(dataDir) : undefined;
  return {
    env: (vars.NODE_ENV as AppConfig['env']) ?? 'development',
    logLevel: vars.LOG_LEVEL ?? 'info',
    logFormat: vars.LOG_FORMAT,
    http: {
      port,
      publicUrl: (vars.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
      trustProxy: vars.TRUST_PROXY,
      rateLimitMultiplier: vars.RATE_LIMIT_MULTIPLIER ?? 1,
    },
    db: {
      url: vars.DATABASE_URL,
      reportsUrl: vars.REPORTS_DATABASE_URL || undefined,
      heartbeatSeconds: vars.REPLICA_HEARTBEAT_SECONDS ?? 5,
      embedded,
      dataDir,
      embeddedPort: vars.EMBEDDED_PG_PORT ?? 54320,
    },
    auth: {
      jwtSecret: vars.JWT_SECRET ?? devSecrets!.jwtSecret,
      linkSecret: vars.LINK_SECRET ?? devSecrets!.linkSecret,
      jwtPreviousSecrets: vars.JWT_SECRETS_PREVIOUS ?? [],
      linkPreviousSecrets: vars.LINK_SECRETS_PREVIOUS ?? [],
      staffTokenTtlSeconds: vars.STAFF_TOKEN_TTL_SECONDS ?? 8 * 3600,
      sessionIdleSeconds: vars.STAFF_SESSION_IDLE_SECONDS ?? 30 * 60,
      sessionMaxSeconds: vars.STAFF_SESSION_MAX_SECONDS ?? 12 * 3600,
      bootstrapAdmin: vars.ADMIN_EMAIL ? { email: vars.ADMIN_EMAIL, password: vars.ADMIN_PASSWORD! } : undefined,
      lockout: { after: vars.STAFF_LOCKOUT_AFTER ?? 10, maxSeconds: vars.STAFF_LOCKOUT_MAX_SECONDS ?? 900 },
      passwordLogin: vars.STAFF_PASSWORD_LOGIN ?? true,
      mfaRequiredRoles: mfaRoles,
      oidc: vars.OIDC_ISSUER_URL
        ? {
            issuerUrl: vars.OIDC_ISSUER_URL,
            clientId: vars.OIDC_CLIENT_ID!,
            clientSecret: vars.OIDC_CLIENT_SECRET!,
            roleClaim: vars.OIDC_ROLE_CLAIM ?? 'roles',
            roleMap: roleMap?.map ?? null,
            npuClaim: vars.OIDC_NPU_CLAIM ?? 'npu',
          }
        : undefined,
    },
    seedDemo: vars.SEED_DEMO ?? (embedded ? 'full' : false),
    residents: { unverifiedRetentionDays: vars.UNVERIFIED_RESIDENT_RETENTION_DAYS ?? 30 },
    retention: {
      deliveryMonths: vars.DELIVERY_RETENTION_MONTHS ?? 13,
      auditMonths: vars.AUDIT_RETENTION_MONTHS ?? 24,
      replyDays: vars.REPLY_RETENTION_DAYS ?? 365,
      outboxDays: vars.OUTBOX_RETENTION_DAYS ?? 14,
      inactiveResidentDays: vars.INACTIVE_RESIDENT_RETENTION_DAYS ?? 365,
      inboundEmailDays: vars.INBOUND_EMAIL_RETENTION_DAYS ?? 7,
    },
    runWorker: vars.RUN_WORKER ?? embedded,
    queuePollSeconds: vars.QUEUE_POLL_SECONDS ?? 0.5,
    metrics: { token: vars.METRICS_TOKEN, workerPort: vars.WORKER_HTTP_PORT },
    shutdownTimeoutMs: (vars.SHUTDOWN_TIMEOUT_SECONDS ?? 25) * 1000,
    ops: { pgDump: vars.PG_DUMP, pgRestore: vars.PG_RESTORE },
    mail: {
      smtpUrl: vars.SMTP_URL,
      from: vars.MAIL_FROM ?? 'Beacon <no-reply@beacon.local>',
      timeouts: {
        connectMs: (vars.SMTP_CONNECT_TIMEOUT_SECONDS ?? 30) * 1000,
        greetingMs: (vars.SMTP_GREETING_TIMEOUT_SECONDS ?? 300) * 1000,
        replyMs: (vars.SMTP_REPLY_TIMEOUT_SECONDS ?? 600) * 1000,
      },
    },
    inboundEmail: vars.REPLY_DOMAIN
      ? {
          replyDomain: vars.REPLY_DOMAIN.toLowerCase(),
          returnPathDomain: (vars.RETURN_PATH_DOMAIN ?? vars.REPLY_DOMAIN).toLowerCase(),
          smtpPort: vars.INBOUND_SMTP_PORT,
          tls: vars.INBOUND_SMTP_TLS_KEY_FILE ? { keyFile: vars.INBOUND_SMTP_TLS_KEY_FILE, certFile: vars.INBOUND_SMTP_TLS_CERT_FILE! } : undefined,
          webhookSecret: vars.INBOUND_WEBHOOK_SECRET,
          maxBytes: vars.INBOUND_MAX_BYTES ?? 10 * 1024 * 1024,
          softBounceLimit: vars.SOFT_BOUNCE_SUSPEND_AFTER ?? 3,
          attachments: {
            maxBytes: vars.INBOUND_ATTACHMENT_MAX_BYTES ?? 2 * 1024 * 1024,
            types: vars.INBOUND_ATTACHMENT_TYPES ?? KEEPABLE_ATTACHMENT_TYPES.filter((t) => t !== 'image/heic'),
          },
        }
      : undefined,
    sms: {
      accountSid: vars.TWILIO_ACCOUNT_SID,
      authToken: vars.TWILIO_AUTH_TOKEN,
      from: vars.TWILIO_FROM,
      messagingServiceSid: vars.TWILIO_MESSAGING_SERVICE_SID,
      apiBaseUrl: vars.TWILIO_API_BASE_URL,
      timeoutMs: (vars.TWILIO_TIMEOUT_SECONDS ?? 30) * 1000,
    },
    branding: { forceName: vars.FORCE_NAME?.trim() || 'Beacon', logoPath: vars.FORCE_LOGO_PATH ? resolve(vars.FORCE_LOGO_PATH) : undefined, colour: (vars.FORCE_COLOUR ?? '#1d70b8').toLowerCase() },
    languages: ['en', ...new Set((vars.LANGUAGES ?? []).filter((l) => l !== 'en'))],
    messaging: {
      officerMessagesNeedApproval: vars.OFFICER_MESSAGES_NEED_APPROVAL ?? false,
      fanOutParallelism: vars.FANOUT_PARALLELISM ?? 2,
      batchSize: vars.SEND_BATCH_SIZE ?? 500,
      emailConcurrency: vars.EMAIL_CONCURRENCY ?? 20,
      smsConcurrency: vars.SMS_CONCURRENCY ?? 20,
      emailRatePerSecond: vars.EMAIL_RATE_PER_SECOND ?? 0,
      smsRatePerSecond: vars.SMS_RATE_PER_SECOND ?? 0,
      maxAttempts: vars.DELIVERY_MAX_ATTEMPTS ?? 6,
      retryBaseSeconds: vars.DELIVERY_RETRY_BASE_SECONDS ?? 10,
      staleSendingSeconds: vars.STALE_SENDING_SECONDS ?? 120,
      pauseAfterErrors: vars.MESSAGE_PAUSE_AFTER_ERRORS ?? 100,
      ratingLinkTtlDays: vars.RATING_LINK_TTL_DAYS ?? 90,
    },
  };
}

// On the embedded default, secrets are generated once and kept in DATA_DIR, so tokens survive restarts.
function loadDevSecrets(dataDir: string): { jwtSecret: string; linkSecret: string } {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(dataDir, { recursive: true });
  const secrets = { jwtSecret: randomBytes(32).toString('hex'), linkSecret: randomBytes(32).toString('hex') };
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

/** Config with secrets masked, for logs. */
export function describeConfig(config: AppConfig): Record<string, unknown> {
  const mask = (v?: string) => (v ? '***' : undefined);
  return {
    ...config,
    db: { ...config.db, url: config.db.url?.replace(/:\/\/([^:@/]+):[^@]+@/, '://$1:***@'), reportsUrl: config.db.reportsUrl?.replace(/:\/\/([^:@/]+):[^@]+@/, '://$1:***@') },
    auth: { ...config.auth, jwtSecret: '***', linkSecret: '***', jwtPreviousSecrets: config.auth.jwtPreviousSecrets.map(() => '***'), linkPreviousSecrets: config.auth.linkPreviousSecrets.map(() => '***'), bootstrapAdmin: config.auth.bootstrapAdmin?.email, oidc: config.auth.oidc && { ...config.auth.oidc, clientSecret: '***' } },
    mail: { ...config.mail, smtpUrl: config.mail.smtpUrl?.replace(/:\/\/([^:@/]+):[^@]+@/, '://$1:***@') },
    sms: { ...config.sms, authToken: mask(config.sms.authToken) },
    metrics: { ...config.metrics, token: mask(config.metrics.token) },
    inboundEmail: config.inboundEmail && { ...config.inboundEmail, webhookSecret: mask(config.inboundEmail.webhookSecret) },
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
export const InjectConfig = () => Inject(APP_CONFIG);
