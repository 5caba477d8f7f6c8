import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@touchbase/config';
import { Channel, mapWithConcurrency, RateLimiter, Semaphore } from '@touchbase/core';
import { ChannelHandler, DispatchOutcome, HandlesChannel, PreparedDelivery } from '@touchbase/dispatch';
import { DeliveryLinks, LinkTracking, ShortLinksService } from '@touchbase/links';
import { TemplateRenderer } from '@touchbase/templates';
import { SmsDriver, SmsSendError } from './drivers/sms-driver';
import { SmsConsentService } from './sms-consent.service';
import { composeSms, SmsMeta, smsCost } from './sms-message';

/** A 429 without Retry-After pauses the sender this long. */
const DEFAULT_RATE_LIMIT_PAUSE_MS = 1000;
/** Longer pauses are not waited out inside a batch: those items go back to the queue. */
const MAX_INLINE_PAUSE_MS = 2000;
/** Spacing over the second, for jitter between our decision and Twilio's count (1 %). */
const RATE_MARGIN_MS = 10;

/**
 * Sends the SMS of a batch: renders, counts segments (recorded with a cost estimate), sends with at
 * most SMS_CONCURRENCY in flight and at most SMS_RATE_PER_SECOND starts per sender in any second,
 * and says what became of each. STOP at Twilio (21610) blocks the client for SMS for good.
 */
@Injectable()
@HandlesChannel(Channel.Sms)
export class SmsHandler extends ChannelHandler {
  readonly channel = Channel.Sms;
  private readonly logger = new Logger('SMS');
  private readonly limiters = new Map<string, RateLimiter>();
  /** SMS_CONCURRENCY across every batch in progress (a tool's dispatchOnce may run beside the loop). */
  private readonly slots: Semaphore;

  constructor(
    private readonly driver: SmsDriver,
    private readonly renderer: TemplateRenderer,
    private readonly consent: SmsConsentService,
    private readonly config: AppConfig,
    private readonly shortLinks: ShortLinksService,
  ) {
    super();
    this.slots = new Semaphore(config.sms.concurrency);
  }

  async dispatch(items: PreparedDelivery[]): Promise<DispatchOutcome[]> {
    const deadline = Date.now() + this.config.dispatch.batchSeconds * 1000;
    const limiter = this.limiterFor(this.driver.sender);
    // Rendered first (with their short links, made to work before any message goes out), then sent.
    let tracking: LinkTracking;
    try {
      tracking = await this.shortLinks.tracking();
    } catch (e) {
      const error = `Could not read the workspace's link tracking: ${e instanceof Error ? e.message : String(e)}`;
      return items.map(() => ({ kind: 'retry', error }));
    }
    const links = items.map((item) => tracking.forMessage(item.id, item.campaign, item.client));
    const composed = items.map((item, i) =>
      composeSms(
        this.renderer,
        item,
        this.config.sms.segmentCost,
        links[i] ? (t) => links[i]!.text(t) : undefined,
      ),
    );
    try {
      await this.shortLinks.save(links.filter((l, i) => l && composed[i].ok) as DeliveryLinks[]);
    } catch (e) {
      const error = `Could not save the message's short links: ${e instanceof Error ? e.message : String(e)}`;
      return items.map(() => ({ kind: 'retry', error }));
    }
    return mapWithConcurrency(
      items,
      this.config.sms.concurrency,
      async (item, i): Promise<DispatchOutcome> => {
        const c = composed[i];
        return c.ok
          ? await this.slots.use(() => this.send(item, c, limiter, deadline))
          : { kind: 'failed', error: c.error, reason: c.reason };
      },
    );
  }

  private async send(
    item: PreparedDelivery,
    { to, text, meta }: { to: string; text: string; meta: SmsMeta },
    limiter: RateLimiter,
    deadline: number,
  ): Promise<DispatchOutcome> {
    const paused = limiter.pausedFor();
    if (paused > MAX_INLINE_PAUSE_MS) {
      return { kind: 'retry', error: 'Twilio asked to slow down; not sent yet', retryAfterMs: paused };
    }
    await limiter.start();
    // A batch larger than the rate allows in DISPATCH_BATCH_SECONDS gives the rest back to the queue
    // rather than hold every other message of the channel behind it.
    if (Date.now() > deadline) {
      return { kind: 'retry', error: 'Not sent within the batch time (SMS rate limit); queued again' };
    }
    try {
      const result = await this.driver.send({
        to,
        body: text,
        statusCallback: `${this.config.http.publicUrl}/webhooks/twilio/status?d=${item.id}`,
      });
      if (result.segments === undefined || result.segments === meta.segments) {
        return { kind: 'sent', providerId: result.sid, meta };
      }
      // Twilio bills by its own count: keep ours for comparison, estimate the cost with Twilio's.
      const providerSegments = result.segments;
      const costEstimate = smsCost(providerSegments, this.config.sms.segmentCost);
      return { kind: 'sent', providerId: result.sid, meta: { ...meta, providerSegments, costEstimate } };
    } catch (e) {
      return this.failure(item, e, meta, limiter);
    }
  }

  private async failure(
    item: PreparedDelivery,
    e: unknown,
    meta: SmsMeta,
    limiter: RateLimiter,
  ): Promise<DispatchOutcome> {
    const error = e instanceof SmsSendError ? e : new SmsSendError('transient', errorText(e));
    switch (error.kind) {
      case 'rate-limited':
        limiter.pause(error.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS);
        return { kind: 'retry', error: error.message, retryAfterMs: error.retryAfterMs };
      case 'transient':
        return { kind: 'retry', error: error.message };
      case 'blocked':
        await this.consent
          .block(item.clientId, `Twilio ${error.code ?? 21610} on delivery ${item.id}: ${error.message}`)
          .catch((err: unknown) =>
            this.logger.error(`Could not block client ${item.clientId}: ${errorText(err)}`),
          );
        return { kind: 'failed', error: error.message, reason: 'sms-blocked', meta };
      case 'permanent':
        return { kind: 'failed', error: error.message, reason: 'sms-rejected', meta };
    }
  }

  private limiterFor(sender: string): RateLimiter {
    let limiter = this.limiters.get(sender);
    if (!limiter) {
      limiter = new RateLimiter(this.config.sms.ratePerSecond, 1000, { marginMs: RATE_MARGIN_MS });
      this.limiters.set(sender, limiter);
    }
    return limiter;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
