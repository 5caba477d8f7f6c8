import type { Schemas } from '../../../api/client';

export type Endpoint = Schemas['WebhookEndpointDto'];
export type EndpointWithSecret = Schemas['WebhookEndpointWithSecretDto'];
export type Delivery = Schemas['WebhookDeliveryDto'];
export type EventType = Endpoint['eventTypes'][number];
export type DeliveryStatus = Delivery['status'];

/** The events an endpoint may subscribe to (the test ping goes to one endpoint on request only). */
export const EVENT_TYPES: EventType[] = [
  'client.created',
  'client.updated',
  'client.erased',
  'preferences.changed',
  'delivery.sent',
  'delivery.delivered',
  'delivery.bounced',
  'delivery.failed',
  'link.clicked',
  'call.outcome',
  'letter.mailed',
  'letter.returned',
  'survey.answered',
  'run.completed',
];

export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'delivered', 'failed', 'dead'];

export const ENDPOINTS_KEY = ['webhooks', 'endpoints'];
