import { SetMetadata } from '@nestjs/common';
import { Channel } from '@touchbase/core';
import type { Campaign, Edition } from '@touchbase/campaigns';
import type { MessageContext, Signer, Template } from '@touchbase/templates';

/** A delivery this worker holds a lease on. */
export interface ClaimedDelivery {
  id: string;
  runId: string;
  campaignId: string;
  clientId: string;
  channel: Channel;
  priority: number;
  countsAsTouch: boolean;
  scheduledAt: Date;
  attempts: number;
  claimToken: string;
  meta: Record<string, unknown>;
}

/** The client as dispatch sees it: contact data for the driver, the rest for templates. */
export interface DispatchClient {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  locale: string;
  ownerId: string | null;
  /** false: the client turned click tracking off (links may be short; nothing is counted). */
  clickTracking: boolean;
}

/** A claimed delivery with everything needed to send it, rendered context included. */
export interface PreparedDelivery extends ClaimedDelivery {
  client: DispatchClient;
  campaign: Campaign;
  edition: Edition | null;
  signer: Signer | null;
  /** The template for this channel in the client's language (or the other one). */
  template: Template;
  context: MessageContext;
}

/**
 * What became of one delivery:
 * - `sent` / `delivered`: the provider took it (a touch);
 * - `handed-over`: a person has it now (a call task, a letter in a batch), no lease;
 * - `retry`: a transient error, try again later (after `retryAfterMs` when the provider says so);
 * - `failed`: a permanent error; `bounced`: the address does not exist (email 5xx).
 */
export type DispatchOutcome =
  | { kind: 'sent'; providerId?: string; meta?: Record<string, unknown> }
  | { kind: 'delivered'; providerId?: string; meta?: Record<string, unknown> }
  | { kind: 'handed-over'; meta?: Record<string, unknown> }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  | { kind: 'failed'; error: string; reason?: string; meta?: Record<string, unknown> }
  | { kind: 'bounced'; error: string };

/**
 * The handler of one channel. Implementations are providers marked with `@HandlesChannel(channel)`;
 * the dispatcher finds them at start and refuses to start when a dispatched channel has none.
 */
export abstract class ChannelHandler {
  abstract readonly channel: Channel;

  /** Outcomes in the order of `items`. One item's error must not stop the others. */
  abstract dispatch(items: PreparedDelivery[]): Promise<DispatchOutcome[]>;
}

export const CHANNEL_HANDLER = 'touchbase:channel-handler';

export const HandlesChannel = (channel: Channel) => SetMetadata(CHANNEL_HANDLER, channel);
