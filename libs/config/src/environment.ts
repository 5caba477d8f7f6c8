import * as fs from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
  ValidationError,
} from 'class-validator';

export enum NodeEnv {
  Development = 'development',
  Production = 'production',
  Test = 'test',
}

export enum EmailDriverName {
  Smtp = 'smtp',
  File = 'file',
}

export enum SmsDriverName {
  Twilio = 'twilio',
  Log = 'log',
}

export enum LogFormat {
  Json = 'json',
  Pretty = 'pretty',
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable touchbase reads, with its default. The README's configuration table
 * documents the same list; a test keeps docker-compose.yml in line with it.
 */
export class Environment {
  @IsEnum(NodeEnv)
  NODE_ENV: NodeEnv = NodeEnv.Development;

  // ── HTTP ────────────────────────────────────────────────────────────────
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** The address clients and providers reach the API at; links in messages are built from it. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_URL?: string;

  /** Express `trust proxy`: `true`, `false`, a hop count, or a list of subnets. */
  @IsString()
  TRUST_PROXY = 'loopback';

  @Transform(toBoolean)
  @IsBoolean()
  DOCS_ENABLED = true;

  /** Requests per minute per IP on public (unauthenticated) routes. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  THROTTLE_PUBLIC_PER_MINUTE = 120;

  /** When set, `/metrics` requires `Authorization: Bearer <METRICS_TOKEN>`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16)
  METRICS_TOKEN?: string;

  // ── Logging ─────────────────────────────────────────────────────────────
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsEnum(LogFormat)
  LOG_FORMAT?: LogFormat;

  // ── Database ────────────────────────────────────────────────────────────
  /** Unset: an embedded PostgreSQL is started with its data under EMBEDDED_PG_DIR. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE = 10;

  @Transform(toBoolean)
  @IsBoolean()
  DATABASE_MIGRATIONS_RUN = true;

  @IsString()
  DATA_DIR = './.touchbase';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  EMBEDDED_PG_DIR?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  // ── Bootstrap ───────────────────────────────────────────────────────────
  /** Used as the first admin's key on an empty database (automation); otherwise one is generated. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^tb_[A-Za-z0-9_-]{24,}$/, {
    message: 'BOOTSTRAP_ADMIN_KEY must start with tb_ followed by at least 24 letters, digits, _ or -',
  })
  BOOTSTRAP_ADMIN_KEY?: string;

  @IsEmail({ require_tld: false })
  BOOTSTRAP_ADMIN_EMAIL = 'admin@touchbase.local';

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  BOOTSTRAP_ADMIN_NAME = 'Administrator';

  // ── Staff sessions ──────────────────────────────────────────────────────
  /** A console session ends after this many minutes without a request. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  STAFF_SESSION_IDLE_MINUTES = 60;

  /** A console session ends this many hours after sign-in, however busy. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  STAFF_SESSION_MAX_HOURS = 12;

  // ── Workspace ───────────────────────────────────────────────────────────
  /** Region for phone numbers written without a country code (ISO 3166-1 alpha-2). */
  @Matches(/^[A-Z]{2}$/, { message: 'DEFAULT_PHONE_REGION must be a two-letter country code such as RU' })
  DEFAULT_PHONE_REGION = 'RU';

  /** The workspace's time zone: used for clients whose zone is unknown. */
  @IsTimeZone()
  DEFAULT_TIME_ZONE = 'Europe/Moscow';

  @IsIn(['ru', 'en'])
  DEFAULT_LOCALE: 'ru' | 'en' = 'ru';

  /** ISO 4217 code of the workspace currency (revenue figures). */
  @Matches(/^[A-Z]{3}$/, { message: 'CURRENCY must be a three-letter ISO 4217 code such as RUB' })
  CURRENCY = 'RUB';

  // ── Company (what clients see in messages) ──────────────────────────────
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  COMPANY_NAME = 'touchbase';

  /** The company's name for English-speaking clients (e.g. "Alfa LLC"); unset: COMPANY_NAME. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(200)
  COMPANY_NAME_EN?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(500)
  COMPANY_ADDRESS?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(50)
  COMPANY_PHONE?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  COMPANY_WEBSITE?: string;

  // ── Links in messages ───────────────────────────────────────────────────
  /** HMAC secret of portal links. Required in production; development generates one in DATA_DIR. */
  @ValidateIf(
    (env: Environment) => env.NODE_ENV === NodeEnv.Production || env.PORTAL_LINK_SECRET !== undefined,
  )
  @IsString({ message: 'PORTAL_LINK_SECRET is required in production (at least 32 characters)' })
  @MinLength(32)
  PORTAL_LINK_SECRET?: string;

  /** HMAC secret of one-click unsubscribe links; separate from the portal's. */
  @ValidateIf(
    (env: Environment) => env.NODE_ENV === NodeEnv.Production || env.UNSUBSCRIBE_LINK_SECRET !== undefined,
  )
  @IsString({ message: 'UNSUBSCRIBE_LINK_SECRET is required in production (at least 32 characters)' })
  @MinLength(32)
  UNSUBSCRIBE_LINK_SECRET?: string;

  /** How long a portal link stays valid. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(365)
  PORTAL_LINK_TTL_DAYS = 30;

  /**
   * Links in messages go through short redirects (PUBLIC_URL/r/<code>) that record clicks; false
   * sends the links as the templates write them, untracked.
   */
  @Transform(toBoolean)
  @IsBoolean()
  CLICK_TRACKING = true;

  /**
   * Emails of campaigns that ask for it carry a 1×1 open pixel (PUBLIC_URL/o/<code>); off by default.
   * Machine opens (Apple Mail Privacy Protection, security scanners) are counted apart.
   */
  @Transform(toBoolean)
  @IsBoolean()
  OPEN_TRACKING = false;

  // ── Worker ──────────────────────────────────────────────────────────────
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(3600)
  WORKER_HEARTBEAT_SECONDS = 10;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:-]{1,100}$/, { message: 'WORKER_ID may hold letters, digits and . _ : - (1–100)' })
  WORKER_ID?: string;

  /** A worker process serves GET /metrics on this port (0.0.0.0); unset: no HTTP in workers. */
  @Transform((arg) => toInteger({ value: emptyToUndefined(arg) }))
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  WORKER_METRICS_PORT?: number;

  // ── Outbound webhooks ───────────────────────────────────────────────────
  /** How long one webhook POST may take before it counts as failed. */
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(120_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /** The first retry's delay; each next one doubles (with jitter), up to six hours. */
  @Transform(toInteger)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  WEBHOOK_RETRY_BASE_MS = 10_000;

  /** An event still not delivered this long after it was due is given up (dead). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(720)
  WEBHOOK_RETRY_FOR_HOURS = 72;

  /** An endpoint that has failed continuously this long is disabled and admins are told. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(720)
  WEBHOOK_DISABLE_AFTER_HOURS = 24;

  /** How often the worker looks for events to deliver (it goes on at once while there are more). */
  @Transform(toInteger)
  @IsInt()
  @Min(10)
  @Max(60_000)
  WEBHOOK_POLL_MS = 1_000;

  /** Endpoints may point at loopback or private addresses; off by default in production. */
  @Transform(toBoolean)
  @IsOptional()
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE_URLS?: boolean;

  // ── Planning ────────────────────────────────────────────────────────────
  /**
   * Chunks of a run planned at once, each on its own database connection (chunks hold disjoint
   * clients). About the database server's cores; 1 plans one chunk after another.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(32)
  PLANNER_CONCURRENCY = 2;

  // ── Segments ────────────────────────────────────────────────────────────
  /**
   * How long a segment's live count may spend counting exactly (ms); past it the answer is an
   * estimate from a sample of the table, marked `exact: false`, and the exact count follows in the
   * background.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(60000)
  SEGMENT_COUNT_EXACT_MS = 200;

  // ── Dispatch ────────────────────────────────────────────────────────────
  /** The channels this worker dispatches (comma-separated); all by default. */
  @Matches(/^\s*(email|sms|call|letter)(\s*,\s*(email|sms|call|letter))*\s*$/, {
    message: 'DISPATCH_CHANNELS must be a comma-separated list of email, sms, call, letter',
  })
  DISPATCH_CHANNELS = 'email,sms,call,letter';

  /** Deliveries claimed at once per channel. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  DISPATCH_BATCH_SIZE = 50;

  /** How often a dispatcher looks for due work when nothing woke it. */
  @Transform(toInteger)
  @IsInt()
  @Min(50)
  @Max(60000)
  DISPATCH_POLL_MS = 2000;

  /**
   * A claim's lease, renewed every third of it while the batch is being worked on: a crashed
   * worker's deliveries are taken over this long after its last renewal.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(3600)
  DISPATCH_LEASE_SECONDS = 15;

  /** How long a batch may spend sending (SMS held back by a rate limit; SMTP's socket timeout is half). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(3600)
  DISPATCH_BATCH_SECONDS = 120;

  /** Attempts before a delivery with transient errors is failed. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(50)
  DISPATCH_MAX_ATTEMPTS = 6;

  /** First retry delay; it doubles each attempt, with jitter. */
  @Transform(toInteger)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  DISPATCH_RETRY_BASE_MS = 30000;

  /** Hard bounces after which an email address is marked invalid. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(10)
  EMAIL_HARD_BOUNCE_LIMIT = 2;

  /** SMS sent at once. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(200)
  SMS_CONCURRENCY = 8;

  /** SMS per second per sender; 0 means unlimited. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  SMS_RATE_PER_SECOND = 0;

  /** Estimated cost of one SMS segment, in the workspace currency (run cost estimates). */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value,
  )
  @IsNumber({}, { message: 'SMS_SEGMENT_COST must be a number' })
  @Min(0)
  SMS_SEGMENT_COST = 4.5;

  /** Provider callbacks are remembered this long (a repeat inside it changes nothing), then deleted. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(3650)
  WEBHOOK_EVENTS_RETENTION_DAYS = 30;

  /** Call attempts (no answer) before a call task is closed. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(20)
  CALL_MAX_ATTEMPTS = 3;

  // ── Reports ─────────────────────────────────────────────────────────────
  /** A VIP or A client with no touch and no purchase for this many days is cooling (report + owner call task). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(730)
  VIP_COOLING_DAYS = 60;

  /** When the VIP cooling job runs, as a cron expression in the workspace time zone (default: daily 08:00). */
  @Matches(/^\S+(\s+\S+){4,5}$/, { message: 'VIP_COOLING_CRON must be a cron expression, e.g. "0 8 * * *"' })
  VIP_COOLING_CRON = '0 8 * * *';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  LETTERS_DIR?: string;

  // ── Email ───────────────────────────────────────────────────────────────
  @IsEnum(EmailDriverName)
  EMAIL_DRIVER: EmailDriverName = EmailDriverName.File;

  @IsEmail({ require_tld: false, allow_display_name: true })
  EMAIL_FROM = 'touchbase <noreply@touchbase.local>';

  @ValidateIf((env: Environment) => env.EMAIL_DRIVER === EmailDriverName.Smtp)
  @Matches(/^smtps?:\/\/.+/, {
    message: 'SMTP_URL must be an smtp:// or smtps:// URL (required when EMAIL_DRIVER=smtp)',
  })
  SMTP_URL?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  SMTP_MAX_CONNECTIONS = 5;

  /** Messages per second across all connections; 0 means unlimited. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  SMTP_RATE_PER_SECOND = 0;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  EMAIL_FILE_DIR?: string;

  // ── Deliverability ──────────────────────────────────────────────────────
  /** Signs every email with DKIM for this domain (d=); needs a key (DKIM_PRIVATE_KEY or _FILE). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(DOMAIN_NAME, { message: 'DKIM_DOMAIN must be a domain name such as example.com' })
  DKIM_DOMAIN?: string;

  /** The DKIM selector (s=): the key is published at <selector>._domainkey.<domain>. */
  @Matches(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i, {
    message: 'DKIM_SELECTOR must be letters, digits and hyphens (dot-separated labels), e.g. tb1',
  })
  DKIM_SELECTOR = 'tb1';

  /** The DKIM private key as PEM (newlines may be written as \n); or DKIM_PRIVATE_KEY_FILE. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DKIM_PRIVATE_KEY?: string;

  /** A file holding the DKIM private key (PEM), e.g. written by `npm run cli -- dkim:generate`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DKIM_PRIVATE_KEY_FILE?: string;

  /** VERP: each email goes out with the envelope sender <BOUNCE_LOCAL_PART>+<code>@<BOUNCE_DOMAIN>; unset: EMAIL_FROM's. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(DOMAIN_NAME, { message: 'BOUNCE_DOMAIN must be a domain name such as bounces.example.com' })
  BOUNCE_DOMAIN?: string;

  @Matches(/^[a-z0-9][a-z0-9._-]{0,29}$/i, {
    message: 'BOUNCE_LOCAL_PART must be 1–30 letters, digits, dots, hyphens or underscores',
  })
  BOUNCE_LOCAL_PART = 'bounces';

  /** The worker receives bounces and complaints by SMTP on this port (mail for BOUNCE_DOMAIN); unset: off. */
  @Transform((arg) => toInteger({ value: emptyToUndefined(arg) }))
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  INBOUND_SMTP_PORT?: number;

  @IsString()
  INBOUND_SMTP_HOST = '0.0.0.0';

  /** Larger inbound messages are refused (552). */
  @Transform(toInteger)
  @IsInt()
  @Min(10_000)
  @Max(100_000_000)
  INBOUND_SMTP_MAX_BYTES = 10_000_000;

  /** Messages one IP address may hand the inbound listener per minute; more get 421 for the rest of it. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  INBOUND_SMTP_PER_IP_PER_MINUTE = 120;

  /** A mailbox where bounces land (IMAP over TLS); the worker polls it. Unset: off. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  IMAP_HOST?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(65535)
  IMAP_PORT = 993;

  /** false: plain IMAP (STARTTLS when the server offers it). */
  @Transform(toBoolean)
  @IsBoolean()
  IMAP_TLS = true;

  @ValidateIf((env: Environment) => env.IMAP_HOST !== undefined)
  @IsString({ message: 'IMAP_USER is required when IMAP_HOST is set' })
  @MinLength(1)
  IMAP_USER?: string;

  @ValidateIf((env: Environment) => env.IMAP_HOST !== undefined)
  @IsString({ message: 'IMAP_PASSWORD is required when IMAP_HOST is set' })
  @MinLength(1)
  IMAP_PASSWORD?: string;

  @IsString()
  @MinLength(1)
  IMAP_MAILBOX = 'INBOX';

  /** Processed messages are moved here; unset: they stay, flagged \Seen and $TouchbaseProcessed. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  IMAP_PROCESSED_MAILBOX?: string;

  @Transform(toInteger)
  @IsInt()
  @Min(5)
  @Max(86_400)
  IMAP_POLL_SECONDS = 60;

  // ── SMS ─────────────────────────────────────────────────────────────────
  @IsEnum(SmsDriverName)
  SMS_DRIVER: SmsDriverName = SmsDriverName.Log;

  @ValidateIf((env: Environment) => env.SMS_DRIVER === SmsDriverName.Twilio)
  @Matches(/^AC[0-9a-fA-F]{32}$/, {
    message: 'TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits (required when SMS_DRIVER=twilio)',
  })
  TWILIO_ACCOUNT_SID?: string;

  @ValidateIf((env: Environment) => env.SMS_DRIVER === SmsDriverName.Twilio)
  @IsString({ message: 'TWILIO_AUTH_TOKEN is required when SMS_DRIVER=twilio' })
  @MinLength(16)
  TWILIO_AUTH_TOKEN?: string;

  @ValidateIf((env: Environment) => env.SMS_DRIVER === SmsDriverName.Twilio && !env.TWILIO_FROM)
  @Matches(/^MG[0-9a-fA-F]{32}$/, {
    message: 'TWILIO_MESSAGING_SERVICE_SID must be MG followed by 32 hex digits (or set TWILIO_FROM)',
  })
  TWILIO_MESSAGING_SERVICE_SID?: string;

  @ValidateIf(
    (env: Environment) => env.SMS_DRIVER === SmsDriverName.Twilio && !env.TWILIO_MESSAGING_SERVICE_SID,
  )
  @Matches(/^(\+[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/, {
    message:
      'TWILIO_FROM must be an E.164 number or an alphanumeric sender (or set TWILIO_MESSAGING_SERVICE_SID)',
  })
  TWILIO_FROM?: string;

  /** Overrides Twilio's API host, e.g. to point the client at a local stand-in. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  TWILIO_API_BASE_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  SMS_LOG_FILE?: string;
}

/** Variables whose values never appear in error messages or logs. */
const SECRET_VARIABLES = new Set([
  'PORTAL_LINK_SECRET',
  'UNSUBSCRIBE_LINK_SECRET',
  'DATABASE_URL',
  'SMTP_URL',
  'TWILIO_AUTH_TOKEN',
  'METRICS_TOKEN',
  'BOOTSTRAP_ADMIN_KEY',
  'DKIM_PRIVATE_KEY',
  'IMAP_PASSWORD',
]);

/** The names of every variable the application reads. */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(new Environment());

export class EnvironmentValidationError extends Error {
  constructor(readonly problems: { variable: string; messages: string[] }[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  - ${p.variable}: ${p.messages.join('; ')}`).join('\n'),
    );
    this.name = 'EnvironmentValidationError';
  }
}

/** Validates `raw` (usually `process.env`) and returns the typed environment, or throws listing every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const known = new Set(ENVIRONMENT_VARIABLES);
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (known.has(key)) input[key] = value;
  const env = plainToInstance(Environment, input, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: true });
  const extra = errors.length === 0 ? crossProblems(env) : [];
  if (errors.length > 0 || extra.length > 0) {
    throw new EnvironmentValidationError([
      ...errors.map((e: ValidationError) => ({
        variable: e.property,
        messages: Object.values(e.constraints ?? {}).map((m) =>
          raw[e.property] === undefined || SECRET_VARIABLES.has(e.property)
            ? m
            : `${m} (got ${JSON.stringify(raw[e.property])})`,
        ),
      })),
      ...extra,
    ]);
  }
  return env;
}

/** The DKIM private key as PEM text: DKIM_PRIVATE_KEY (`\n` written out allowed) or the file's content. */
export function dkimPrivateKeyOf(env: Environment): string | undefined {
  if (env.DKIM_PRIVATE_KEY !== undefined) return env.DKIM_PRIVATE_KEY.replace(/\\n/g, '\n').trim();
  if (env.DKIM_PRIVATE_KEY_FILE !== undefined)
    return fs.readFileSync(env.DKIM_PRIVATE_KEY_FILE, 'utf8').trim();
  return undefined;
}

/** Rules across variables, and the DKIM key itself (read and parsed, so a bad key stops the start). */
function crossProblems(env: Environment): { variable: string; messages: string[] }[] {
  const problems: { variable: string; messages: string[] }[] = [];
  const add = (variable: string, message: string) => problems.push({ variable, messages: [message] });
  if (env.DKIM_PRIVATE_KEY !== undefined && env.DKIM_PRIVATE_KEY_FILE !== undefined) {
    add('DKIM_PRIVATE_KEY', 'set DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE, not both');
    return problems;
  }
  const keyVariable = env.DKIM_PRIVATE_KEY_FILE !== undefined ? 'DKIM_PRIVATE_KEY_FILE' : 'DKIM_PRIVATE_KEY';
  const hasKey = env.DKIM_PRIVATE_KEY !== undefined || env.DKIM_PRIVATE_KEY_FILE !== undefined;
  if (env.DKIM_DOMAIN !== undefined && !hasKey) {
    add('DKIM_PRIVATE_KEY', 'DKIM_DOMAIN is set: DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE is required');
  }
  if (env.DKIM_DOMAIN === undefined && hasKey) {
    add('DKIM_DOMAIN', `${keyVariable} is set: DKIM_DOMAIN (the signing domain) is required`);
  }
  if (hasKey) {
    let pem: string | undefined;
    try {
      pem = dkimPrivateKeyOf(env);
    } catch (e) {
      add(keyVariable, `cannot read ${env.DKIM_PRIVATE_KEY_FILE}: ${(e as Error).message}`);
    }
    if (pem !== undefined) {
      try {
        const key = createPrivateKey(pem);
        if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ed25519') {
          add(keyVariable, `the key is ${key.asymmetricKeyType}: DKIM takes an RSA (or Ed25519) private key`);
        } else if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 1024) {
          add(
            keyVariable,
            'the RSA key is shorter than 1024 bits: receivers ignore such signatures (use 2048)',
          );
        }
      } catch {
        add(
          keyVariable,
          'not a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)',
        );
      }
    }
  }
  const inbound = env.INBOUND_SMTP_PORT !== undefined || env.IMAP_HOST !== undefined;
  if (inbound && env.BOUNCE_DOMAIN === undefined) {
    add('BOUNCE_DOMAIN', 'required when INBOUND_SMTP_PORT or IMAP_HOST is set (bounces are matched by it)');
  }
  return problems;
}
