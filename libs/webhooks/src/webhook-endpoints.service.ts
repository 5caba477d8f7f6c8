import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { NotFoundException, ValidationException } from '@touchbase/core';
import {
  CreateWebhookEndpointDto,
  ReplayWebhooksDto,
  UpdateWebhookEndpointDto,
  WebhookDeliveryDto,
  WebhookEndpointDto,
  WebhookEndpointWithSecretDto,
} from './dto/webhook.dto';
import { generateWebhookSecret } from './webhook-signature';
import { WebhookDeliveryStatus, WebhookDisabledReason, WebhookEventType } from './webhook.enums';

const COLUMNS = `id, url, description, event_types, active, disabled_at, disabled_reason, failing_since, created_at,
  (SELECT d.last_error FROM webhook_deliveries d
    WHERE d.endpoint_id = webhook_endpoints.id AND d.last_error IS NOT NULL
      AND d.status IN ('${WebhookDeliveryStatus.Failed}', '${WebhookDeliveryStatus.Dead}')
    ORDER BY d.event_sequence DESC LIMIT 1) AS last_error`;

// What the list shows of each endpoint's log: its newest delivered event, its newest failing one.
const SELECT_ENDPOINTS = `
  SELECT e.id, e.url, e.description, e.event_types, e.active, e.disabled_at, e.disabled_reason,
         e.failing_since, e.created_at, ok.delivered_at AS last_success_at,
         bad.last_attempt_at AS last_failure_at, bad.last_status_code AS last_failure_status_code,
         bad.last_error
    FROM webhook_endpoints e
    LEFT JOIN LATERAL (
      SELECT d.delivered_at FROM webhook_deliveries d
       WHERE d.endpoint_id = e.id AND d.status = '${WebhookDeliveryStatus.Delivered}'
       ORDER BY d.event_sequence DESC LIMIT 1) ok ON true
    LEFT JOIN LATERAL (
      SELECT d.last_attempt_at, d.last_status_code, d.last_error FROM webhook_deliveries d
       WHERE d.endpoint_id = e.id AND d.last_attempt_at IS NOT NULL
         AND d.status IN ('${WebhookDeliveryStatus.Failed}', '${WebhookDeliveryStatus.Dead}')
       ORDER BY d.event_sequence DESC LIMIT 1) bad ON true`;

const iso = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);

function toDto(r: Record<string, unknown>): WebhookEndpointDto {
  return {
    id: r.id as string,
    url: r.url as string,
    description: (r.description as string | null) ?? null,
    eventTypes: r.event_types as WebhookEventType[],
    active: r.active as boolean,
    disabledAt: iso(r.disabled_at),
    disabledReason: (r.disabled_reason as WebhookDisabledReason | null) ?? null,
    failingSince: iso(r.failing_since),
    lastError: (r.last_error as string | null) ?? null,
    createdAt: iso(r.created_at) as string,
    lastSuccessAt: iso(r.last_success_at),
    lastFailureAt: iso(r.last_failure_at),
    lastFailureStatusCode: (r.last_failure_status_code as number | null | undefined) ?? null,
  };
}

// Loopback, private, link-local and unique-local ranges (a literal address in the URL).
const PRIVATE_HOST =
  /^(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|0\.|\[?::1\]?$|\[?f[cd]|\[?fe80)/i;

/** The admin's side of webhooks: endpoints, their delivery log, replays and a test ping. */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  private checkUrl(url: string): void {
    const host = new URL(url).hostname;
    if (
      !this.config.webhooks.allowPrivateUrls &&
      (PRIVATE_HOST.test(host) || (isIP(host) === 0 && !host.includes('.')))
    ) {
      throw new ValidationException('The URL points at a private address', [
        {
          field: 'url',
          messages: [`${host} is a loopback or private address (WEBHOOK_ALLOW_PRIVATE_URLS is off)`],
        },
      ]);
    }
  }

  async list(): Promise<WebhookEndpointDto[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `${SELECT_ENDPOINTS} ORDER BY e.created_at, e.id`,
    );
    return rows.map(toDto);
  }

  async get(id: string): Promise<WebhookEndpointDto> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `${SELECT_ENDPOINTS} WHERE e.id = $1`,
      [id],
    );
    if (rows.length === 0) throw new NotFoundException('Webhook endpoint', id);
    return toDto(rows[0]);
  }

  async create(dto: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecretDto> {
    this.checkUrl(dto.url);
    const secret = generateWebhookSecret();
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `INSERT INTO webhook_endpoints (url, description, secret, event_types) VALUES ($1, $2, $3, $4)
       RETURNING ${COLUMNS}`,
      [dto.url, dto.description ?? null, secret, dto.eventTypes ?? []],
    );
    return { ...toDto(rows[0]), secret };
  }

  async update(id: string, dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointDto> {
    await this.get(id);
    if (dto.url !== undefined) this.checkUrl(dto.url);
    await this.dataSource.query(
      `UPDATE webhook_endpoints SET
          url = coalesce($2, url), description = coalesce($3, description),
          event_types = coalesce($4, event_types),
          active = coalesce($5, active),
          disabled_at = CASE WHEN $5 IS NULL THEN disabled_at WHEN $5 THEN NULL ELSE coalesce(disabled_at, now()) END,
          disabled_reason = CASE WHEN $5 IS NULL THEN disabled_reason WHEN $5 THEN NULL
                                 ELSE coalesce(disabled_reason, '${WebhookDisabledReason.Manual}') END,
          failing_since = CASE WHEN $5 THEN NULL ELSE failing_since END,
          updated_at = now()
        WHERE id = $1`,
      [id, dto.url ?? null, dto.description ?? null, dto.eventTypes ?? null, dto.active ?? null],
    );
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.dataSource.query(`DELETE FROM webhook_endpoints WHERE id = $1`, [id]);
  }

  async rotateSecret(id: string): Promise<WebhookEndpointWithSecretDto> {
    const endpoint = await this.get(id);
    const secret = generateWebhookSecret();
    await this.dataSource.query(
      `UPDATE webhook_endpoints SET secret = $2, updated_at = now() WHERE id = $1`,
      [id, secret],
    );
    return { ...endpoint, secret };
  }

  async deliveries(id: string, status?: WebhookDeliveryStatus): Promise<WebhookDeliveryDto[]> {
    await this.get(id);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT d.id::text, o.event_id, o.type, d.client_id, d.status, d.attempts, d.next_attempt_at,
              d.last_status_code, d.last_error, d.delivered_at, o.created_at
         FROM webhook_deliveries d JOIN webhook_outbox o ON o.sequence = d.event_sequence
        WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2)
        ORDER BY d.event_sequence DESC LIMIT 200`,
      [id, status ?? null],
    );
    return rows.map((r) => ({
      id: r.id as string,
      eventId: r.event_id as string,
      type: r.type as WebhookEventType,
      clientId: (r.client_id as string | null) ?? null,
      status: r.status as WebhookDeliveryStatus,
      attempts: r.attempts as number,
      nextAttemptAt: iso(r.next_attempt_at) as string,
      lastStatusCode: (r.last_status_code as number | null) ?? null,
      lastError: (r.last_error as string | null) ?? null,
      deliveredAt: iso(r.delivered_at),
      createdAt: iso(r.created_at) as string,
    }));
  }

  /** Sends one event, or every event of a time range the endpoint takes, again (same webhook-ids). */
  async replay(id: string, dto: ReplayWebhooksDto): Promise<{ queued: number }> {
    await this.get(id);
    const byEvent = dto.eventId !== undefined;
    if (
      byEvent === (dto.from !== undefined || dto.to !== undefined) ||
      (!byEvent && (!dto.from || !dto.to))
    ) {
      throw new ValidationException('Name what to replay: eventId, or from and to', [
        { field: 'eventId', messages: ['give eventId, or both from and to (not both ways)'] },
      ]);
    }
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO webhook_deliveries (endpoint_id, event_sequence, client_id)
       SELECT e.id, o.sequence, o.client_id
         FROM webhook_outbox o JOIN webhook_endpoints e ON e.id = $1
        WHERE ${byEvent ? 'o.event_id = $2' : 'o.created_at >= $2 AND o.created_at < $3'}
          AND (${byEvent ? 'true' : `cardinality(e.event_types) = 0 OR o.type = ANY(e.event_types)`})
       ON CONFLICT (endpoint_id, event_sequence) DO UPDATE SET
          status = 'pending', attempts = 0, next_attempt_at = now(), due_since = now(),
          locked_until = NULL, claim_token = NULL, last_error = NULL
       RETURNING id`,
      byEvent ? [id, dto.eventId] : [id, dto.from, dto.to],
    );
    if (byEvent && rows.length === 0) throw new NotFoundException('Webhook event', dto.eventId as string);
    return { queued: rows.length };
  }

  /** A webhook.ping event for this endpoint only. */
  async ping(id: string): Promise<{ queued: number }> {
    await this.get(id);
    await this.dataSource.query(
      `WITH o AS (INSERT INTO webhook_outbox (type, payload, fanned_out_at) VALUES ($2, $3, now()) RETURNING sequence)
       INSERT INTO webhook_deliveries (endpoint_id, event_sequence) SELECT $1, sequence FROM o`,
      [id, WebhookEventType.Ping, JSON.stringify({ endpointId: id })],
    );
    return { queued: 1 };
  }
}
