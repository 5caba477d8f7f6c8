import { Injectable } from '@nestjs/common';
import { validateSync } from 'class-validator';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { rowsOf } from '@touchbase/database';
import { flattenValidationErrors } from '@touchbase/http';
import { emit, WebhookEvent, WebhookEventType } from '@touchbase/webhooks';
import { ClientOwnerChangeHooks } from './client.hooks';
import {
  ARCHIVE_CLIENTS_BY_REF,
  FIND_CLIENTS_BY_REF,
  SyncColumn,
  UPSERT_CLIENTS_BY_REF,
} from './client-sync.sql';
import { ClientsService } from './clients.service';
import { classifyPhone, normalizeCountry, normalizeTags } from './contact-normalizer';
import { AddressDto } from './dto/client.dto';
import {
  ClientRemovalMode,
  RemoveClientsResultDto,
  SyncClientItemDto,
  SyncClientsResultDto,
  SyncRecordErrorDto,
} from './dto/client-sync.dto';

/** Serialises bulk writes of clients with each other and with client imports (the same lock). */
const LOCK_CLIENT_BATCHES = `SELECT pg_advisory_xact_lock(hashtext('touchbase.import.clients'))`;

/** One record for UPSERT_CLIENTS_BY_REF: the columns it gives, and their values. */
interface SyncRecord {
  pos: number;
  external_ref: string;
  present: SyncColumn[];
  archived: boolean | null;
  [column: string]: unknown;
}

interface UpsertRow {
  status: 'created' | 'updated' | 'unchanged' | 'no-name';
  pos: number;
  id: string | null;
  external_ref: string | null;
  stage: string | null;
  category: string | null;
  archived: boolean | null;
  changed: string[] | null;
  owner_changed: boolean;
  owner_id: string | null;
}

interface StaffRow {
  id: string;
  email: string;
}

/**
 * Changes in from a CRM or ERP: clients upserted and removed in bulk by their external reference.
 * Records are validated one by one (class-validator, then the same normalisation as the clients
 * API); the good ones are written with one set-based statement and their webhook events in the same
 * transaction; the bad ones come back by index, field and reason.
 */
@Injectable()
export class ClientSyncService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clients: ClientsService,
    private readonly ownerHooks: ClientOwnerChangeHooks,
  ) {}

  async upsert(items: unknown[], actorId: string | null): Promise<SyncClientsResultDto> {
    const errors: SyncRecordErrorDto[] = [];
    const failed = new Set<number>();
    const fail = (index: number, externalRef: string | null, field: string, message: string) => {
      failed.add(index);
      errors.push({ index, externalRef, field, message });
    };
    const staff = rowsOf<StaffRow>(
      await this.dataSource.query(`SELECT id, lower(email) AS email FROM staff_members`),
    );
    const staffIds = new Set(staff.map((s) => s.id));
    const staffByEmail = new Map(staff.map((s) => [s.email, s.id]));
    const seen = new Map<string, number>();
    const records: SyncRecord[] = [];
    items.forEach((raw, index) => {
      const record = this.toRecord(raw, index, { staffIds, staffByEmail }, fail);
      if (!record) return;
      const first = seen.get(record.external_ref);
      if (first !== undefined) {
        fail(
          index,
          record.external_ref,
          'externalRef',
          `externalRef ${record.external_ref} is also record ${first}; one record per reference`,
        );
        return;
      }
      seen.set(record.external_ref, index);
      records.push(record);
    });

    const result: SyncClientsResultDto = {
      total: items.length,
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors,
    };
    if (records.length > 0) {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(LOCK_CLIENT_BATCHES);
        await manager.query(`SET LOCAL jit = off`);
        const rows = rowsOf<UpsertRow>(
          await manager.query(UPSERT_CLIENTS_BY_REF, [
            JSON.stringify(records),
            this.config.workspace.locale,
            actorId,
          ]),
        );
        const answered = new Set<number>();
        const events: (WebhookEvent & { pos: number })[] = [];
        const movedTo = new Map<string | null, string[]>();
        for (const row of rows) {
          answered.add(row.pos);
          if (row.status === 'no-name') {
            fail(
              row.pos,
              row.external_ref,
              'name',
              'name is required for a new client (no client has this externalRef)',
            );
            continue;
          }
          result[row.status] += 1;
          if (row.status === 'unchanged' || !row.id) continue;
          const payload: Record<string, unknown> = {
            clientId: row.id,
            externalRef: row.external_ref,
            stage: row.stage,
            category: row.category,
            archived: row.archived,
          };
          if (row.status === 'created') {
            events.push({ pos: row.pos, type: WebhookEventType.ClientCreated, clientId: row.id, payload });
          } else {
            events.push({
              pos: row.pos,
              type: WebhookEventType.ClientUpdated,
              clientId: row.id,
              payload: { ...payload, changed: row.changed ?? [] },
            });
            if (row.owner_changed) movedTo.set(row.owner_id, [...(movedTo.get(row.owner_id) ?? []), row.id]);
          }
        }
        // A reference taken by a concurrent single create between our lock and our insert.
        for (const r of records) {
          if (!answered.has(r.pos)) {
            fail(
              r.pos,
              r.external_ref,
              'externalRef',
              'the client was created concurrently by another request; send the record again',
            );
          }
        }
        // Open call tasks follow their client to its new owner, as with a single change.
        for (const [ownerId, ids] of movedTo) await this.ownerHooks.run(manager, ids, ownerId);
        events.sort((a, b) => a.pos - b.pos);
        await emit(
          manager,
          events.map(({ type, clientId, payload }) => ({ type, clientId, payload })),
        );
      });
    }
    errors.sort((a, b) => a.index - b.index);
    result.failed = failed.size;
    return result;
  }

  /**
   * "Deleted in the CRM": archived (kept for history and reports, never contacted), or erased (the
   * right to erasure, irreversible). Unknown references are reported, never fatal.
   */
  async remove(externalRefs: string[], mode: ClientRemovalMode): Promise<RemoveClientsResultDto> {
    const refs = externalRefs.map((r) => r.trim());
    const result: RemoveClientsResultDto = {
      total: refs.length,
      removed: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
    };
    await this.dataSource.transaction(async (manager) => {
      await manager.query(LOCK_CLIENT_BATCHES);
      const found = rowsOf<{ id: string; external_ref: string; archived: boolean }>(
        await manager.query(FIND_CLIENTS_BY_REF, [refs]),
      );
      const byRef = new Map(found.map((f) => [f.external_ref, f]));
      const done = new Set<string>();
      refs.forEach((ref, index) => {
        if (!byRef.has(ref)) {
          result.failed += 1;
          result.errors.push({
            index,
            externalRef: ref,
            field: 'externalRefs',
            message: `no client has the external reference ${ref}`,
          });
        } else if (done.has(ref)) {
          result.unchanged += 1;
        } else done.add(ref);
      });
      if (mode === ClientRemovalMode.Erase) {
        for (const ref of done) {
          await this.clients.eraseWith(manager, byRef.get(ref)!.id);
          result.removed += 1;
        }
        return;
      }
      const archived = rowsOf<{ id: string; external_ref: string; stage: string; category: string | null }>(
        await manager.query(ARCHIVE_CLIENTS_BY_REF, [[...done]]),
      );
      result.removed = archived.length;
      result.unchanged += done.size - archived.length;
      await emit(
        manager,
        archived.map((c) => ({
          type: WebhookEventType.ClientUpdated,
          clientId: c.id,
          payload: {
            clientId: c.id,
            externalRef: c.external_ref,
            stage: c.stage,
            category: c.category,
            archived: true,
            changed: ['archivedAt'],
          },
        })),
      );
    });
    return result;
  }

  /** One raw item → a record for the statement, or its problems reported (null). */
  private toRecord(
    raw: unknown,
    index: number,
    staff: { staffIds: Set<string>; staffByEmail: Map<string, string> },
    fail: (index: number, externalRef: string | null, field: string, message: string) => void,
  ): SyncRecord | null {
    if (!isPlainObject(raw)) {
      fail(index, null, '', 'a record must be a JSON object');
      return null;
    }
    const given = raw as Record<string, unknown>;
    const refOf = typeof given.externalRef === 'string' ? given.externalRef.trim() || null : null;
    const dto = Object.assign(new SyncClientItemDto(), prepared(given, REQUIRED_TEXT));
    if (isPlainObject(given.address)) dto.address = Object.assign(new AddressDto(), prepared(given.address));
    const problems = flattenValidationErrors(
      validateSync(dto, {
        whitelist: true,
        forbidNonWhitelisted: true,
        forbidUnknownValues: true,
        validationError: { target: false, value: false },
      }),
    );
    let count = 0;
    const problem = (field: string, message: string) => {
      count += 1;
      fail(index, refOf, field, message);
    };
    for (const p of problems) for (const m of p.messages) problem(p.field, m);
    if (count > 0) return null;

    const record: SyncRecord = { pos: index, external_ref: dto.externalRef, present: [], archived: null };
    const set = (col: SyncColumn, value: unknown) => {
      record.present.push(col);
      record[col] = value;
    };
    const has = (key: string, obj: Record<string, unknown> = given) => Object.hasOwn(obj, key);
    if (has('name')) set('name', dto.name);
    if (has('kind')) set('kind', dto.kind);
    if (has('contactName')) set('contact_name', dto.contactName ?? null);
    if (has('email')) set('email', dto.email?.toLowerCase() ?? null);
    if (has('phone')) {
      if (dto.phone == null) {
        set('phone', null);
        record.phone_mobile = null;
      } else {
        const phone = classifyPhone(dto.phone, this.config.workspace.phoneRegion);
        if (phone.ok) {
          set('phone', phone.value.e164);
          record.phone_mobile = phone.value.mobile;
        } else problem('phone', phone.message);
      }
    }
    const address = given.address as Record<string, unknown> | undefined;
    if (address && dto.address) {
      const a = dto.address;
      if (has('recipient', address)) set('address_recipient', a.recipient ?? null);
      if (has('lines', address))
        set(
          'address_lines',
          (a.lines ?? []).map((l) => l.trim()).filter((l) => l.length > 0),
        );
      if (has('city', address)) set('address_city', a.city ?? null);
      if (has('region', address)) set('address_region', a.region ?? null);
      if (has('postalCode', address)) set('address_postal_code', a.postalCode ?? null);
      if (has('country', address)) {
        if (a.country == null) set('address_country', null);
        else {
          const country = normalizeCountry(a.country);
          if (country.ok) set('address_country', country.value);
          else problem('address.country', country.message);
        }
      }
    }
    if (has('locale')) set('locale', dto.locale);
    if (has('timeZone')) set('time_zone', dto.timeZone ?? null);
    if (has('ownerId') && has('ownerEmail')) problem('ownerEmail', 'give ownerId or ownerEmail, not both');
    else if (has('ownerId')) {
      if (dto.ownerId != null && !staff.staffIds.has(dto.ownerId)) {
        problem('ownerId', `no staff member has id ${dto.ownerId}`);
      } else set('owner_id', dto.ownerId ?? null);
    } else if (has('ownerEmail')) {
      const id = dto.ownerEmail == null ? null : staff.staffByEmail.get(dto.ownerEmail.trim().toLowerCase());
      if (id === undefined) problem('ownerEmail', `no staff member has the email ${dto.ownerEmail}`);
      else set('owner_id', id);
    }
    if (has('tags')) set('tags', normalizeTags(dto.tags ?? []));
    if (has('vip')) set('vip_flag', dto.vip);
    if (has('categoryOverride')) set('category_override', dto.categoryOverride ?? null);
    if (has('archived')) {
      record.present.push('archived_at');
      record.archived = dto.archived ?? null;
    }
    return count > 0 ? null : record;
  }
}

// Text fields that may not be blank: trimmed, but kept, so that validation names them.
const REQUIRED_TEXT = new Set(['externalRef', 'name', 'kind', 'locale']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A record's own copy with text trimmed and blank optional text made null, as the single API does. */
function prepared(
  given: Record<string, unknown>,
  required: Set<string> = new Set(),
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (typeof value !== 'string') out[key] = value;
    else {
      const trimmed = value.trim();
      out[key] = trimmed === '' && !required.has(key) ? null : trimmed;
    }
  }
  return out;
}
