import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { normalizeEmail, normalizePhone } from '@touchbase/clients';
import { AppConfig } from '@touchbase/config';
import { Channel } from '@touchbase/core';
import { SUPPRESSION_CHANNELS, SuppressionChannel, SuppressionReason } from './suppression.enums';

export interface SuppressionEntry {
  channel: SuppressionChannel;
  /** Normalised: lower-cased email or E.164 (see normalizeAddress). */
  address: string;
  reason: SuppressionReason;
  source?: string | null;
  note?: string | null;
  createdBy?: string | null;
  /** When the address was first suppressed (imports keep the previous provider's date). */
  createdAt?: Date | null;
}

export interface SuppressionRow {
  id: string;
  channel: SuppressionChannel;
  address: string;
  reason: SuppressionReason;
  source: string | null;
  note: string | null;
  created_at: Date;
  created_by: string | null;
  removed_at: Date | null;
  removed_reason: string | null;
  removed_by: string | null;
}

export interface SuppressionFilter {
  channel?: SuppressionChannel;
  reason?: SuppressionReason;
  search?: string;
  /** Also the removed entries (their history). */
  includeRemoved?: boolean;
}

export interface ImportRow {
  channel?: string;
  address?: string;
  reason?: string;
  note?: string;
  createdAt?: string;
}

const COLUMNS = `id::text, channel, address, reason, source, note, created_at, created_by, removed_at, removed_reason, removed_by`;

// Idempotent: an address already suppressed on the channel keeps its first entry.
const INSERT_SQL = `
  INSERT INTO suppressions (channel, address, reason, source, note, created_by, created_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::timestamptz[])
  ON CONFLICT (channel, address) WHERE removed_at IS NULL DO NOTHING
  RETURNING ${COLUMNS}`;

/**
 * The suppression list: the one place that says an address or number must not be contacted. The
 * planner and the send-time re-check read it through suppressedSql; bounces, complaints and STOP
 * feed it through add / addForClient.
 */
@Injectable()
export class SuppressionService {
  private readonly logger = new Logger('Suppression');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Lower-cased email, or the phone in E.164 read in the workspace's region; an error message if not valid. */
  normalizeAddress(
    channel: SuppressionChannel,
    raw: string,
  ): { ok: true; value: string } | { ok: false; message: string } {
    return channel === Channel.Email
      ? normalizeEmail(raw)
      : normalizePhone(raw, this.config.workspace.phoneRegion);
  }

  /** Adds entries; those already active are left as they are. Returns the rows added. */
  async add(
    entries: SuppressionEntry[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<SuppressionRow[]> {
    if (entries.length === 0) return [];
    const rows: SuppressionRow[] = await manager.query(INSERT_SQL, [
      entries.map((e) => e.channel),
      entries.map((e) => e.address),
      entries.map((e) => e.reason),
      entries.map((e) => e.source ?? null),
      entries.map((e) => e.note ?? null),
      entries.map((e) => e.createdBy ?? null),
      entries.map((e) => (e.createdAt ?? new Date()).toISOString()),
    ]);
    for (const r of rows) this.logger.log(`Suppressed ${r.channel} ${r.address} (${r.reason})`);
    return rows;
  }

  /** Suppresses the client's own address for the channel (none when it has no address). */
  async addForClient(
    clientId: string,
    channel: SuppressionChannel,
    reason: SuppressionReason,
    details: { source?: string; note?: string },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<SuppressionRow[]> {
    const [client]: { email: string | null; phone: string | null }[] = await manager.query(
      `SELECT email, phone FROM clients WHERE id = $1`,
      [clientId],
    );
    const address = channel === Channel.Email ? client?.email?.toLowerCase() : client?.phone;
    if (!address) return [];
    return this.add([{ channel, address, reason, ...details }], manager);
  }

  /** Lifts the active entry of an address (START from the number), keeping it as history. */
  async liftAddress(
    channel: SuppressionChannel,
    address: string,
    reason: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<number> {
    const [, count]: [unknown[], number] = await manager.query(
      `UPDATE suppressions SET removed_at = now(), removed_reason = $3
        WHERE channel = $1 AND address = $2 AND removed_at IS NULL RETURNING id`,
      [channel, address, reason],
    );
    return count;
  }

  async get(id: string): Promise<SuppressionRow> {
    const [row]: SuppressionRow[] = /^\d{1,18}$/.test(id)
      ? await this.dataSource.query(`SELECT ${COLUMNS} FROM suppressions WHERE id = $1`, [id])
      : [];
    if (!row) throw new NotFoundException(`Suppression ${id} not found`);
    return row;
  }

  /** Removes an entry: the address may be contacted again. A reason is required; the row stays as history. */
  async remove(id: string, reason: string, staffId: string | null): Promise<SuppressionRow> {
    if (!reason.trim()) throw new BadRequestException('reason: say why the address may be contacted again');
    const row = await this.get(id);
    if (row.removed_at) throw new BadRequestException(`Suppression ${id} was already removed`);
    const [updated]: [SuppressionRow[], number] = await this.dataSource.query(
      `UPDATE suppressions SET removed_at = now(), removed_reason = $2, removed_by = $3
        WHERE id = $1 AND removed_at IS NULL RETURNING ${COLUMNS}`,
      [id, reason.trim(), staffId],
    );
    return updated[0] ?? (await this.get(id));
  }

  /** A page of the list, newest first (cursor: the last id of the previous page). */
  async list(
    filter: SuppressionFilter,
    page: { limit?: number; cursor?: string },
  ): Promise<{ items: SuppressionRow[]; nextCursor: string | null }> {
    const limit = page.limit ?? 50;
    if (page.cursor !== undefined && !/^\d{1,18}$/.test(page.cursor))
      throw new BadRequestException('cursor: pass the nextCursor of the previous page');
    const { where, params } = this.where(filter);
    if (page.cursor) {
      params.push(page.cursor);
      where.push(`id < $${params.length}`);
    }
    params.push(limit + 1);
    const rows: SuppressionRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM suppressions WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }

  /** The whole filtered list (for the CSV export), newest first. */
  async all(filter: SuppressionFilter): Promise<SuppressionRow[]> {
    const { where, params } = this.where(filter);
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM suppressions WHERE ${where.join(' AND ')} ORDER BY id DESC`,
      params,
    );
  }

  /**
   * Imports a previous provider's list: each row is checked on its own; bad rows are reported with
   * their number (1 = the first data row) and the good ones kept. Addresses already suppressed are
   * counted as duplicates, so importing the same list twice changes nothing.
   */
  async import(
    rows: ImportRow[],
    staffId: string | null,
    source: string,
  ): Promise<{ added: number; duplicates: number; errors: { row: number; message: string }[] }> {
    const errors: { row: number; message: string }[] = [];
    const entries = new Map<string, SuppressionEntry>();
    rows.forEach((r, i) => {
      const row = i + 1;
      const channel = (r.channel ?? '').trim().toLowerCase() as SuppressionChannel;
      if (!SUPPRESSION_CHANNELS.includes(channel))
        return errors.push({
          row,
          message: `channel: "${r.channel ?? ''}" is not one of ${SUPPRESSION_CHANNELS.join(', ')}`,
        });
      const address = this.normalizeAddress(channel, r.address ?? '');
      if (!address.ok) return errors.push({ row, message: `address: ${address.message}` });
      const reason = (r.reason?.trim() || SuppressionReason.Imported) as SuppressionReason;
      if (!Object.values(SuppressionReason).includes(reason))
        return errors.push({
          row,
          message: `reason: "${r.reason}" is not one of ${Object.values(SuppressionReason).join(', ')}`,
        });
      let createdAt: Date | null = null;
      if (r.createdAt?.trim()) {
        createdAt = new Date(r.createdAt.trim());
        if (Number.isNaN(createdAt.getTime()) || createdAt.getTime() > Date.now())
          return errors.push({ row, message: `createdAt: "${r.createdAt}" is not a past date` });
      }
      entries.set(`${channel}|${address.value}`, {
        channel,
        address: address.value,
        reason,
        note: r.note?.trim().slice(0, 1000) || null,
        source,
        createdBy: staffId,
        createdAt,
      });
    });
    const added = await this.add([...entries.values()]);
    return { added: added.length, duplicates: rows.length - errors.length - added.length, errors };
  }

  private where(filter: SuppressionFilter): { where: string[]; params: unknown[] } {
    const where: string[] = [filter.includeRemoved ? 'true' : 'removed_at IS NULL'];
    const params: unknown[] = [];
    if (filter.channel) {
      params.push(filter.channel);
      where.push(`channel = $${params.length}`);
    }
    if (filter.reason) {
      params.push(filter.reason);
      where.push(`reason = $${params.length}`);
    }
    if (filter.search?.trim()) {
      params.push(
        `%${filter.search
          .trim()
          .toLowerCase()
          .replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`,
      );
      where.push(`(address LIKE $${params.length} OR lower(COALESCE(note, '')) LIKE $${params.length})`);
    }
    return { where, params };
  }
}
