import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { rowsOf } from '@touchbase/database';
import { WebhookDisabledReason } from './webhook.enums';
import { WebhookDisabledNotice } from './webhook-disabled.notice';
import { webhookHeaders } from './webhook-signature';

const FAN_OUT_BATCH = 1000;
/** POSTs a worker has in flight at most (and the batch of deliverDue). */
const CLAIM_BATCH = 100;
/**
 * Batches a worker works on at once, of LANE_BATCH each: while some lanes wait on the database
 * (claiming, recording), the others' POSTs are on the wire — at most CLAIM_BATCH of them.
 */
export const WEBHOOK_LANES = 4;
const LANE_BATCH = 50;
/** How often the first lane looks for new outbox events while the lanes are busy. */
const FAN_OUT_EVERY_MS = 200;
const MAX_RETRY_DELAY_MS = 6 * 3_600_000;

/**
 * A CTE that makes its statement's own commit asynchronous (no wait for the WAL flush, which costs
 * milliseconds on every claim and record). Safe here, and only here: delivery is at least once. A
 * commit lost in a database crash is a lease that never was (the delivery is due again) or a
 * "delivered" that was not kept (the event goes once more, with the same webhook-id); the events
 * themselves are written by the changes' own transactions, with synchronous commits.
 */
const ASYNC_COMMIT = `async_commit AS (SELECT set_config('synchronous_commit', 'off', true) AS v)`;

interface Claimed {
  id: string;
  event_id: string;
  type: string;
  payload: unknown;
  created_at: Date;
  url: string;
  secret: string;
  endpoint_id: string;
  attempts: number;
  failing: boolean;
}

interface Outcome {
  id: string;
  ok: boolean;
  code: number | null;
  error: string | null;
  delay_ms: number;
}

/**
 * Fans the outbox out to the endpoints and POSTs what is due. Workers are kept apart by the database
 * (SKIP LOCKED and a lease with a claim token); a worker that dies leaves its claims to expire, so an
 * event may arrive twice (same webhook-id) but never not at all. A client's events reach an endpoint in
 * order: one is not sent while an earlier one waits for a retry.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly notice: WebhookDisabledNotice,
  ) {}

  /** Turns outbox events into one delivery per active endpoint that takes their type. */
  async fanOut(maxBatches = Infinity): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const rows = await this.dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL synchronous_commit = off`);
        const claimed: { sequence: string }[] = await m.query(
          `SELECT sequence FROM webhook_outbox WHERE fanned_out_at IS NULL
            ORDER BY sequence LIMIT ${FAN_OUT_BATCH} FOR UPDATE SKIP LOCKED`,
        );
        if (claimed.length === 0) return 0;
        const seqs = claimed.map((r) => r.sequence);
        await m.query(
          `INSERT INTO webhook_deliveries (endpoint_id, event_sequence, client_id)
           SELECT e.id, o.sequence, o.client_id
             FROM webhook_outbox o
             JOIN webhook_endpoints e ON e.active AND (cardinality(e.event_types) = 0 OR o.type = ANY(e.event_types))
            WHERE o.sequence = ANY($1::bigint[]) AND o.type <> 'webhook.ping'
           ON CONFLICT (endpoint_id, event_sequence) DO NOTHING`,
          [seqs],
        );
        await m.query(`UPDATE webhook_outbox SET fanned_out_at = now() WHERE sequence = ANY($1::bigint[])`, [
          seqs,
        ]);
        return claimed.length;
      });
      total += rows;
      if (rows < FAN_OUT_BATCH) return total;
    }
    return total;
  }

  /** One pass: fan out, then claim a batch and POST it. Returns how many deliveries were attempted. */
  async deliverDue(limit = CLAIM_BATCH): Promise<number> {
    await this.fanOut();
    return this.claimAndPost(limit);
  }

  /**
   * Delivers until nothing is due, in WEBHOOK_LANES concurrent lanes of LANE_BATCH claims, with at
   * most CLAIM_BATCH POSTs on the wire (the first lane fans new outbox events out every
   * FAN_OUT_EVERY_MS). A client's order holds across lanes: a delivery in flight is still pending, so
   * the client's next one is not claimed before it is recorded.
   * Returns how many deliveries were attempted.
   */
  async deliverAll(shouldStop: () => boolean = () => false): Promise<number> {
    let total = 0;
    let busy = 0;
    let fannedAt = Date.now();
    // A long outbox is fanned out a batch at a time by the first lane while the others deliver.
    let more = (await this.fanOut(1)) === FAN_OUT_BATCH;
    const slots = new Slots(CLAIM_BATCH);
    const lane = async (first: boolean): Promise<void> => {
      while (!shouldStop()) {
        if (first && (more || Date.now() - fannedAt >= FAN_OUT_EVERY_MS)) {
          more = (await this.fanOut(1)) === FAN_OUT_BATCH;
          fannedAt = Date.now();
        }
        busy += 1;
        let n = 0;
        try {
          n = await this.claimAndPost(LANE_BATCH, slots);
        } finally {
          busy -= 1;
        }
        total += n;
        if (n > 0) continue;
        // Nothing claimable now: done, unless another lane is still posting (what it records may let
        // a client's next event go).
        if (busy === 0 && !more) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await Promise.all(Array.from({ length: WEBHOOK_LANES }, (_, i) => lane(i === 0)));
    return total;
  }

  /** Claims up to `limit` due deliveries under a lease, POSTs them and records the outcomes. */
  async claimAndPost(limit = CLAIM_BATCH, slots?: Slots): Promise<number> {
    const token = randomUUID();
    const { timeoutMs } = this.config.webhooks;
    const claimed = rowsOf<Claimed>(
      await this.dataSource.query(
        `WITH ${ASYNC_COMMIT}, c AS (
         SELECT d.id FROM webhook_deliveries d
           JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.active
          WHERE d.status IN ('pending', 'failed') AND d.next_attempt_at <= now()
            AND (d.locked_until IS NULL OR d.locked_until < now())
            AND (d.client_id IS NULL OR NOT EXISTS (
                  SELECT 1 FROM webhook_deliveries p
                   WHERE p.endpoint_id = d.endpoint_id AND p.client_id = d.client_id
                     AND p.event_sequence < d.event_sequence AND p.status IN ('pending', 'failed')))
          ORDER BY d.event_sequence
          LIMIT $1
          FOR UPDATE OF d SKIP LOCKED)
       UPDATE webhook_deliveries d
          SET locked_until = now() + $3 * interval '1 millisecond', claim_token = $2
         FROM c, async_commit, webhook_outbox o, webhook_endpoints e
        WHERE d.id = c.id AND o.sequence = d.event_sequence AND e.id = d.endpoint_id
       RETURNING d.id::text, o.event_id, o.type, o.payload, o.created_at, e.url, e.secret, e.id AS endpoint_id, d.attempts,
                 e.failing_since IS NOT NULL AS failing`,
        [limit, token, timeoutMs * 2 + 30_000],
      ),
    );
    if (claimed.length === 0) return 0;
    const outcomes = await Promise.all(
      claimed.map(async (c) => {
        await slots?.take();
        try {
          return await this.post(c, timeoutMs);
        } finally {
          slots?.give();
        }
      }),
    );
    await this.record(token, outcomes, claimed);
    return claimed.length;
  }

  private async post(c: Claimed, timeoutMs: number): Promise<Outcome> {
    const body = JSON.stringify({
      id: c.event_id,
      type: c.type,
      timestamp: new Date(c.created_at).toISOString(),
      data: c.payload,
    });
    const base = this.config.webhooks.retryBaseMs;
    const delay = Math.min(base * 2 ** c.attempts, MAX_RETRY_DELAY_MS) * (0.5 + Math.random() * 0.5);
    try {
      const res = await fetch(c.url, {
        method: 'POST',
        headers: webhookHeaders(c.secret, c.event_id, body),
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      const ok = res.status >= 200 && res.status < 300;
      return { id: c.id, ok, code: res.status, error: ok ? null : `HTTP ${res.status}`, delay_ms: delay };
    } catch (e) {
      const err = e as Error;
      const message = err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : err.message;
      return { id: c.id, ok: false, code: null, error: message.slice(0, 500), delay_ms: delay };
    }
  }

  private async record(token: string, outcomes: Outcome[], claimed: Claimed[]): Promise<void> {
    const { retryForMs, disableAfterMs } = this.config.webhooks;
    await this.dataSource.query(
      `WITH ${ASYNC_COMMIT}
       UPDATE webhook_deliveries d SET
          status = CASE WHEN r.ok THEN 'delivered'
                        WHEN now() - d.due_since > $3 * interval '1 millisecond' THEN 'dead' ELSE 'failed' END,
          attempts = d.attempts + 1, last_attempt_at = now(), last_status_code = r.code, last_error = r.error,
          delivered_at = CASE WHEN r.ok THEN now() END,
          next_attempt_at = CASE WHEN r.ok THEN d.next_attempt_at ELSE now() + r.delay_ms * interval '1 millisecond' END,
          locked_until = NULL, claim_token = NULL
         FROM async_commit,
              jsonb_to_recordset($1::jsonb) AS r(id bigint, ok boolean, code integer, error text, delay_ms double precision)
        WHERE d.id = r.id AND d.claim_token = $2`,
      [JSON.stringify(outcomes), token, retryForMs],
    );
    const endpointOf = new Map(claimed.map((c) => [c.id, c.endpoint_id]));
    const failing = new Set(claimed.filter((c) => c.failing).map((c) => c.endpoint_id));
    const okEndpoints = [...new Set(outcomes.filter((o) => o.ok).map((o) => endpointOf.get(o.id)))];
    const failedEndpoints = [
      ...new Set(outcomes.filter((o) => !o.ok).map((o) => endpointOf.get(o.id))),
    ].filter((id) => !okEndpoints.includes(id));
    // An endpoint that was failing and answered again (the usual case, not failing: no statement).
    if (okEndpoints.some((id) => id !== undefined && failing.has(id))) {
      await this.dataSource.query(
        `UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ANY($1::uuid[]) AND failing_since IS NOT NULL`,
        [okEndpoints],
      );
    }
    if (failedEndpoints.length > 0) {
      await this.dataSource.query(
        `UPDATE webhook_endpoints SET failing_since = now() WHERE id = ANY($1::uuid[]) AND failing_since IS NULL`,
        [failedEndpoints],
      );
      const disabled = rowsOf<{ id: string; url: string; failing_since: Date; last_error: string | null }>(
        await this.dataSource.query(
          `UPDATE webhook_endpoints e SET active = false, disabled_at = now(),
                  disabled_reason = '${WebhookDisabledReason.Failing}', updated_at = now()
            WHERE id = ANY($1::uuid[]) AND active AND failing_since < now() - $2 * interval '1 millisecond'
        RETURNING id, url, failing_since,
                  (SELECT d.last_error FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.last_error IS NOT NULL
                    ORDER BY d.event_sequence DESC LIMIT 1) AS last_error`,
          [failedEndpoints, disableAfterMs],
        ),
      );
      for (const d of disabled) {
        await this.notice.notify({
          id: d.id,
          url: d.url,
          failingSince: d.failing_since,
          lastError: d.last_error,
        });
      }
    }
  }
}

/** A counting semaphore: at most `free` POSTs on the wire across the lanes. */
class Slots {
  private readonly waiting: (() => void)[] = [];

  constructor(private free: number) {}

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}
