import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { Channel } from '@touchbase/core';
import { EmailBouncesService } from '@touchbase/email';
import { SuppressionReason, SuppressionService } from '@touchbase/suppression';
import { LinksService } from '@touchbase/links';
import { ActorType, ConsentSource, PreferencesService } from '@touchbase/preferences';
import { appendDeliveryEvent, bounceAfterSend, DeliveryStatus, sqlValue } from '@touchbase/runs';
import { classifyInbound, InboundClassification, parseInbound } from './inbound-classifier';
import { InboundKind, InboundOutcome, InboundVia } from './inbound.enums';

/** What processing one inbound message did. */
export interface InboundResult {
  eventId: string;
  kind: InboundKind;
  outcome: InboundOutcome;
  deliveryId: string | null;
  clientId: string | null;
  /** A hard bounce reached the limit: the address is now marked invalid. */
  invalidated?: boolean;
}

interface MatchedDelivery {
  id: string;
  client_id: string;
  status: DeliveryStatus;
}

/** Our Message-IDs: `<delivery-<id>.<campaign id>@<domain>>` (EmailMessageBuilder). */
const OUR_MESSAGE_ID =
  /^delivery-(\d{1,18})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@/i;

const FIND_DELIVERY_SQL = `
  SELECT id::text, client_id, status FROM deliveries
   WHERE id = $1 AND channel = ${sqlValue(Channel.Email)} AND ($2::uuid IS NULL OR campaign_id = $2::uuid)`;

const INSERT_EVENT_SQL = `
  INSERT INTO inbound_bounce_events
    (via, kind, outcome, delivery_id, client_id, recipient, status_code, diagnostic, sender, subject,
     message_id, size_bytes, raw)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
  RETURNING id::text`;

/**
 * The one processor behind the inbound SMTP listener and the IMAP poller. Each message is parsed
 * (mailparser) and classified; the delivery is found from the signed VERP address or, failing that,
 * from our Message-ID quoted in the report. A hard bounce bounces the delivery and counts toward the
 * address's invalid rule (the send-time rule, EmailBouncesService); a soft one is recorded on the
 * delivery; a complaint turns email off for the client with a consent-log row; auto-replies change
 * nothing. Every message leaves a row in inbound_bounce_events; the raw message is kept for those
 * not understood or not matched.
 */
@Injectable()
export class InboundBounceProcessor {
  private readonly logger = new Logger('Bounces');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly links: LinksService,
    private readonly bounces: EmailBouncesService,
    private readonly preferences: PreferencesService,
    private readonly suppressions: SuppressionService,
  ) {}

  async process(raw: Buffer, source: { via: InboundVia; envelopeTo?: string[] }): Promise<InboundResult> {
    let c: InboundClassification;
    try {
      c = classifyInbound(await parseInbound(raw), source.envelopeTo ?? [], raw);
    } catch (e) {
      this.logger.warn(`An inbound message could not be parsed (${(e as Error).message}): kept`);
      c = {
        kind: InboundKind.Unknown,
        recipient: null,
        status: null,
        action: null,
        diagnostic: null,
        verpCandidates: [],
        originalMessageIds: [],
        sender: null,
        subject: null,
        messageId: null,
      };
    }
    const result = await this.dataSource.transaction(async (m) => {
      const delivery = await this.findDelivery(c, m);
      const outcome = await this.apply(c, delivery, m);
      const keepRaw = outcome === InboundOutcome.Kept || outcome === InboundOutcome.Unmatched;
      const [{ id }]: { id: string }[] = await m.query(INSERT_EVENT_SQL, [
        source.via,
        c.kind,
        outcome,
        delivery?.id ?? null,
        delivery?.client_id ?? null,
        c.recipient,
        c.status,
        c.diagnostic,
        c.sender,
        c.subject?.slice(0, 500) ?? null,
        c.messageId?.slice(0, 500) ?? null,
        raw.length,
        keepRaw ? raw : null,
      ]);
      return {
        eventId: id,
        kind: c.kind,
        outcome,
        deliveryId: delivery?.id ?? null,
        clientId: delivery?.client_id ?? null,
      };
    });
    let invalidated: boolean | undefined;
    if (result.outcome === InboundOutcome.Bounced && result.clientId) {
      // The rule of bounces at send time, once per delivery that became bounced.
      const [counted] = await this.bounces.record([result.clientId]);
      invalidated = counted?.invalidated ?? false;
    }
    this.logger.log(
      `Inbound ${c.kind} (${source.via}): ${result.outcome}${result.deliveryId ? ` for delivery ${result.deliveryId}` : ''}`,
    );
    return invalidated === undefined ? result : { ...result, invalidated };
  }

  /** The delivery a report is about: the signed VERP code first, then our Message-ID it quotes. */
  private async findDelivery(c: InboundClassification, m: EntityManager): Promise<MatchedDelivery | null> {
    const { domain, localPart } = this.config.bounces;
    if (domain) {
      const prefix = `${localPart.toLowerCase()}+`;
      for (const address of c.verpCandidates) {
        const at = address.lastIndexOf('@');
        const local = address.slice(0, at).toLowerCase();
        if (at < 0 || address.slice(at + 1).toLowerCase() !== domain || !local.startsWith(prefix)) continue;
        const id = this.links.verifyBounceCode(local.slice(prefix.length));
        if (!id) {
          this.logger.warn(`A VERP address with a code that is not ours: ${address}`);
          continue;
        }
        const [row] = await m.query(FIND_DELIVERY_SQL, [id, null]);
        if (row) return row;
      }
    }
    for (const messageId of c.originalMessageIds) {
      const ours = OUR_MESSAGE_ID.exec(messageId);
      if (!ours) continue;
      const [row] = await m.query(FIND_DELIVERY_SQL, [ours[1], ours[2]]);
      if (row) return row;
    }
    return null;
  }

  private async apply(
    c: InboundClassification,
    delivery: MatchedDelivery | null,
    m: EntityManager,
  ): Promise<InboundOutcome> {
    if (c.kind === InboundKind.Unknown) return InboundOutcome.Kept;
    if (c.kind === InboundKind.AutoReply || c.kind === InboundKind.DeliveryReport)
      return InboundOutcome.Ignored;
    if (!delivery) return InboundOutcome.Unmatched;
    const event = {
      at: new Date().toISOString(),
      recipient: c.recipient,
      status: c.status,
      action: c.action,
      diagnostic: c.diagnostic,
    };
    switch (c.kind) {
      case InboundKind.HardBounce: {
        const error = `Bounced after sending: ${[c.status, c.diagnostic].filter(Boolean).join(' ') || 'permanent failure'}`;
        const bounced = await bounceAfterSend(m, delivery.id, error, { bounce: event });
        if (bounced) return InboundOutcome.Bounced;
        return delivery.status === DeliveryStatus.Bounced
          ? InboundOutcome.AlreadyApplied
          : InboundOutcome.Ignored;
      }
      case InboundKind.SoftBounce:
        await appendDeliveryEvent(m, delivery.id, 'softBounces', event);
        return InboundOutcome.Recorded;
      case InboundKind.Complaint: {
        await appendDeliveryEvent(m, delivery.id, 'complaints', { at: event.at, feedbackType: c.action });
        await this.suppressions.addForClient(
          delivery.client_id,
          Channel.Email,
          SuppressionReason.Complaint,
          { source: `delivery ${delivery.id}`, note: c.action ? `feedback type ${c.action}` : undefined },
          m,
        );
        const before = await this.preferences.get(delivery.client_id, m);
        if (!before.channels[Channel.Email]) return InboundOutcome.AlreadyApplied;
        await this.preferences.update(
          delivery.client_id,
          { channels: { [Channel.Email]: false } },
          { actorType: ActorType.Client, source: ConsentSource.Complaint },
          m,
        );
        return InboundOutcome.OptedOut;
      }
    }
  }
}
