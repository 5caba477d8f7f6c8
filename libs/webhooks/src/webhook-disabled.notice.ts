import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { Locale, StaffRole } from '@touchbase/core';
import { StaffMailer } from '@touchbase/staff';

/** An endpoint the worker disabled because it kept failing. */
export interface DisabledEndpoint {
  id: string;
  url: string;
  failingSince: Date | string | null;
  lastError: string | null;
}

const TEXTS: Record<Locale, { subject: string; lines: string[] }> = {
  [Locale.Ru]: {
    subject: 'Вебхук отключён: {url}',
    lines: [
      'Здравствуйте, {name}!',
      'Адрес вебхука {url} не принимал события с {since} и был отключён (причина: failing).',
      'Последняя ошибка: {error}',
      'События не потеряны: они ждут в журнале. Исправьте приёмник и включите адрес снова (PATCH /api/v1/webhooks/endpoints/{id} с { "active": true }), затем повторите пропущенное (POST …/{id}/replay).',
    ],
  },
  [Locale.En]: {
    subject: 'Webhook endpoint disabled: {url}',
    lines: [
      'Hello {name},',
      'The webhook endpoint {url} has not accepted events since {since} and was disabled (reason: failing).',
      'Last error: {error}',
      'No event is lost: they wait in the log. Fix the receiver, turn the endpoint on again (PATCH /api/v1/webhooks/endpoints/{id} with { "active": true }) and replay what it missed (POST …/{id}/replay).',
    ],
  },
};

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Tells the admins that an endpoint was disabled: a warning in the log and an email to every active
 * admin, in their language. A notice that cannot be sent is logged; it never stops deliveries.
 */
@Injectable()
export class WebhookDisabledNotice {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly dataSource: DataSource,
    private readonly mailer: StaffMailer,
    private readonly config: AppConfig,
  ) {}

  async notify(endpoint: DisabledEndpoint): Promise<void> {
    const since = endpoint.failingSince ? new Date(endpoint.failingSince).toISOString() : '—';
    this.logger.warn(
      `Webhook endpoint ${endpoint.url} (${endpoint.id}) failed continuously since ${since} and was disabled: ${endpoint.lastError ?? 'no answer'}`,
    );
    try {
      const admins: { name: string; email: string; locale: Locale }[] = await this.dataSource.query(
        `SELECT name, email, locale FROM staff_members WHERE role = $1 AND active ORDER BY created_at`,
        [StaffRole.Admin],
      );
      const { name, nameEn } = this.config.company;
      const workspace = (locale: Locale) => (locale === Locale.En ? (nameEn ?? name) : name);
      for (const admin of admins) {
        const texts = TEXTS[admin.locale] ?? TEXTS[Locale.Ru];
        const fill = (s: string, esc: (v: string) => string = (v) => v) =>
          s
            .replaceAll('{name}', esc(admin.name))
            .replaceAll('{url}', esc(endpoint.url))
            .replaceAll('{id}', esc(endpoint.id))
            .replaceAll('{since}', esc(since))
            .replaceAll('{error}', esc(endpoint.lastError ?? '—'));
        await this.mailer.send({
          to: { name: admin.name, address: admin.email },
          subject: `${fill(texts.subject)} (${workspace(admin.locale)})`,
          text: texts.lines.map((l) => fill(l)).join('\n\n') + '\n',
          html: texts.lines.map((l) => `<p>${fill(l, escapeHtml)}</p>`).join('\n'),
        });
      }
    } catch (e) {
      this.logger.error(
        `Could not tell the admins that ${endpoint.url} was disabled: ${(e as Error).message}`,
      );
    }
  }
}
