import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { Channel } from '@touchbase/core';
import { ClaimedDelivery, MessagePreparerService, PreparedDelivery } from '@touchbase/dispatch';
import { ShortLinksService } from '@touchbase/links';
import { TemplateRenderer } from '@touchbase/templates';
import { ComposedSms, composeSms } from './sms-message';

/** A stored SMS delivery, as read from the deliveries table. */
export interface StoredSmsDelivery {
  id: string;
  run_id: string;
  campaign_id: string;
  client_id: string;
  priority: number;
  counts_as_touch: boolean;
  scheduled_at: Date;
  attempts: number;
  meta: Record<string, unknown> | null;
}

/**
 * Renders stored SMS deliveries exactly as dispatch would (same preparation, consent re-check,
 * template and context), without sending: for cost estimates, and for the segments of a delivery
 * whose report came before the dispatcher recorded it. Deliveries that would not be sent are absent.
 */
@Injectable()
export class SmsPreviewService {
  constructor(
    private readonly preparer: MessagePreparerService,
    private readonly renderer: TemplateRenderer,
    private readonly config: AppConfig,
    private readonly shortLinks: ShortLinksService,
  ) {}

  async compose(rows: StoredSmsDelivery[], manager?: EntityManager): Promise<Map<string, ComposedSms>> {
    const items: ClaimedDelivery[] = rows.map((r) => ({
      id: r.id,
      runId: r.run_id,
      campaignId: r.campaign_id,
      clientId: r.client_id,
      channel: Channel.Sms,
      priority: r.priority,
      countsAsTouch: r.counts_as_touch,
      scheduledAt: r.scheduled_at,
      attempts: r.attempts,
      claimToken: '00000000-0000-0000-0000-000000000000', // not claimed: only rendered
      meta: r.meta ?? {},
    }));
    const { ready } = await this.preparer.prepare(items, manager);
    const tracking = await this.shortLinks.tracking(manager);
    // Counted as sent: with short links of the same length as the real ones (not saved, never clicked).
    const links = (item: PreparedDelivery) =>
      tracking.tracks(item.campaign)
        ? (text: string) => this.shortLinks.forDelivery(item.id).text(text)
        : undefined;
    return new Map(
      ready.map((item) => [
        item.id,
        composeSms(this.renderer, item, this.config.sms.segmentCost, links(item)),
      ]),
    );
  }
}
