import { PreparedDelivery } from '@touchbase/dispatch';
import { TemplateRenderer } from '@touchbase/templates';
import { countSegments } from './sms-segments';

/** What is recorded in deliveries.meta for an SMS. */
export interface SmsMeta {
  segments: number;
  encoding: string;
  costEstimate: number;
  /** Twilio's own count, when it differs from ours (the cost estimate then uses it). */
  providerSegments?: number;
  [key: string]: unknown;
}

export type ComposedSms =
  { ok: true; to: string; text: string; meta: SmsMeta } | { ok: false; error: string; reason: string };

/** The text of a prepared SMS delivery, its segments and their estimated cost. */
export function composeSms(
  renderer: TemplateRenderer,
  item: PreparedDelivery,
  segmentCost: number,
  /** What the text's links become before it is counted and sent (short links), if anything. */
  links?: (text: string) => string,
): ComposedSms {
  const to = item.client.phone;
  if (!to) return { ok: false, error: 'The client has no phone number', reason: 'no-contact-data' };
  let text: string;
  try {
    const rendered = renderer.render(item.template, item.context);
    text = 'text' in rendered ? rendered.text : '';
    if (links) text = links(text);
  } catch (e) {
    return {
      ok: false,
      error: `Render failed: ${e instanceof Error ? e.message : String(e)}`,
      reason: 'render-failed',
    };
  }
  if (!text) return { ok: false, error: 'The message is empty', reason: 'render-failed' };
  const { segments, encoding } = countSegments(text);
  return { ok: true, to, text, meta: { segments, encoding, costEstimate: smsCost(segments, segmentCost) } };
}

export function smsCost(segments: number, segmentCost: number): number {
  // Cents are enough for an estimate; floating point noise is not.
  return Math.round(segments * segmentCost * 100) / 100;
}
