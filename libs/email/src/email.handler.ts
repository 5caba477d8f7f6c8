import { Injectable, Logger } from '@nestjs/common';
import { Channel, mapWithConcurrency } from '@touchbase/core';
import { ChannelHandler, DispatchOutcome, HandlesChannel, PreparedDelivery } from '@touchbase/dispatch';
import { DeliveryLinks, LinkTracking, ShortLinksService } from '@touchbase/links';
import { TemplateRenderer } from '@touchbase/templates';
import { EmailDriver, EmailSendError, InlineImage, OutgoingEmail } from './drivers/email.driver';
import { EmailBouncesService } from './email-bounces.service';
import { EmailMessageBuilder } from './email-message.builder';
import { SignatureImagesService } from './signature-images.service';

/**
 * The email channel: renders each delivery, builds the message and hands it to the driver; each
 * item is settled on its own (a bad template or a refused address never stops the batch). Then, for
 * the batch at once, hard bounces are counted on the clients.
 */
@Injectable()
@HandlesChannel(Channel.Email)
export class EmailHandler extends ChannelHandler {
  readonly channel = Channel.Email;
  private readonly logger = new Logger('Email');

  constructor(
    private readonly driver: EmailDriver,
    private readonly renderer: TemplateRenderer,
    private readonly messages: EmailMessageBuilder,
    private readonly signatures: SignatureImagesService,
    private readonly bounces: EmailBouncesService,
    private readonly shortLinks: ShortLinksService,
  ) {
    super();
  }

  async dispatch(items: PreparedDelivery[]): Promise<DispatchOutcome[]> {
    // Every message of the batch is built first, its short links made to work with one statement;
    // then the driver sends at most `concurrency` at once. The workspace's link tracking is read once.
    let tracking: LinkTracking;
    try {
      tracking = await this.shortLinks.tracking();
    } catch (e) {
      const error = `Could not read the workspace's link tracking: ${errorText(e)}`;
      return items.map(() => ({ kind: 'retry', error }));
    }
    const composed = await mapWithConcurrency(items, this.driver.concurrency * 2, (item) =>
      this.compose(item, tracking),
    );
    try {
      await this.shortLinks.save(composed.flatMap((c) => ('message' in c && c.links ? [c.links] : [])));
    } catch (e) {
      const error = `Could not save the messages' short links: ${errorText(e)}`;
      return items.map(() => ({ kind: 'retry', error }));
    }
    const outcomes = await mapWithConcurrency(composed, this.driver.concurrency * 2, (c) =>
      'message' in c ? this.send(c.message) : Promise.resolve(c),
    );
    await this.recordBounces(items, outcomes);
    return outcomes;
  }

  /** The delivery's message, its links through short links (when tracked) — or why there is none. */
  private async compose(
    item: PreparedDelivery,
    tracking: LinkTracking,
  ): Promise<{ message: OutgoingEmail; links: DeliveryLinks | null } | DispatchOutcome> {
    let signature: InlineImage | null = null;
    const signer = this.messages.signatureOf(item);
    if (signer) {
      try {
        signature = await this.signatures.get(signer);
      } catch (e) {
        return { kind: 'retry', error: `Could not load the signature image: ${errorText(e)}` };
      }
    }
    try {
      const rendered = this.renderer.render(item.template, item.context);
      if (rendered.channel !== Channel.Email)
        throw new Error(`"${item.template.name}" is not an email template`);
      const links = tracking.forMessage(item.id, item.campaign, item.client);
      // The open pixel only where opens are asked for and the client's clicks are counted.
      const pixel = links?.tracked && tracking.opensTracked(item.campaign);
      const tracked = links
        ? {
            ...rendered,
            html: pixel ? links.pixel(links.html(rendered.html)) : links.html(rendered.html),
            text: links.text(rendered.text),
          }
        : rendered;
      return { message: this.messages.build(item, tracked, signature), links };
    } catch (e) {
      return { kind: 'failed', error: errorText(e), reason: 'template-error' };
    }
  }

  private async send(message: OutgoingEmail): Promise<DispatchOutcome> {
    try {
      const result = await this.driver.send(message);
      return {
        kind: 'sent',
        providerId: message.messageId.replace(/^<|>$/g, ''),
        meta: result.response ? { response: result.response.slice(0, 300) } : undefined,
      };
    } catch (e) {
      if (!(e instanceof EmailSendError) || e.kind === 'transient')
        return { kind: 'retry', error: errorText(e) };
      if (e.isHardBounce) return { kind: 'bounced', error: e.message };
      return { kind: 'failed', error: e.message, reason: 'smtp-rejected' };
    }
  }

  /** Bounces count against the address; an accepted message resets the count (bounces in a row). */
  private async recordBounces(items: PreparedDelivery[], outcomes: DispatchOutcome[]): Promise<void> {
    const bounced = items.filter((_, i) => outcomes[i].kind === 'bounced').map((i) => i.clientId);
    const sent = items.filter((_, i) => outcomes[i].kind === 'sent').map((i) => i.clientId);
    try {
      await this.bounces.record(bounced);
      await this.bounces.clear(sent);
    } catch (e) {
      // The outcomes stand; only the count is lost, and the next bounce counts again.
      this.logger.error(`Could not record ${bounced.length} hard bounces: ${errorText(e)}`);
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
