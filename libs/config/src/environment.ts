import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
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
  'DATABASE_URL',
  'SMTP_URL',
  'TWILIO_AUTH_TOKEN',
  'METRICS_TOKEN',
  'BOOTSTRAP_ADMIN_KEY',
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
  if (errors.length > 0) {
    throw new EnvironmentValidationError(
      errors.map((e: ValidationError) => ({
        variable: e.property,
        messages: Object.values(e.constraints ?? {}).map((m) =>
          raw[e.property] === undefined || SECRET_VARIABLES.has(e.property)
            ? m
            : `${m} (got ${JSON.stringify(raw[e.property])})`,
        ),
      })),
    );
  }
  return env;
}
