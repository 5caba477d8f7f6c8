export * from './webhook.enums';
export * from './webhook-signature';
export * from './webhook-outbox';
export * from './webhook-delivery.service';
export * from './webhook-endpoints.service';
export * from './dto/webhook.dto';
export * from './webhooks.module';
export * from './webhook-data-export';
