/** What an outbound webhook tells about. Receivers subscribe to some of these (none: all of them). */
export enum WebhookEventType {
  ClientCreated = 'client.created',
  ClientUpdated = 'client.updated',
  ClientErased = 'client.erased',
  PreferencesChanged = 'preferences.changed',
  DeliverySent = 'delivery.sent',
  DeliveryDelivered = 'delivery.delivered',
  DeliveryBounced = 'delivery.bounced',
  DeliveryFailed = 'delivery.failed',
  LinkClicked = 'link.clicked',
  CallOutcome = 'call.outcome',
  LetterMailed = 'letter.mailed',
  LetterReturned = 'letter.returned',
  SurveyAnswered = 'survey.answered',
  RunCompleted = 'run.completed',
  /** Sent only by the test button / POST …/test, to that one endpoint. */
  Ping = 'webhook.ping',
}

/** Where one event stands for one endpoint. */
export enum WebhookDeliveryStatus {
  /** Not yet delivered; due at next_attempt_at. */
  Pending = 'pending',
  Delivered = 'delivered',
  /** The last attempt failed; retried at next_attempt_at. */
  Failed = 'failed',
  /** Given up after the retry period; a replay sends it again. */
  Dead = 'dead',
}

/** Why an endpoint stopped receiving. */
export enum WebhookDisabledReason {
  /** An admin turned it off. */
  Manual = 'manual',
  /** It failed continuously for the configured period (a day by default). */
  Failing = 'failing',
}
