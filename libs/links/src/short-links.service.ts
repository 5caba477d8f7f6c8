import { randomBytes } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import DataLoader from 'dataloader';
import { decodeHTMLAttribute } from 'entities';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { outboxInsertSql, WebhookEventType } from '@touchbase/webhooks';
import { EngagementSettings, EngagementSettingsService } from './engagement-settings.service';
import {
  CLICK_BURST_MS,
  ClickRequest,
  isClickBurst,
  isMachineOpen,
  isMachineRequest,
  isScannerTiming,
  LinkClick,
  OpenRequest,
} from './machine-click';

/** The characters of a short code: URL-safe in any position, case-sensitive. */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A delivery's key: 9 random characters, 62⁹ ≈ 1.35·10¹⁶ (53 bits) — not to be guessed. */
export const SHORT_KEY_LENGTH = 9;
/** A code: the delivery's key and one character for the target (up to 62 links a message). */
export const SHORT_CODE = new RegExp(`^[0-9A-Za-z]{${SHORT_KEY_LENGTH + 1}}$`);
const MAX_TARGETS = ALPHABET.length;

/** Clicks are counted in memory and written at most this often (a redirect never waits on a write). */
const CLICK_FLUSH_MS = 1000;
const CLICK_FLUSH_SIZE = 1000;
/** Codes resolved recently, kept for repeated clicks (a link shared or scanned several times). */
const CACHE_SIZE = 50_000;
const LOOKUP_WINDOW_MS = 5;
/** Deliveries whose latest clicks are remembered for the burst rule (a few seconds' worth of clicks). */
const RECENT_SIZE = 20_000;

/** A delivery's clicks not written yet: a person's (each kept until no burst can make it a machine's). */
interface PendingClicks {
  /** With the target's URL, for the link.clicked event of the delivery's first click. */
  people: (LinkClick & { url: string })[];
  machine: number;
}

/** The links of one delivery: the short URL of each target, and the row that makes them work. */
export class DeliveryLinks {
  readonly key = randomKey();
  private readonly targets: string[] = [];
  private withPixel = false;

  /** `tracked`: false for links that only shorten (their clicks are not counted). */
  constructor(
    readonly deliveryId: string,
    private readonly base: string,
    readonly tracked = true,
  ) {}

  /** The short URL standing for `target` (the target itself past the 62nd distinct link). */
  url(target: string): string {
    let index = this.targets.indexOf(target);
    if (index < 0) {
      if (this.targets.length >= MAX_TARGETS) return target;
      index = this.targets.push(target) - 1;
    }
    return `${this.base}${this.key}${ALPHABET[index]}`;
  }

  /**
   * Every absolute http(s) link of an HTML body, in href attributes, through its short URL; the
   * target is the URL the browser would follow (entities decoded: handlebars writes = as &#x3D;).
   */
  html(html: string): string {
    return html.replace(
      /(\shref\s*=\s*)(["'])(https?:\/\/[^"']+)\2/gi,
      (match, attr: string, quote: string, url: string) =>
        this.isOwn(url) ? match : `${attr}${quote}${this.url(decodeHTMLAttribute(url))}${quote}`,
    );
  }

  /** Every absolute http(s) link of a plain text (a text part, an SMS), through its short URL. */
  text(text: string): string {
    return text.replace(/https?:\/\/[^\s<>"'«»]+/gi, (found) => {
      // Sentence punctuation after a link is not part of it.
      const url = found.replace(/[.,;:!?)\]]+$/, '');
      return this.isOwn(url) ? found : this.url(url) + found.slice(url.length);
    });
  }

  /** The HTML with a 1×1 open pixel (PUBLIC_URL/o/<key>) at the end of its body. */
  pixel(html: string): string {
    this.withPixel = true;
    const src = `${this.base.replace(/\/r\/$/, '/o/')}${this.key}`;
    const img = `<img src="${src}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`;
    return /<\/body>/i.test(html) ? html.replace(/<\/body>/i, `${img}</body>`) : html + img;
  }

  get empty(): boolean {
    return this.targets.length === 0 && !this.withPixel;
  }

  get row(): { key: string; deliveryId: string; targets: string[]; tracked: boolean } {
    return { key: this.key, deliveryId: this.deliveryId, targets: [...this.targets], tracked: this.tracked };
  }

  private isOwn(url: string): boolean {
    return url.startsWith(this.base);
  }
}

/**
 * Whether a message's links are tracked, three switches deep: the workspace's (its engagement
 * settings, the outer one), the campaign's, and the client's (the portal's "link statistics"). Each
 * can only turn tracking off; opens need the workspace's and the campaign's open switches as well.
 */
export class LinkTracking {
  constructor(
    readonly settings: EngagementSettings,
    private readonly make: (deliveryId: string, options: { tracked?: boolean }) => DeliveryLinks,
  ) {}

  /** Whether a campaign's messages get short links: tracking on for the workspace and the campaign. */
  tracks(campaign: { clickTracking: boolean }): boolean {
    return this.settings.clickTracking && campaign.clickTracking;
  }

  /** Whether a campaign's emails carry an open pixel: opens on for the workspace and the campaign, links tracked. */
  opensTracked(campaign: { clickTracking: boolean; openTracking: boolean }): boolean {
    return this.settings.openTracking && campaign.openTracking && this.tracks(campaign);
  }

  /**
   * The links of a delivery's email or SMS: short when its campaign's links are tracked (null: links
   * as written), counting clicks unless the client turned click tracking off.
   */
  forMessage(
    deliveryId: string,
    campaign: { clickTracking: boolean },
    client: { clickTracking: boolean },
  ): DeliveryLinks | null {
    return this.tracks(campaign) ? this.make(deliveryId, { tracked: client.clickTracking }) : null;
  }

  /**
   * A letter's links: always short (a person types them, or scans the QR code), counting clicks when
   * the campaign's are tracked and the client has not turned that off.
   */
  forLetter(
    deliveryId: string,
    campaign: { clickTracking: boolean },
    client: { clickTracking: boolean },
  ): DeliveryLinks {
    return this.make(deliveryId, { tracked: this.tracks(campaign) && client.clickTracking });
  }
}

/**
 * Short signed links (issue: engagement). A message's links are replaced, when it is rendered, by
 * PUBLIC_URL/r/<code>; the code is unguessable and bound to one delivery and one target the template
 * produced, so the redirect can never send anyone elsewhere. A click is counted on the delivery
 * (first, last, how many) and redirected at once; counts are written in batches.
 */
@Injectable()
export class ShortLinksService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ShortLinks');
  private readonly base: string;
  /**
   * Codes resolved together: the lookups of one tick (a hundred concurrent clicks) are one query, and
   * a code resolved recently is not looked up again (a link shared or scanned several times).
   */
  private readonly targets = new DataLoader<string, ResolvedLinks | null>((keys) => this.load(keys), {
    cacheMap: new BoundedCache<string, Promise<ResolvedLinks | null>>(CACHE_SIZE),
    maxBatchSize: 500,
    // A couple of milliseconds gather the clicks arriving together into one query.
    batchScheduleFn: (run) => setTimeout(run, LOOKUP_WINDOW_MS),
  });
  private pending = new Map<string, PendingClicks>();
  /** Deliveries that got their first pending click since the last write. */
  private added = 0;
  /** Per delivery key, the latest click of each of its links (for the burst rule). */
  private readonly recent = new BoundedCache<string, Map<number, number>>(RECENT_SIZE);
  private pendingOpens = new Map<
    string,
    { opens: number; machine: number; first: Date | null; last: Date | null }
  >();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    config: AppConfig,
    private readonly engagementSettings: EngagementSettingsService,
  ) {
    this.base = `${config.http.publicUrl}/r/`;
  }

  /**
   * The link tracking of the workspace as it stands (its engagement settings, read once per batch of
   * messages): what a campaign's and a client's switches can only narrow.
   */
  async tracking(manager?: EntityManager): Promise<LinkTracking> {
    const settings = await this.engagementSettings.get(manager);
    return new LinkTracking(settings, (id, options) => this.forDelivery(id, options));
  }

  /**
   * A delivery's links, to rewrite its message with; `save` them before the message goes out.
   * `tracked: false`: short links whose clicks are not counted (a letter of an untracked campaign).
   */
  forDelivery(deliveryId: string, options: { tracked?: boolean } = {}): DeliveryLinks {
    return new DeliveryLinks(deliveryId, this.base, options.tracked ?? true);
  }

  /** Makes the short links of these deliveries work: one statement for the batch. */
  async save(links: DeliveryLinks[]): Promise<void> {
    const rows = links.filter((l) => !l.empty).map((l) => l.row);
    if (rows.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO delivery_links (key, delivery_id, targets, tracked)
       SELECT r.key, r.delivery_id::bigint, ARRAY(SELECT jsonb_array_elements_text(r.targets)), r.tracked
         FROM jsonb_to_recordset($1::jsonb) AS r(key text, delivery_id text, targets jsonb, tracked boolean)`,
      [
        JSON.stringify(
          rows.map((r) => ({
            key: r.key,
            delivery_id: r.deliveryId,
            targets: r.targets,
            tracked: r.tracked,
          })),
        ),
      ],
    );
  }

  /**
   * Where a code leads, counting the click; null for a code that is not one of ours. A click is a
   * machine's (machine-click.ts) by its request, by coming within seconds of the sending or the
   * delivery, or in a burst over the delivery's links — the burst also turns the person's clicks it
   * caught (not written yet) into the machine's, so a scanner following every link counts no click.
   */
  async click(
    code: string,
    request: ClickRequest = { method: 'GET', userAgent: null },
    at = new Date(),
  ): Promise<string | null> {
    if (!SHORT_CODE.test(code)) return null;
    const key = code.slice(0, SHORT_KEY_LENGTH);
    const links = await this.targets.load(key);
    const index = ALPHABET.indexOf(code[SHORT_KEY_LENGTH]);
    const target = links?.targets[index];
    if (!target) return null;
    if (!links.tracked) return target;
    const seen = this.pending.get(key) ?? { people: [], machine: 0 };
    const now = at.getTime();
    const recent = this.recent.get(key) ?? new Map<number, number>();
    const burst = isClickBurst(
      [...recent].map(([t, when]) => ({ target: t, at: when })),
      index,
      now,
    );
    if (burst) {
      // The person's clicks of the burst not written yet were the scanner's too.
      const caught = seen.people.filter((c) => Math.abs(now - c.at) <= CLICK_BURST_MS);
      seen.people = seen.people.filter((c) => Math.abs(now - c.at) > CLICK_BURST_MS);
      seen.machine += caught.length + 1;
    } else if (isMachineRequest(request) || isScannerTiming(links, at)) {
      seen.machine += 1;
    } else {
      seen.people.push({ target: index, at: now, url: target });
    }
    recent.set(index, Math.max(recent.get(index) ?? 0, now));
    this.recent.set(key, recent);
    if (!this.pending.has(key)) this.added += 1;
    this.pending.set(key, seen);
    // Deliveries clicked since the last write (a write keeps the youngest clicks: not the map's size).
    if (this.added >= CLICK_FLUSH_SIZE) void this.flushClicks(false);
    else this.timer ??= setTimeout(() => void this.flushClicks(false), CLICK_FLUSH_MS).unref();
    return target;
  }

  /**
   * Counts an open of a delivery's email (its pixel's key); false for a key that is not one of ours.
   * Untracked links (the client turned tracking off) count nothing.
   */
  async open(key: string, request: OpenRequest, at = new Date()): Promise<boolean> {
    if (!new RegExp(`^[0-9A-Za-z]{${SHORT_KEY_LENGTH}}$`).test(key)) return false;
    const links = await this.targets.load(key);
    if (!links) return false;
    if (!links.tracked) return true;
    const machine = isMachineOpen(request, links.sentAt ?? links.createdAt, at);
    const seen = this.pendingOpens.get(key) ?? { opens: 0, machine: 0, first: null, last: null };
    if (machine) seen.machine += 1;
    else {
      seen.opens += 1;
      seen.first ??= at;
      seen.last = at;
    }
    this.pendingOpens.set(key, seen);
    if (this.pendingOpens.size >= CLICK_FLUSH_SIZE) void this.flushClicks(false);
    else this.timer ??= setTimeout(() => void this.flushClicks(false), CLICK_FLUSH_MS).unref();
    return true;
  }

  /**
   * Writes the clicks and opens counted so far: all of them (`all`: at shutdown, and for whoever must
   * read them now), or on the timer only a person's clicks older than a burst (a younger one may yet
   * turn out to be a scanner's; it waits for the next write).
   */
  flushClicks(all = true): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.added = 0;
    const settledBefore = all ? Infinity : Date.now() - CLICK_BURST_MS;
    const rows: {
      key: string;
      clicks: number;
      machine: number;
      first: Date | null;
      last: Date | null;
      target: string | null;
    }[] = [];
    const waiting = new Map<string, PendingClicks>();
    for (const [key, c] of this.pending) {
      const written = c.people.filter((p) => p.at < settledBefore);
      const kept = c.people.filter((p) => p.at >= settledBefore);
      if (kept.length > 0) waiting.set(key, { people: kept, machine: 0 });
      if (written.length === 0 && c.machine === 0) continue;
      let first = Infinity;
      let last = -Infinity;
      let target: string | null = null;
      for (const p of written) {
        if (p.at < first) [first, target] = [p.at, p.url];
        last = Math.max(last, p.at);
      }
      rows.push({
        key,
        clicks: written.length,
        machine: c.machine,
        first: written.length ? new Date(first) : null,
        last: written.length ? new Date(last) : null,
        target,
      });
    }
    this.pending = waiting;
    if (waiting.size > 0) this.timer = setTimeout(() => void this.flushClicks(false), CLICK_FLUSH_MS).unref();
    const opens = this.pendingOpens;
    this.pendingOpens = new Map();
    this.flushing = this.flushing.then(async () => {
      if (opens.size > 0) await this.writeOpens(opens);
      if (rows.length === 0) return;
      try {
        // The deliveries' counts, their clients' engagement and a link.clicked event for each
        // delivery's first click by a person (machine clicks emit nothing), in one statement.
        await this.dataSource.query(
          `WITH counted AS (
             UPDATE delivery_links d
                SET clicks = d.clicks + c.clicks,
                    machine_clicks = d.machine_clicks + c.machine,
                    first_clicked_at = LEAST(d.first_clicked_at, c.first),
                    last_clicked_at = GREATEST(d.last_clicked_at, c.last)
               FROM jsonb_to_recordset($1::jsonb)
                    AS c(key text, clicks int, machine int, first timestamptz, last timestamptz, target text)
              WHERE d.key = c.key
          RETURNING d.delivery_id, c.clicks, c.machine, c.last, c.first, c.target,
                    c.clicks > 0 AND d.clicks = c.clicks AS first_human),
           events AS (${CLICK_EVENTS_SQL})
           INSERT INTO client_engagement AS e (client_id, last_click_at, clicks, machine_clicks)
           SELECT dv.client_id, max(counted.last), sum(counted.clicks), sum(counted.machine)
             FROM counted
             JOIN deliveries dv ON dv.id = counted.delivery_id
             JOIN clients cl ON cl.id = dv.client_id AND cl.erased_at IS NULL
            GROUP BY dv.client_id
               ON CONFLICT (client_id) DO UPDATE
              SET last_click_at = GREATEST(e.last_click_at, EXCLUDED.last_click_at),
                  clicks = e.clicks + EXCLUDED.clicks,
                  machine_clicks = e.machine_clicks + EXCLUDED.machine_clicks,
                  updated_at = now()`,
          [JSON.stringify(rows)],
        );
      } catch (e) {
        // The redirects happened; only their count is lost.
        this.logger.error({ err: e, clicks: rows.length }, 'Could not record clicks');
      }
    });
    return this.flushing;
  }

  /** The opens counted so far: the deliveries' counts and their clients' engagement, in one statement. */
  private async writeOpens(
    batch: Map<string, { opens: number; machine: number; first: Date | null; last: Date | null }>,
  ): Promise<void> {
    const rows = [...batch].map(([key, o]) => ({ key, ...o }));
    try {
      await this.dataSource.query(
        `WITH counted AS (
           UPDATE delivery_links d
              SET opens = d.opens + o.opens,
                  machine_opens = d.machine_opens + o.machine,
                  first_opened_at = LEAST(d.first_opened_at, o.first),
                  last_opened_at = GREATEST(d.last_opened_at, o.last)
             FROM jsonb_to_recordset($1::jsonb) AS o(key text, opens int, machine int, first timestamptz, last timestamptz)
            WHERE d.key = o.key
        RETURNING d.delivery_id, o.opens, o.machine, o.last)
         INSERT INTO client_engagement AS e (client_id, last_open_at, opens, machine_opens)
         SELECT dv.client_id, max(counted.last), sum(counted.opens), sum(counted.machine)
           FROM counted
           JOIN deliveries dv ON dv.id = counted.delivery_id
           JOIN clients cl ON cl.id = dv.client_id AND cl.erased_at IS NULL
          GROUP BY dv.client_id
             ON CONFLICT (client_id) DO UPDATE
            SET last_open_at = GREATEST(e.last_open_at, EXCLUDED.last_open_at),
                opens = e.opens + EXCLUDED.opens,
                machine_opens = e.machine_opens + EXCLUDED.machine_opens,
                updated_at = now()`,
        [JSON.stringify(rows)],
      );
    } catch (e) {
      this.logger.error({ err: e, opens: rows.length }, 'Could not record opens');
    }
  }

  /** Before the database closes: the clicks counted since the last write. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flushClicks();
  }

  private async load(keys: readonly string[]): Promise<(ResolvedLinks | null)[]> {
    const rows: {
      key: string;
      targets: string[];
      tracked: boolean;
      created_at: Date;
      sent_at: Date | null;
      delivered_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT l.key, l.targets, l.tracked, l.created_at, d.sent_at, d.delivered_at
         FROM delivery_links l LEFT JOIN deliveries d ON d.id = l.delivery_id
        WHERE l.key = ANY($1::text[])`,
      [keys],
    );
    const found = new Map(
      rows.map((r) => [
        r.key,
        {
          targets: r.targets,
          tracked: r.tracked,
          createdAt: r.created_at,
          // Not sent yet when it was looked up (a scanner racing the dispatcher): about when it was made.
          sentAt: r.sent_at ?? r.created_at,
          deliveredAt: r.delivered_at,
        },
      ]),
    );
    return keys.map((k) => found.get(k) ?? null);
  }
}

/** A delivery's short links as the redirect needs them. */
interface ResolvedLinks {
  targets: string[];
  tracked: boolean;
  /** When the message was made. */
  createdAt: Date;
  /** When it was sent (when made, if not yet): a click or an open right after is a scanner's. */
  sentAt: Date;
  deliveredAt: Date | null;
}

/** A Map that forgets its oldest entries past `limit` (DataLoader's cache, bounded). */
class BoundedCache<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }
}

function randomKey(): string {
  // 248 = 4 × 62: bytes from 248 up would favour the first characters; they are skipped.
  let key = '';
  while (key.length < SHORT_KEY_LENGTH) {
    for (const b of randomBytes(16)) {
      if (b < 248 && key.length < SHORT_KEY_LENGTH) key += ALPHABET[b % 62];
    }
  }
  return key;
}

/** link.clicked for the deliveries of `counted` clicked by a person for the first time. */
const CLICK_EVENTS_SQL = outboxInsertSql(`
  SELECT '${WebhookEventType.LinkClicked}'::text AS type, dv.client_id,
         jsonb_build_object('deliveryId', dv.id::text, 'clientId', dv.client_id, 'externalRef', cl.external_ref,
                            'runId', dv.run_id, 'campaignId', dv.campaign_id, 'channel', dv.channel,
                            'url', counted.target, 'clickedAt', counted.first) AS payload
    FROM counted
    JOIN deliveries dv ON dv.id = counted.delivery_id
    JOIN clients cl ON cl.id = dv.client_id AND cl.erased_at IS NULL
   WHERE counted.first_human
   ORDER BY counted.first, dv.id`);
