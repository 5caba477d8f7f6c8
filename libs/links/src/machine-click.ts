import { isbot } from 'isbot';

/**
 * Machine clicks and opens: the one definition (issue: engagement). Mail security gateways, link
 * scanners, privacy proxies and bots open messages and follow their links by themselves; what they do
 * is counted apart and is never engagement (not in the client's engagement, segments, sunset,
 * attribution or A/B results).
 */

/** An open this soon after the message was sent is a scanner's (a person does not read that fast). */
export const SCANNER_OPEN_SECONDS = 10;
/**
 * A click this soon after the message was sent or delivered is a link scanner's: a gateway follows
 * every link the moment the message arrives, a person needs longer than this to open it and click.
 */
export const SCANNER_CLICK_SECONDS = 2;
/**
 * Different links of one message clicked within this much of each other: a scanner following all of
 * them (a person clicks one link, reads, and maybe comes back for another — not within a second).
 */
export const CLICK_BURST_MS = 1000;

/** Who asked for an open pixel: the request's method, user agent and address. */
export interface OpenRequest {
  method: string;
  userAgent: string | null;
  ip: string | null;
}

/** Who followed a short link: the request's method and user agent. */
export interface ClickRequest {
  method: string;
  userAgent: string | null;
}

/**
 * User agents of mail security gateways and link checkers that `isbot` may not know: they follow every
 * link of a message to scan its target (Microsoft Safe Links / Defender, Mimecast, Proofpoint URL
 * Defense, Barracuda, Cisco, Trend Micro, Sophos, Symantec, Forcepoint, FireEye, Zscaler).
 */
const SCANNER_AGENT =
  /safelinks|microsoft office|ms-office|mimecast|proofpoint|urldefense|barracuda|ironport|cisco|trend ?micro|sophos|symantec|messagelabs|forcepoint|websense|fireeye|zscaler|python-requests|go-http-client|curl\/|wget\/|java\//i;

/**
 * Whether an open is a machine's, not a person's reading:
 * - Apple Mail Privacy Protection fetches every image through Apple's proxy when the message arrives:
 *   its requests come from Apple's network 17.0.0.0/8 or carry the bare user agent `Mozilla/5.0`;
 * - security scanners (mail gateways, link checkers): a user agent `isbot` knows, a HEAD request, or an
 *   open within SCANNER_OPEN_SECONDS of the message being sent.
 */
export function isMachineOpen(request: OpenRequest, sentAt: Date, at: Date): boolean {
  const ua = request.userAgent?.trim() ?? '';
  if (ua === 'Mozilla/5.0') return true;
  const ip = request.ip?.replace(/^::ffff:/, '') ?? '';
  if (/^17\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip)) return true;
  if (request.method.toUpperCase() === 'HEAD') return true;
  if (ua === '' || isbot(ua)) return true;
  return at.getTime() - sentAt.getTime() < SCANNER_OPEN_SECONDS * 1000;
}

/**
 * Whether a click is a machine's by the request alone: a HEAD request (scanners check a link without
 * fetching it), or a user agent of a bot or a mail security scanner.
 */
export function isMachineRequest(request: ClickRequest): boolean {
  if (request.method.toUpperCase() === 'HEAD') return true;
  const ua = request.userAgent?.trim() ?? '';
  return ua !== '' && (isbot(ua) || SCANNER_AGENT.test(ua));
}

/**
 * Whether a click came too soon after the message was sent or delivered to be a person's: within
 * SCANNER_CLICK_SECONDS of either (a gateway scans on arrival, which may be after the sending).
 */
export function isScannerTiming(
  times: { sentAt: Date | null; deliveredAt?: Date | null },
  at: Date,
): boolean {
  return [times.sentAt, times.deliveredAt ?? null].some((t) => {
    if (!t) return false;
    const after = at.getTime() - t.getTime();
    return after >= 0 && after <= SCANNER_CLICK_SECONDS * 1000;
  });
}

/** One click of a delivery's links: which link (its index in the message) and when. */
export interface LinkClick {
  target: number;
  at: number;
}

/**
 * Whether a click on `target` at `at` is part of a burst: another link of the same delivery clicked
 * within CLICK_BURST_MS of it. `recent` are the delivery's other clicks (any order).
 */
export function isClickBurst(recent: Iterable<LinkClick>, target: number, at: number): boolean {
  for (const r of recent) {
    if (r.target !== target && Math.abs(at - r.at) <= CLICK_BURST_MS) return true;
  }
  return false;
}

/** What is known of a click beside its request: the delivery's sending and delivery, its other clicks. */
export interface ClickContext {
  sentAt: Date | null;
  deliveredAt?: Date | null;
  /** The delivery's other recent clicks (for the burst rule); empty when unknown. */
  recent?: Iterable<LinkClick>;
  target?: number;
  at: Date;
}

/**
 * Whether a click is a machine's, not a person's: by its request (HEAD, a bot's or a scanner's user
 * agent), by its timing (within SCANNER_CLICK_SECONDS after the message was sent or delivered), or as
 * part of a burst (several different links of the delivery clicked within CLICK_BURST_MS). Only the
 * request is known: `isMachineClick({ method, userAgent })`.
 */
export function isMachineClick(request: ClickRequest, context?: ClickContext): boolean {
  if (isMachineRequest(request)) return true;
  if (!context) return false;
  if (isScannerTiming(context, context.at)) return true;
  return (
    context.target !== undefined &&
    context.recent !== undefined &&
    isClickBurst(context.recent, context.target, context.at.getTime())
  );
}
