import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { WebhookParams } from './drivers/twilio-signature-verifier';
import { SmsConsentService } from './sms-consent.service';
import { parseSmsKeyword, SmsKeyword } from './sms-keywords';
import { SmsPreviewService, StoredSmsDelivery } from './sms-preview.service';
import { DeliveryStatus, settleFromProvider } from '@touchbase/runs';
import { ContactFlag, markTouched } from '@touchbase/clients';
import { FIND_CALLBACK_DELIVERY_SQL, RECORD_WEBHOOK_EVENT_SQL } from './sms.sql';

export type StatusCallbackResult = 'applied' | 'duplicate' | 'unknown-message' | 'ignored';

interface CallbackDelivery extends StoredSmsDelivery {
  status: string;
  provider_id: string | null;
}

const BLOCKED_CODE = 21610;
const FAILED_STATUSES = new Set(['failed', 'undelivered']);

/**
 * What Twilio tells us (signatures are checked before this): delivery reports and inbound messages.
 * Each callback is recorded in webhook_events in the same transaction as its effect, so a repeated
 * one changes nothing.
 */
@Injectable()
export class TwilioWebhooksService {
  private readonly logger = new Logger('TwilioWebhooks');

  constructor(
    private readonly dataSource: DataSource,
    private readonly consent: SmsConsentService,
    private readonly preview: SmsPreviewService,
  ) {}

  /** A status callback. `deliveryId` comes from the callback URL we gave Twilio (`?d=`). */
  async status(params: WebhookParams, deliveryId?: string): Promise<StatusCallbackResult> {
    const sid = first(params.MessageSid) ?? first(params.SmsSid);
    const status = (first(params.MessageStatus) ?? first(params.SmsStatus))?.toLowerCase();
    if (!sid || !status) {
      this.logger.warn('Status callback without MessageSid or MessageStatus: ignored');
      return 'ignored';
    }
    const delivery = deliveryId && /^\d{1,18}$/.test(deliveryId) ? deliveryId : null;
    const result = await this.dataSource.transaction(async (manager): Promise<StatusCallbackResult> => {
      const fresh = await manager.query(RECORD_WEBHOOK_EVENT_SQL, [`status:${sid}:${status}`, params]);
      if (fresh.length === 0) return 'duplicate';
      if (status !== 'delivered' && !FAILED_STATUSES.has(status)) return 'ignored'; // queued, sent …: not final
      const [row]: CallbackDelivery[] = await manager.query(FIND_CALLBACK_DELIVERY_SQL, [sid, delivery]);
      if (!row) return 'unknown-message';
      const code = Number(first(params.ErrorCode)) || null;
      const failed = FAILED_STATUSES.has(status);
      const reason = !failed ? null : code === BLOCKED_CODE ? ContactFlag.SmsBlocked : `sms-${status}`;
      const detail = first(params.ErrorMessage);
      const error = failed ? `Twilio ${code ?? status}: ${detail ?? `message ${status}`}` : null;
      const meta = row.status === DeliveryStatus.Sending ? await this.inFlightMeta(row, manager) : {};
      const settled = await settleFromProvider(manager, row.id, {
        status: failed ? DeliveryStatus.Failed : DeliveryStatus.Delivered,
        providerId: sid,
        reason,
        error,
        meta,
      });
      if (!settled) return 'ignored'; // already final: a late or out-of-order report
      if (!failed && row.status === DeliveryStatus.Sending && row.counts_as_touch) {
        await markTouched(manager, [row.client_id]);
      }
      if (code === BLOCKED_CODE) {
        await this.consent.block(
          row.client_id,
          `Twilio ${BLOCKED_CODE} for ${sid} (delivery ${row.id})`,
          manager,
        );
      }
      return 'applied';
    });
    if (result === 'unknown-message')
      this.logger.warn(`Status callback for unknown message ${sid} (${status}): ignored`);
    return result;
  }

  /**
   * The segments of a delivery whose report beat the dispatcher (which would have recorded them with
   * the outcome): rendered again, as dispatch rendered it. Rare, so the hot path writes nothing extra.
   */
  private async inFlightMeta(
    row: CallbackDelivery,
    manager: EntityManager,
  ): Promise<Record<string, unknown>> {
    if (typeof row.meta?.segments === 'number') return {};
    const composed = (await this.preview.compose([row], manager)).get(row.id);
    return composed?.ok ? composed.meta : {};
  }

  /** An inbound message: STOP / START keywords change SMS consent; anything else is ignored. */
  async inbound(params: WebhookParams): Promise<{ keyword: SmsKeyword | null; clientIds: string[] }> {
    const sid = first(params.MessageSid) ?? first(params.SmsSid);
    const from = first(params.From);
    const body = first(params.Body) ?? '';
    const keyword = parseSmsKeyword(body, first(params.OptOutType));
    if (!sid || !from || !keyword) return { keyword, clientIds: [] };
    const clientIds = await this.dataSource.transaction(async (manager) => {
      const fresh = await manager.query(RECORD_WEBHOOK_EVENT_SQL, [`inbound:${sid}`, params]);
      if (fresh.length === 0) return [];
      return this.consent.applyKeyword(from, keyword, body, manager);
    });
    if (clientIds.length === 0)
      this.logger.log(`Inbound ${keyword.toUpperCase()} from an unknown number or repeated: ignored`);
    else
      this.logger.log(
        `Inbound ${keyword.toUpperCase()}: SMS consent ${keyword === 'stop' ? 'off' : 'on'} for ${clientIds.length} client(s)`,
      );
    return { keyword, clientIds };
  }
}

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v !== '' ? v : undefined;
}
