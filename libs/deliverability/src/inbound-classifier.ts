import type { AddressObject, HeaderValue, ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import { InboundKind } from './inbound.enums';

/** What a message that came back says, before it is matched to a delivery. */
export interface InboundClassification {
  kind: InboundKind;
  /** The failed (or complaining) recipient. */
  recipient: string | null;
  /** RFC 3463 enhanced status, e.g. `5.1.1`. */
  status: string | null;
  /** DSN Action (failed, delayed, delivered …), or the ARF Feedback-Type for complaints. */
  action: string | null;
  diagnostic: string | null;
  /** Addresses that may be our VERP envelope sender (envelope RCPT TO first, then headers). */
  verpCandidates: string[];
  /** Message-IDs (without angle brackets) of the original message, as the report quotes them. */
  originalMessageIds: string[];
  /** The report's own From, Subject and Message-ID. */
  sender: string | null;
  subject: string | null;
  messageId: string | null;
}

/** One recipient's fields of a delivery-status report (RFC 3464 §2.3). */
export interface DsnRecipient {
  finalRecipient: string | null;
  action: string | null;
  status: string | null;
  diagnostic: string | null;
}

const ENHANCED_STATUS = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;
const ADDRESS =
  /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+/g;
const MESSAGE_ID = /<([^<>\s@]+@[^<>\s@]+)>/g;
const DAEMON_SENDER =
  /^(mailer-daemon|postmaster|mail-daemon|maildaemon|mailerdaemon|mdaemon|mail\.delivery\.system)@/i;
const BOUNCE_SUBJECT =
  /(undeliver|undelivered|delivery (status notification|failure|failed|has failed|problem)|mail delivery failed|returned mail|returning message|failure notice|non[- ]?delivery|could not be delivered|delivery notification|delayed mail|warning: could not send|недоставлен|не доставлен|не удалось доставить|ошибка доставки|возврат письма)/i;
const HARD_TEXT =
  /(permanent (error|failure)|this is a permanent error|постоянная ошибка|user unknown|unknown user|no such user|user not found|mailbox (not found|unavailable|does not exist)|does not exist|invalid (mailbox|recipient|address)|recipient (address )?rejected|address rejected|account (has been )?(disabled|deleted)|адрес(ат)? не существует|нет такого (пользователя|адреса|ящика)|ящик (удал[её]н|заблокирован|не существует)|пользователь не найден)/i;
const SOFT_TEXT =
  /(has not yet been delivered|not yet been delivered|delayed|will (be )?retr(y|ied)|temporar(y|ily)|try again later|mailbox (is )?full|quota exceeded|over quota|переполнен|временн|повторн)/i;
const AUTO_REPLY_SUBJECT =
  /^\s*(auto(matic)?[- ]?(reply|response|antwort)|out of (the )?office|away from (the )?office|on vacation|vacation reply|i am (out|away)|автоответ|автоматический ответ|нет на месте|вне офиса|меня нет|я в отпуске|в отпуске|отпуск)/i;

/** Parses a raw message with mailparser (delivery-status parts kept apart from the text). */
export function parseInbound(raw: Buffer): Promise<ParsedMail> {
  return simpleParser(raw, {
    keepDeliveryStatus: true,
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
  });
}

/**
 * Classifies a message that came back: ARF complaint (report-type=feedback-report), DSN
 * (report-type=delivery-status: each recipient's Action and Status), a plain-text bounce of the
 * servers that send no DSN (Exim, Mail.ru …: recognised by sender, subject and wording), an automatic
 * reply, or unknown. `envelopeTo`: the SMTP RCPT TO addresses, when it came by SMTP. `raw`: the
 * message as received, whose body is searched for the original's Message-ID too (mailparser renders
 * an inline message/rfc822 part as text without it).
 */
export function classifyInbound(
  mail: ParsedMail,
  envelopeTo: string[] = [],
  raw?: Buffer,
): InboundClassification {
  const contentType = headerObject(mail.headers.get('content-type'));
  const reportType =
    contentType?.value === 'multipart/report' ? contentType.params['report-type']?.toLowerCase() : undefined;
  const attachments = mail.attachments ?? [];
  const partText = (type: string) =>
    attachments.filter((a) => a.contentType === type).map((a) => a.content.toString('utf8'));
  const quoted = [
    ...partText('message/rfc822'),
    ...partText('text/rfc822-headers'),
    ...partText('message/rfc822-headers'),
  ].join('\n');
  const text = mail.text ?? '';
  const base = {
    sender: firstAddress(mail.from),
    subject: mail.subject ?? null,
    messageId: stripBrackets(mail.messageId ?? null),
    verpCandidates: unique([
      ...envelopeTo,
      ...headerAddresses(mail, ['delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to', 'to']),
    ]),
    originalMessageIds: originalIds(
      mail,
      [quoted, ...partText('message/delivery-status'), text, bodyOf(raw)].join('\n'),
    ),
  };
  const none = { recipient: null, status: null, action: null, diagnostic: null };

  const feedback = [
    ...partText('message/feedback-report'),
    ...(reportType === 'feedback-report' ? [text] : []),
  ].find((t) => /^Feedback-Type:/im.test(t));
  if (feedback) {
    const fields = parseFields(feedback.split(/\r?\n\r?\n/)[0]);
    const fromQuoted = /^Return-Path:\s*<?([^>\s]+)>?/im.exec(quoted)?.[1];
    return {
      ...base,
      kind: InboundKind.Complaint,
      recipient: addressIn(fields.get('original-rcpt-to')) ?? addressIn(/^To:\s*(.+)$/im.exec(quoted)?.[1]),
      status: null,
      action: fields.get('feedback-type')?.toLowerCase() ?? 'abuse',
      diagnostic: null,
      verpCandidates: unique([
        ...base.verpCandidates,
        ...[addressIn(fields.get('original-mail-from')), fromQuoted].filter((a): a is string => !!a),
      ]),
    };
  }

  const status = partText('message/delivery-status').join('\n\n');
  if (reportType === 'delivery-status' || status) {
    const recipients = parseDeliveryStatus(status || text);
    if (recipients.length > 0) return { ...base, ...dsnOutcome(recipients) };
  }

  if (isPlainBounce(mail, text)) {
    return { ...base, ...plainBounce(mail, text) };
  }

  if (isAutoReply(mail)) return { ...base, ...none, kind: InboundKind.AutoReply };
  return { ...base, ...none, kind: InboundKind.Unknown };
}

/** The per-recipient groups of a message/delivery-status body. */
export function parseDeliveryStatus(body: string): DsnRecipient[] {
  return body
    .split(/\r?\n[ \t]*\r?\n/)
    .map(parseFields)
    .filter((f) => f.has('final-recipient') || f.has('original-recipient'))
    .map((f) => ({
      finalRecipient: addressIn(f.get('final-recipient') ?? f.get('original-recipient')),
      action: f.get('action')?.toLowerCase().trim() ?? null,
      status: ENHANCED_STATUS.exec(f.get('status') ?? '')?.[0] ?? null,
      diagnostic:
        f
          .get('diagnostic-code')
          ?.replace(/^\s*smtp\s*;\s*/i, '')
          .trim() ?? null,
    }));
}

/** The worst of a report's recipients: a permanent failure over a delay over a success. */
function dsnOutcome(
  recipients: DsnRecipient[],
): Pick<InboundClassification, 'kind' | 'recipient' | 'status' | 'action' | 'diagnostic'> {
  const rank = (r: DsnRecipient) => {
    const kind = dsnKind(r);
    return kind === InboundKind.HardBounce ? 0 : kind === InboundKind.SoftBounce ? 1 : 2;
  };
  const worst = [...recipients].sort((a, b) => rank(a) - rank(b))[0];
  return {
    kind: dsnKind(worst),
    recipient: worst.finalRecipient,
    status: worst.status,
    action: worst.action,
    diagnostic: worst.diagnostic?.slice(0, 1000) ?? null,
  };
}

/** One recipient: failed with 5.x.x → hard; delayed, 4.x.x → soft; delivered, relayed, expanded → report. */
export function dsnKind(r: DsnRecipient): InboundKind {
  const cls = r.status?.[0];
  if (r.action === 'delivered' || r.action === 'relayed' || r.action === 'expanded')
    return InboundKind.DeliveryReport;
  if (r.action === 'delayed') return InboundKind.SoftBounce;
  if (cls === '5') return InboundKind.HardBounce;
  if (cls === '4') return InboundKind.SoftBounce;
  if (cls === '2') return InboundKind.DeliveryReport;
  const code = /\b([45])\d\d\b/.exec(r.diagnostic ?? '')?.[1];
  if (code === '5' || (r.action === 'failed' && code !== '4')) return InboundKind.HardBounce;
  return InboundKind.SoftBounce;
}

function isPlainBounce(mail: ParsedMail, text: string): boolean {
  const sender = firstAddress(mail.from) ?? '';
  const fromDaemon =
    DAEMON_SENDER.test(sender) || /mail delivery (system|subsystem)/i.test(mail.from?.text ?? '');
  const failed = mail.headers.has('x-failed-recipients');
  const subject = BOUNCE_SUBJECT.test(mail.subject ?? '');
  const wording =
    HARD_TEXT.test(text) || SOFT_TEXT.test(text) || /could not be delivered|не удалось доставить/i.test(text);
  return failed || ((fromDaemon || subject) && wording);
}

/** Exim, Mail.ru and other plain-text bounces: the failed address, a status if any, hard or soft. */
function plainBounce(
  mail: ParsedMail,
  text: string,
): Pick<InboundClassification, 'kind' | 'recipient' | 'status' | 'action' | 'diagnostic'> {
  // What the server wrote, not the copy of our message below it.
  const report = text.split(/^-{3,}.*(copy of|копия).*$/im)[0];
  const failedHeader = headerText(mail.headers.get('x-failed-recipients'));
  const recipient =
    addressIn(failedHeader) ??
    addressIn(
      /(?:address(?:\(es\))? failed|адресатам|recipients?)[^\n]*:\s*\n\s*<?([^\s>]+@[^\s>]+)/i.exec(
        report,
      )?.[1],
    ) ??
    null;
  const status = ENHANCED_STATUS.exec(report)?.[0] ?? null;
  const reply = /\b([45]\d\d)[ -](?!\d)/.exec(report)?.[1] ?? null;
  const diagnosticLine = report
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => /\b[45]\d\d\b/.test(l) && /[A-Za-zА-Яа-я]{3}/.test(l) && !/^SMTP error/i.test(l));
  const soft =
    status?.startsWith('4') || reply?.startsWith('4') || (!HARD_TEXT.test(report) && SOFT_TEXT.test(report));
  const hard = status?.startsWith('5') || reply?.startsWith('5') || HARD_TEXT.test(report);
  return {
    kind:
      soft && !status?.startsWith('5')
        ? InboundKind.SoftBounce
        : hard
          ? InboundKind.HardBounce
          : InboundKind.SoftBounce,
    recipient,
    status,
    action: soft && !status?.startsWith('5') ? 'delayed' : 'failed',
    diagnostic: diagnosticLine?.slice(0, 1000) ?? null,
  };
}

/** RFC 3834 Auto-Submitted (anything but `no`), the de-facto X-Autoreply / Precedence headers, or the subject. */
export function isAutoReply(mail: ParsedMail): boolean {
  const h = (name: string) => headerText(mail.headers.get(name))?.trim().toLowerCase();
  const auto = h('auto-submitted');
  if (auto && auto !== 'no') return true;
  if (
    mail.headers.has('x-autoreply') ||
    mail.headers.has('x-autorespond') ||
    mail.headers.has('x-autoresponder')
  )
    return true;
  const precedence = h('precedence');
  if (precedence === 'auto_reply' || precedence === 'auto-reply') return true;
  return AUTO_REPLY_SUBJECT.test(mail.subject ?? '');
}

/** `Name: value` fields of one block, continuation lines unfolded; names lowercase. */
function parseFields(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | null = null;
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) {
      fields.set(last, `${fields.get(last)} ${line.trim()}`);
      continue;
    }
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    last = m[1].toLowerCase();
    if (!fields.has(last)) fields.set(last, m[2].trim());
  }
  return fields;
}

function originalIds(mail: ParsedMail, quoted: string): string[] {
  const own = stripBrackets(mail.messageId ?? null);
  const ids: string[] = [];
  for (const m of quoted.matchAll(/^(?:Message-ID|X-Original-Message-ID):\s*<([^<>\s]+)>/gim)) ids.push(m[1]);
  for (const name of ['in-reply-to', 'references']) {
    for (const m of (headerText(mail.headers.get(name)) ?? '').matchAll(MESSAGE_ID)) ids.push(m[1]);
  }
  return unique(ids.filter((id) => id !== own));
}

/** The part of a raw message after its header block (empty without one). */
function bodyOf(raw: Buffer | undefined): string {
  if (!raw) return '';
  const text = raw.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  return end < 0 ? '' : text.slice(end);
}

function headerAddresses(mail: ParsedMail, names: string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const value = mail.headers.get(name);
    if (!value) continue;
    const objects = Array.isArray(value) ? value : [value];
    for (const v of objects) {
      if (typeof v === 'object' && v !== null && 'value' in v && Array.isArray((v as AddressObject).value)) {
        for (const a of (v as AddressObject).value) if (a.address) out.push(a.address);
      } else {
        for (const m of String(headerText(v as HeaderValue) ?? '').matchAll(ADDRESS)) out.push(m[0]);
      }
    }
  }
  return out;
}

function headerObject(
  value: HeaderValue | undefined,
): { value: string; params: Record<string, string> } | null {
  return value && typeof value === 'object' && 'value' in value && 'params' in value
    ? (value as { value: string; params: Record<string, string> })
    : null;
}

function headerText(value: HeaderValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => headerText(v as HeaderValue)).join(', ');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && 'text' in value) return String((value as AddressObject).text);
  if (typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return String(value);
}

function firstAddress(from: AddressObject | undefined): string | null {
  return from?.value?.[0]?.address?.toLowerCase() ?? null;
}

function addressIn(text: string | null | undefined): string | null {
  if (!text) return null;
  const m = text.match(ADDRESS);
  return m ? m[0].toLowerCase() : null;
}

function stripBrackets(id: string | null): string | null {
  return id ? id.replace(/^<|>$/g, '') : null;
}

function unique(values: string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter(Boolean))];
}
