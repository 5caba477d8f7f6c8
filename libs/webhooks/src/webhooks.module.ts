import { Module } from '@nestjs/common';
import { StaffModule } from '@touchbase/staff';
import { WebhookDisabledNotice } from './webhook-disabled.notice';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksJob } from './webhooks.job';

/** The API: endpoints, their delivery log, replays and test pings. */
@Module({ providers: [WebhookEndpointsService], controllers: [WebhooksController] })
export class WebhooksApiModule {}

/** The worker side: fanning the outbox out and POSTing what is due. */
@Module({
  imports: [StaffModule],
  providers: [WebhookDeliveryService, WebhooksJob, WebhookDisabledNotice],
  exports: [WebhookDeliveryService],
})
export class WebhooksWorkerModule {}
