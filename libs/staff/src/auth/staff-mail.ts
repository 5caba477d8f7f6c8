import { Injectable, Logger } from '@nestjs/common';
import { Locale } from '@touchbase/core';
import { PasswordTokenPurpose } from '../entities/staff-password-token.entity';

/** A message to a staff member: written here, in their language; delivered by the email library. */
export interface StaffEmail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
}

export type StaffEmailSender = (message: StaffEmail) => Promise<void>;

/**
 * The email library registers how staff emails go out (the same driver as every other email), so
 * that staff, below it, never imports it. Without a sender (the CLI) the message is logged.
 */
@Injectable()
export class StaffMailer {
  private readonly logger = new Logger('StaffMail');
  private sender?: StaffEmailSender;

  register(sender: StaffEmailSender): void {
    this.sender = sender;
  }

  async send(message: StaffEmail): Promise<void> {
    if (!this.sender) {
      this.logger.warn(
        `No email sender: a message "${message.subject}" to ${message.to.address} was not sent`,
      );
      return;
    }
    await this.sender(message);
  }
}

interface LinkMessageInput {
  purpose: PasswordTokenPurpose;
  locale: Locale;
  name: string;
  link: string;
  workspace: string;
}

const TEXTS: Record<Locale, Record<'invitation' | 'reset', { subject: string; lines: string[] }>> = {
  [Locale.Ru]: {
    invitation: {
      subject: 'Приглашение в консоль {workspace}',
      lines: [
        'Здравствуйте, {name}!',
        'Вас пригласили в консоль {workspace}. Чтобы войти, задайте пароль по ссылке:',
        '{link}',
        'Ссылка действует 7 дней и работает один раз.',
      ],
    },
    reset: {
      subject: 'Сброс пароля в консоли {workspace}',
      lines: [
        'Здравствуйте, {name}!',
        'Кто-то (надеемся, вы) попросил сбросить пароль. Задайте новый пароль по ссылке:',
        '{link}',
        'Ссылка действует 1 час и работает один раз. Если вы не просили сброс, просто не обращайте внимания на это письмо.',
      ],
    },
  },
  [Locale.En]: {
    invitation: {
      subject: 'Your invitation to the {workspace} console',
      lines: [
        'Hello {name},',
        'You have been invited to the {workspace} console. To sign in, set your password here:',
        '{link}',
        'The link works once and expires in 7 days.',
      ],
    },
    reset: {
      subject: 'Reset your {workspace} console password',
      lines: [
        'Hello {name},',
        'Someone (we hope you) asked to reset your password. Set a new one here:',
        '{link}',
        'The link works once and expires in 1 hour. If you did not ask for this, ignore this email.',
      ],
    },
  },
};

/** The invitation or reset email, in the member's language. */
export function passwordLinkEmail(input: LinkMessageInput): Omit<StaffEmail, 'to'> {
  const kind = input.purpose === PasswordTokenPurpose.Reset ? 'reset' : 'invitation';
  const texts = TEXTS[input.locale] ?? TEXTS[Locale.Ru];
  const fill = (s: string, esc: (v: string) => string = (v) => v) =>
    s
      .replace('{workspace}', esc(input.workspace))
      .replace('{name}', esc(input.name))
      .replace('{link}', esc(input.link));
  const { subject, lines } = texts[kind];
  return {
    subject: fill(subject),
    text: lines.map((l) => fill(l)).join('\n\n') + '\n',
    html: lines
      .map((l) =>
        l === '{link}'
          ? `<p><a href="${escapeHtml(input.link)}">${escapeHtml(input.link)}</a></p>`
          : `<p>${fill(l, escapeHtml)}</p>`,
      )
      .join('\n'),
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
