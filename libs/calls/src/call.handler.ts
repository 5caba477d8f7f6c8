import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Channel } from '@touchbase/core';
import { ChannelHandler, DispatchOutcome, HandlesChannel, PreparedDelivery } from '@touchbase/dispatch';
import { TemplateRenderer } from '@touchbase/templates';
import { CREATE_CALL_TASKS_SQL } from './call-tasks.sql';

/**
 * The call channel: each delivery becomes a call task for the client's owner, due at the delivery's
 * scheduled time (already inside the calling window), with the rendered script. The delivery stays
 * `sending` until the owner records the outcome (CallTasksService).
 */
@Injectable()
@HandlesChannel(Channel.Call)
export class CallHandler extends ChannelHandler {
  readonly channel = Channel.Call;
  private readonly logger = new Logger('Calls');

  constructor(
    private readonly renderer: TemplateRenderer,
    private readonly dataSource: DataSource,
  ) {
    super();
  }

  async dispatch(items: PreparedDelivery[]): Promise<DispatchOutcome[]> {
    const outcomes: DispatchOutcome[] = [];
    const ready: { index: number; item: PreparedDelivery; script: string }[] = [];
    items.forEach((item, index) => {
      try {
        ready.push({ index, item, script: this.renderer.render(item.template, item.context).text });
      } catch (e) {
        // A broken template fails this delivery only; the others still become tasks.
        outcomes[index] = {
          kind: 'failed',
          reason: 'template-error',
          error: `The call script could not be rendered: ${(e as Error).message}`,
        };
      }
    });
    if (ready.length > 0) {
      // One statement for the batch; a delivery taken back after a crash finds its task already there.
      const rows: { id: string; delivery_id: string }[] = await this.dataSource.query(CREATE_CALL_TASKS_SQL, [
        ready.map((r) => r.item.id),
        ready.map((r) => r.item.clientId),
        ready.map((r) => r.item.client.ownerId),
        ready.map((r) => r.item.campaignId),
        ready.map((r) => r.item.scheduledAt),
        ready.map((r) => r.script),
      ]);
      const taskOf = new Map(rows.map((r) => [r.delivery_id, r.id]));
      for (const { index, item } of ready) {
        const taskId = taskOf.get(item.id);
        outcomes[index] = taskId
          ? { kind: 'handed-over', meta: { callTaskId: taskId } }
          : { kind: 'retry', error: 'The call task was not created' };
      }
      this.logger.debug(`Created ${rows.length} call tasks`);
    }
    return outcomes;
  }
}
