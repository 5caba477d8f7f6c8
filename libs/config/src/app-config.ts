import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Channel } from '@touchbase/core';
import {
  dkimPrivateKeyOf,
  EmailDriverName,
  Environment,
  LogFormat,
  NodeEnv,
  SmsDriverName,
} from './environment';

export const ENVIRONMENT = Symbol('ENVIRONMENT');

/** Typed, namespaced access to the validated environment. Inject this, never `process.env`. */
@Injectable()
export class AppConfig {
  private dkimKey?: string;

  constructor(@Inject(ENVIRONMENT) private readonly env: Environment) {}

  get isProduction(): boolean {
    return this.env.NODE_ENV === NodeEnv.Production;
  }

  get dataDir(): string {
    return path.resolve(this.env.DATA_DIR);
  }

  get http() {
    const port = this.env.PORT;
    return {
      port,
      host: this.env.HOST,
      publicUrl: (this.env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
      trustProxy: parseTrustProxy(this.env.TRUST_PROXY),
      docsEnabled: this.env.DOCS_ENABLED,
      throttlePublicPerMinute: this.env.THROTTLE_PUBLIC_PER_MINUTE,
      metricsToken: this.env.METRICS_TOKEN,
    };
  }

  get logging() {
    return {
      level: this.env.LOG_LEVEL,
      format: this.env.LOG_FORMAT ?? (this.isProduction ? LogFormat.Json : LogFormat.Pretty),
    };
  }

  get database() {
    return {
      url: this.env.DATABASE_URL,
      poolSize: this.env.DATABASE_POOL_SIZE,
      migrationsRun: this.env.DATABASE_MIGRATIONS_RUN,
      embeddedDir: path.resolve(this.env.EMBEDDED_PG_DIR ?? path.join(this.env.DATA_DIR, 'pg')),
      embeddedPort: this.env.EMBEDDED_PG_PORT,
    };
  }

  get bootstrap() {
    return {
      adminKey: this.env.BOOTSTRAP_ADMIN_KEY,
      adminEmail: this.env.BOOTSTRAP_ADMIN_EMAIL.toLowerCase(),
      adminName: this.env.BOOTSTRAP_ADMIN_NAME,
      adminKeyFile: path.join(this.dataDir, 'admin-key'),
    };
  }

  get staffSessions() {
    return {
      idleMinutes: this.env.STAFF_SESSION_IDLE_MINUTES,
      maxHours: this.env.STAFF_SESSION_MAX_HOURS,
    };
  }

  get workspace() {
    return {
      phoneRegion: this.env.DEFAULT_PHONE_REGION,
      timeZone: this.env.DEFAULT_TIME_ZONE,
      locale: this.env.DEFAULT_LOCALE,
      currency: this.env.CURRENCY,
    };
  }

  get company() {
    return {
      name: this.env.COMPANY_NAME,
      nameEn: this.env.COMPANY_NAME_EN ?? null,
      address: this.env.COMPANY_ADDRESS ?? null,
      phone: this.env.COMPANY_PHONE ?? null,
      website: this.env.COMPANY_WEBSITE ?? null,
    };
  }

  get links() {
    return {
      portalSecret: this.env.PORTAL_LINK_SECRET,
      unsubscribeSecret: this.env.UNSUBSCRIBE_LINK_SECRET,
      portalTtlDays: this.env.PORTAL_LINK_TTL_DAYS,
      clickTracking: this.env.CLICK_TRACKING,
      openTracking: this.env.OPEN_TRACKING,
    };
  }

  get webhooks() {
    return {
      timeoutMs: this.env.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: this.env.WEBHOOK_RETRY_BASE_MS,
      retryForMs: this.env.WEBHOOK_RETRY_FOR_HOURS * 3_600_000,
      disableAfterMs: this.env.WEBHOOK_DISABLE_AFTER_HOURS * 3_600_000,
      pollMs: this.env.WEBHOOK_POLL_MS,
      allowPrivateUrls: this.env.WEBHOOK_ALLOW_PRIVATE_URLS ?? this.env.NODE_ENV !== NodeEnv.Production,
    };
  }

  get worker() {
    return {
      heartbeatSeconds: this.env.WORKER_HEARTBEAT_SECONDS,
      id: this.env.WORKER_ID,
      metricsPort: this.env.WORKER_METRICS_PORT,
    };
  }

  get segments() {
    return { countExactMs: this.env.SEGMENT_COUNT_EXACT_MS };
  }

  get planner() {
    return { concurrency: this.env.PLANNER_CONCURRENCY };
  }

  get dispatch() {
    return {
      channels: this.env.DISPATCH_CHANNELS.split(',').map((c) => c.trim()) as Channel[],
      batchSize: this.env.DISPATCH_BATCH_SIZE,
      pollMs: this.env.DISPATCH_POLL_MS,
      leaseSeconds: this.env.DISPATCH_LEASE_SECONDS,
      batchSeconds: this.env.DISPATCH_BATCH_SECONDS,
      maxAttempts: this.env.DISPATCH_MAX_ATTEMPTS,
      retryBaseMs: this.env.DISPATCH_RETRY_BASE_MS,
      callMaxAttempts: this.env.CALL_MAX_ATTEMPTS,
      lettersDir: path.resolve(this.env.LETTERS_DIR ?? path.join(this.env.DATA_DIR, 'letters')),
    };
  }

  get reports() {
    return { vipCoolingDays: this.env.VIP_COOLING_DAYS, vipCoolingCron: this.env.VIP_COOLING_CRON };
  }

  get email() {
    return {
      driver: this.env.EMAIL_DRIVER,
      from: this.env.EMAIL_FROM,
      smtpUrl: this.env.EMAIL_DRIVER === EmailDriverName.Smtp ? this.env.SMTP_URL : undefined,
      maxConnections: this.env.SMTP_MAX_CONNECTIONS,
      ratePerSecond: this.env.SMTP_RATE_PER_SECOND,
      fileDir: path.resolve(this.env.EMAIL_FILE_DIR ?? path.join(this.env.DATA_DIR, 'outbox', 'email')),
      hardBounceLimit: this.env.EMAIL_HARD_BOUNCE_LIMIT,
    };
  }

  /** DKIM signing of every email; null when DKIM_DOMAIN is unset. The key was checked at start. */
  get dkim(): { domain: string; selector: string; privateKey: string } | null {
    if (this.env.DKIM_DOMAIN === undefined) return null;
    this.dkimKey ??= dkimPrivateKeyOf(this.env)!;
    return {
      domain: this.env.DKIM_DOMAIN.toLowerCase(),
      selector: this.env.DKIM_SELECTOR,
      privateKey: this.dkimKey,
    };
  }

  /** VERP envelope senders and the inbound paths for what comes back. */
  get bounces() {
    const e = this.env;
    return {
      domain: e.BOUNCE_DOMAIN?.toLowerCase() ?? null,
      localPart: e.BOUNCE_LOCAL_PART,
      smtp:
        e.INBOUND_SMTP_PORT !== undefined
          ? {
              port: e.INBOUND_SMTP_PORT,
              host: e.INBOUND_SMTP_HOST,
              maxBytes: e.INBOUND_SMTP_MAX_BYTES,
              perIpPerMinute: e.INBOUND_SMTP_PER_IP_PER_MINUTE,
            }
          : null,
      imap:
        e.IMAP_HOST !== undefined
          ? {
              host: e.IMAP_HOST,
              port: e.IMAP_PORT,
              tls: e.IMAP_TLS,
              user: e.IMAP_USER!, // validated when IMAP_HOST is set
              password: e.IMAP_PASSWORD!,
              mailbox: e.IMAP_MAILBOX,
              processedMailbox: e.IMAP_PROCESSED_MAILBOX ?? null,
              pollSeconds: e.IMAP_POLL_SECONDS,
            }
          : null,
    };
  }

  get sms() {
    return {
      driver: this.env.SMS_DRIVER,
      twilio:
        this.env.SMS_DRIVER === SmsDriverName.Twilio
          ? {
              accountSid: this.env.TWILIO_ACCOUNT_SID!, // validated when the driver is twilio
              authToken: this.env.TWILIO_AUTH_TOKEN!,
              messagingServiceSid: this.env.TWILIO_MESSAGING_SERVICE_SID,
              from: this.env.TWILIO_FROM,
              apiBaseUrl: this.env.TWILIO_API_BASE_URL,
            }
          : undefined,
      logFile: path.resolve(this.env.SMS_LOG_FILE ?? path.join(this.env.DATA_DIR, 'outbox', 'sms.log')),
      concurrency: this.env.SMS_CONCURRENCY,
      ratePerSecond: this.env.SMS_RATE_PER_SECOND,
      segmentCost: this.env.SMS_SEGMENT_COST,
      webhookEventsRetentionDays: this.env.WEBHOOK_EVENTS_RETENTION_DAYS,
    };
  }
}

function parseTrustProxy(value: string): boolean | number | string {
  const v = value.trim();
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
