import { Module } from '@nestjs/common';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksJob } from './webhooks.job';

/** The API: endpoints, their delivery log, replays and test pings. */
@Module({ providers: [WebhookEndpointsService], controllers: [WebhooksController] })
export class WebhooksApiModule {}

/** The worker side: fanning the outbox out and POSTing what is due. */
@Module({ providers: [WebhookDeliveryService, WebhooksJob], exports: [WebhookDeliveryService] })
export class WebhooksWorkerModule {}
