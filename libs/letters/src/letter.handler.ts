import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@touchbase/config';
import { Channel } from '@touchbase/core';
import { ChannelHandler, DispatchOutcome, HandlesChannel, PreparedDelivery } from '@touchbase/dispatch';
import { DeliveryLinks, LinkTracking, ShortLinksService } from '@touchbase/links';
import { TemplateRenderer } from '@touchbase/templates';
import { AttachItem, LetterBatchBuilderService } from './letter-batch-builder.service';
import { letterSnapshot } from './letter-snapshot';

/**
 * The letter channel: each claimed letter is rendered and attached to its run's letter batch, and is
 * then a person's to print and post (`handed-over`: the delivery stays `sending` until the batch is
 * marked mailed). When the run has no letters left to hand over, the batch's PDF is built in the
 * background, so a large batch never holds the dispatch loop or outlives the claim's lease.
 */
@Injectable()
@HandlesChannel(Channel.Letter)
export class LetterHandler extends ChannelHandler {
  readonly channel = Channel.Letter;
  private readonly logger = new Logger('Letters');

  constructor(
    private readonly renderer: TemplateRenderer,
    private readonly batches: LetterBatchBuilderService,
    private readonly config: AppConfig,
    private readonly shortLinks: ShortLinksService,
  ) {
    super();
  }

  async dispatch(items: PreparedDelivery[]): Promise<DispatchOutcome[]> {
    const outcomes: DispatchOutcome[] = [];
    const byRun = new Map<string, { index: number; item: AttachItem }[]>();
    const links: DeliveryLinks[] = [];
    let tracking: LinkTracking;
    try {
      tracking = await this.shortLinks.tracking();
    } catch (e) {
      const error = `Could not read the workspace's link tracking: ${e instanceof Error ? e.message : String(e)}`;
      return items.map(() => ({ kind: 'retry', error }));
    }
    items.forEach((item, index) => {
      try {
        const rendered = this.renderer.render(item.template, item.context).text;
        // A letter's links are always short: a person types them (or scans the QR code).
        const short = tracking.forLetter(item.id, item.campaign, item.client);
        const text = short.text(rendered);
        const portalLink = short.url(item.context.portal.url);
        const letter = letterSnapshot(item, text, this.config.workspace.phoneRegion, portalLink);
        links.push(short);
        const list = byRun.get(item.runId) ?? [];
        list.push({ index, item: { id: item.id, claimToken: item.claimToken, letter } });
        byRun.set(item.runId, list);
      } catch (e) {
        outcomes[index] = {
          kind: 'failed',
          reason: 'template-error',
          error: `The letter could not be rendered: ${(e as Error).message}`,
        };
      }
    });
    try {
      await this.shortLinks.save(links);
    } catch (e) {
      const error = `Could not save the letters' short links: ${(e as Error).message}`;
      return items.map((_, i) => outcomes[i] ?? { kind: 'retry', error });
    }
    for (const [runId, entries] of byRun) {
      try {
        const { batchId, attached } = await this.batches.attach(
          runId,
          entries.map((e) => e.item),
        );
        for (const { index, item } of entries) {
          // Not attached: the lease was taken over; the new holder attaches it.
          outcomes[index] = attached.has(item.id)
            ? { kind: 'handed-over', meta: { letterBatchId: batchId } }
            : { kind: 'retry', error: 'The claim on the letter was lost before it joined a batch' };
        }
        this.batches.schedule(batchId);
      } catch (e) {
        // One run's failure leaves the other runs' letters alone.
        this.logger.warn(`Letters of run ${runId} could not join a batch: ${(e as Error).message}`);
        for (const { index } of entries) outcomes[index] = { kind: 'retry', error: (e as Error).message };
      }
    }
    return outcomes;
  }
}
