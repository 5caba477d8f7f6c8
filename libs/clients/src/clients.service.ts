import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, Repository } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import {
  ConflictException,
  decodeCursor,
  encodeCursor,
  FieldError,
  NotFoundException,
  Page,
  ValidationException,
} from '@touchbase/core';
import { rowsOf } from '@touchbase/database';
import { StaffMember } from '@touchbase/staff';
import { clientWebhookData, emit, eraseWebhookPayloads, WebhookEventType } from '@touchbase/webhooks';
import { Stage } from './client.enums';
import { isMobilePhone, normalizeCountry, normalizePhone, normalizeTags } from './contact-normalizer';
import { CreateClientDto, ListClientsQueryDto, UpdateClientDto } from './dto/client.dto';
import { flagsClearedBy } from './contact-flag.enum';
import { ClientDataExportHooks, ClientErasureHooks, ClientOwnerChangeHooks } from './client.hooks';
import { Client } from './entities/client.entity';
import { CategoryHistoryEntry, StageHistoryEntry } from './entities/stage-history-entry.entity';

/**
 * What the free text search looks in: name, email, phone and reference as one text, under one
 * trigram index (clients_search_trgm_idx: the expression must stay the same as the index's).
 */
export const CLIENT_SEARCH_TEXT_SQL = `(c.name || ' ' || COALESCE(c.email, '') || ' ' || COALESCE(c.phone, '') || ' ' || COALESCE(c.external_ref, ''))`;

// Sort keys travel in cursors as exact text (timestamps keep their microseconds) and are cast back.
const SORT_COLUMNS: Record<string, { expr: string; type: string }> = {
  name: { expr: 'c.name', type: 'text' },
  createdAt: { expr: 'c.created_at', type: 'timestamptz' },
  revenue: { expr: 'c.revenue_total', type: 'numeric' },
  lastPurchaseAt: { expr: `COALESCE(c.last_purchase_at, '-infinity'::timestamptz)`, type: 'timestamptz' },
};

export interface ClientHistoryRow {
  at: Date;
  field: 'category' | 'stage';
  from: string | null;
  to: string | null;
  source: string;
  staff_name: string | null;
}

/** What a client's webhook events carry: ids and classification, no contact data (fetch the client for it). */
function clientEventOf(c: Client): Record<string, unknown> {
  return {
    clientId: c.id,
    externalRef: c.externalRef,
    stage: c.stage,
    category: c.category,
    archived: c.archivedAt !== null,
  };
}

/** The personal-data export: the clients part, then one part per library (its registered name). */
export interface PersonalDataExport {
  format: 'touchbase.personal-data/1';
  generatedAt: string;
  clientId: string;
  clients: { client: Record<string, unknown>; stageHistory: unknown[]; categoryHistory: unknown[] };
  [library: string]: unknown;
}

@Injectable()
export class ClientsService {
  constructor(
    @InjectRepository(Client) private readonly clients: Repository<Client>,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly erasureHooks: ClientErasureHooks,
    private readonly ownerHooks: ClientOwnerChangeHooks,
    private readonly exportHooks: ClientDataExportHooks,
  ) {}

  /**
   * Everything touchbase holds on one client (right of access, 152-FZ art. 14 / GDPR art. 15): the
   * client record and its history here, and each library's own part through ClientDataExportHooks, read
   * in one repeatable-read, read-only transaction so the parts agree with each other.
   */
  async personalData(id: string): Promise<PersonalDataExport> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      const manager = runner.manager;
      const [client] = await manager.query(`SELECT * FROM clients WHERE id = $1`, [id]);
      if (!client) throw new NotFoundException('Client', id);
      const stageHistory = await manager.query(
        `SELECT * FROM stage_history WHERE client_id = $1 ORDER BY changed_at, id`,
        [id],
      );
      const categoryHistory = await manager.query(
        `SELECT * FROM category_history WHERE client_id = $1 ORDER BY changed_at, id`,
        [id],
      );
      const webhooks = await clientWebhookData(manager, id);
      const parts = await this.exportHooks.collect(manager, {
        id,
        email: client.email ?? null,
        phone: client.phone ?? null,
      });
      await runner.commitTransaction();
      return {
        format: 'touchbase.personal-data/1',
        generatedAt: new Date().toISOString(),
        clientId: id,
        clients: { client, stageHistory, categoryHistory },
        webhooks,
        ...parts,
      };
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  async get(id: string, manager?: EntityManager): Promise<Client> {
    const repo = manager ? manager.getRepository(Client) : this.clients;
    const client = await repo.findOne({ where: { id }, relations: { owner: true } });
    if (!client) throw new NotFoundException('Client', id);
    return client;
  }

  async create(dto: CreateClientDto, actorId?: string): Promise<Client> {
    return this.dataSource.transaction(async (manager) => {
      const fields = await this.toFields(dto, manager);
      await this.assertExternalRefFree(fields.externalRef ?? null, undefined, manager);
      const repo = manager.getRepository(Client);
      const saved = await repo.save(repo.create({ ...fields, stageChangedAt: new Date() }));
      await this.recordStage(manager, saved.id, null, saved.stage, 'created', actorId);
      const created = await this.get(saved.id, manager);
      await emit(manager, [
        { type: WebhookEventType.ClientCreated, clientId: saved.id, payload: clientEventOf(created) },
      ]);
      return created;
    });
  }

  async update(id: string, dto: UpdateClientDto, actorId?: string): Promise<Client> {
    return this.dataSource.transaction(async (manager) => {
      const client = await manager
        .getRepository(Client)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!client) throw new NotFoundException('Client', id);
      if (client.erasedAt)
        throw new ConflictException('This client was erased and cannot be changed', { id });
      const fields = await this.toFields(dto, manager);
      if (fields.externalRef !== undefined && fields.externalRef !== client.externalRef) {
        await this.assertExternalRefFree(fields.externalRef, id, manager);
      }
      if (fields.stage !== undefined && fields.stage !== client.stage) {
        if (client.purchaseCount > 0) {
          throw new ValidationException('The stage of a client with purchases follows from the purchases', [
            { field: 'stage', messages: [`stage is ${client.stage}, computed from purchases`] },
          ]);
        }
        await this.recordStage(manager, id, client.stage, fields.stage, 'manual', actorId);
        fields.stageChangedAt = new Date();
      }
      const changed = (field: keyof Client) =>
        fields[field] !== undefined && JSON.stringify(fields[field]) !== JSON.stringify(client[field]);
      const cleared: string[] = flagsClearedBy({
        email: changed('email'),
        phone: changed('phone'),
        address: changed('addressLines'),
      });
      const flags = client.contactFlags.filter((f) => !cleared.includes(f));
      await manager.getRepository(Client).update({ id }, { ...fields, contactFlags: flags });
      if (fields.ownerId !== undefined && fields.ownerId !== client.ownerId) {
        await this.ownerHooks.run(manager, [id], fields.ownerId);
      }
      const updated = await this.get(id, manager);
      const changedFields = (Object.keys(fields) as (keyof Client)[]).filter(changed);
      if (changedFields.length > 0) {
        await emit(manager, [
          {
            type: WebhookEventType.ClientUpdated,
            clientId: id,
            payload: { ...clientEventOf(updated), changed: changedFields },
          },
        ]);
      }
      if (updated.category !== client.category) {
        await manager.getRepository(CategoryHistoryEntry).insert({
          clientId: id,
          fromCategory: client.category,
          toCategory: updated.category,
          cause: 'manual',
          actorId: actorId ?? null,
          changedAt: new Date(),
        });
      }
      return updated;
    });
  }

  /**
   * Moves clients to another owner (or to none): the ones listed, or every client one owner has
   * (archived ones too — when an account manager leaves, their clients stay the company's). Their open
   * call tasks follow them, in the same transaction. One statement, whatever the number of clients.
   */
  async reassignOwner(
    target: { clientIds?: string[]; fromOwnerId?: string },
    toOwnerId: string | null,
  ): Promise<{ clients: number }> {
    const byIds = target.clientIds !== undefined;
    if (byIds === (target.fromOwnerId !== undefined)) {
      throw new ValidationException('Name the clients to move: clientIds or fromOwnerId, one of them', [
        { field: 'clientIds', messages: ['give clientIds or fromOwnerId (not both)'] },
      ]);
    }
    return this.dataSource.transaction(async (manager) => {
      const staff = manager.getRepository(StaffMember);
      const problems: FieldError[] = [];
      if (toOwnerId !== null && !(await staff.existsBy({ id: toOwnerId, active: true }))) {
        problems.push({ field: 'toOwnerId', messages: [`no active staff member has id ${toOwnerId}`] });
      }
      if (target.fromOwnerId && !(await staff.existsBy({ id: target.fromOwnerId }))) {
        problems.push({ field: 'fromOwnerId', messages: [`no staff member has id ${target.fromOwnerId}`] });
      }
      if (byIds) {
        const ids = [...new Set(target.clientIds)];
        const found: { id: string }[] = await manager.query(
          `SELECT id FROM clients WHERE id = ANY($1::uuid[]) AND erased_at IS NULL`,
          [ids],
        );
        const known = new Set(found.map((r) => r.id));
        const missing = ids.filter((id) => !known.has(id));
        if (missing.length > 0) {
          problems.push({
            field: 'clientIds',
            messages: [
              `no such client (or erased): ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ' …' : ''}`,
            ],
          });
        }
      }
      if (problems.length > 0) {
        throw new ValidationException(
          `The request is invalid: ${problems.map((p) => p.field).join(', ')}`,
          problems,
        );
      }
      const moved = rowsOf<{ id: string }>(
        await manager.query(
          `UPDATE clients SET owner_id = $1, updated_at = now()
          WHERE erased_at IS NULL AND owner_id IS DISTINCT FROM $1
            AND ${byIds ? 'id = ANY($2::uuid[])' : 'owner_id = $2'}
        RETURNING id`,
          [toOwnerId, byIds ? target.clientIds : target.fromOwnerId],
        ),
      );
      const ids = moved.map((r) => r.id);
      if (ids.length > 0) await this.ownerHooks.run(manager, ids, toOwnerId);
      return { clients: ids.length };
    });
  }

  /** The client's category and stage changes, newest first, with who made the manual ones. */
  async history(id: string): Promise<ClientHistoryRow[]> {
    await this.get(id);
    return this.dataSource.query(
      `SELECT h.at, h.field, h.from, h.to, h.source, s.name AS staff_name
         FROM (SELECT changed_at AS at, 'category' AS field, from_category AS from, to_category AS to,
                      cause AS source, actor_id, id
                 FROM category_history WHERE client_id = $1
               UNION ALL
               SELECT changed_at, 'stage', from_stage, to_stage, cause, actor_id, id
                 FROM stage_history WHERE client_id = $1) h
         LEFT JOIN staff_members s ON s.id = h.actor_id
        ORDER BY h.at DESC, h.field, h.id DESC`,
      [id],
    );
  }

  /**
   * A page of clients. A free-text search is answered from the trigram index, its matches sorted for
   * the page: the time grows with the matches, never with the base. (PostgreSQL cannot estimate how
   * many clients a substring matches; left to itself it may walk the name index looking for matches
   * that cluster far down the alphabet, which takes seconds over a million.)
   */
  async list(query: ListClientsQueryDto): Promise<Page<Client>> {
    if (!query.q?.trim()) return this.listPage(this.dataSource.manager, query);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL enable_indexscan = off`);
      return this.listPage(manager, query);
    });
  }

  private async listPage(manager: EntityManager, query: ListClientsQueryDto): Promise<Page<Client>> {
    const limit = query.limit ?? 50;
    const sort = query.sort ?? 'name';
    const desc = sort.startsWith('-');
    const { expr: sortExpr, type: sortType } = SORT_COLUMNS[desc ? sort.slice(1) : sort];
    const qb = manager.getRepository(Client).createQueryBuilder('c').leftJoinAndSelect('c.owner', 'owner');
    if (query.archived !== 'all')
      qb.andWhere(`c.archived_at IS ${query.archived === 'true' ? 'NOT ' : ''}NULL`);
    if (query.category) qb.andWhere('c.category = :category', { category: query.category });
    if (query.stage) qb.andWhere('c.stage = :stage', { stage: query.stage });
    if (query.ownerId) qb.andWhere('c.owner_id = :ownerId', { ownerId: query.ownerId });
    if (query.tag) qb.andWhere(':tag = ANY(c.tags)', { tag: query.tag.trim().toLowerCase() });
    if (query.city?.trim()) {
      qb.andWhere('lower(c.address_city) = lower(:city)', { city: query.city.trim() });
    }
    if (query.q?.trim()) {
      const text = query.q.trim();
      let digits = text.replace(/[\s()+-]/g, '');
      digits = /^\d{3,}$/.test(digits) ? digits.replace(/^8(\d{10})$/, '7$1') : '';
      // The text somewhere in name, email, phone or reference; or, typed as a phone, its digits.
      qb.andWhere(
        new Brackets((w) => {
          w.where(`${CLIENT_SEARCH_TEXT_SQL} ILIKE :like`, { like: `%${escapeLike(text)}%` });
          if (digits) w.orWhere(`${CLIENT_SEARCH_TEXT_SQL} LIKE :digits`, { digits: `%${digits}%` });
        }),
      );
    }
    if (query.cursor) {
      const [value, id] = decodeCursor(query.cursor, 2);
      qb.andWhere(`(${sortExpr}, c.id) ${desc ? '<' : '>'} (CAST(:cursorValue AS ${sortType}), :cursorId)`, {
        cursorValue: value,
        cursorId: id,
      });
    }
    qb.orderBy(sortExpr, desc ? 'DESC' : 'ASC')
      .addOrderBy('c.id', desc ? 'DESC' : 'ASC')
      .addSelect(`(${sortExpr})::text`, 'sort_key')
      .limit(limit + 1);
    const { entities, raw } = await qb.getRawAndEntities<{ sort_key: unknown }>();
    const items = entities.slice(0, limit);
    const last = items.at(-1);
    const lastRaw = raw[items.length - 1];
    const nextCursor =
      entities.length > limit && last ? encodeCursor([lastRaw?.sort_key ?? null, last.id]) : null;
    return { items, nextCursor };
  }

  async setArchived(id: string, archived: boolean): Promise<Client> {
    const client = await this.get(id);
    if (archived !== !!client.archivedAt) {
      await this.clients.update({ id }, { archivedAt: archived ? new Date() : null });
    }
    return this.get(id);
  }

  /**
   * Right to erasure: personal data is wiped; category, stage and purchase aggregates stay so that
   * reports still add up. The client is archived and opted out, so nothing is ever sent again.
   */
  async erase(id: string): Promise<Client> {
    return this.dataSource.transaction((manager) => this.eraseWith(manager, id));
  }

  /** Erasure inside the caller's transaction (a bulk removal erases many in one). */
  async eraseWith(manager: EntityManager, id: string): Promise<Client> {
    const client = await manager
      .getRepository(Client)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!client) throw new NotFoundException('Client', id);
    if (client.erasedAt) return this.get(id, manager);
    const now = new Date();
    await manager.getRepository(Client).update(
      { id },
      {
        externalRef: null,
        name: '[erased]',
        email: null,
        phone: null,
        phoneMobile: null,
        contactName: null,
        addressRecipient: null,
        addressLines: [],
        addressCity: null,
        addressRegion: null,
        addressPostalCode: null,
        tags: [],
        contactFlags: [],
        archivedAt: client.archivedAt ?? now,
        erasedAt: now,
      },
    );
    // Preferences (opted out, the consent log's personal data) and purchases: their owners' hooks.
    await this.erasureHooks.run(manager, id);
    await eraseWebhookPayloads(manager, id);
    await emit(manager, [{ type: WebhookEventType.ClientErased, clientId: id, payload: { clientId: id } }]);
    return this.get(id, manager);
  }

  recordStage(
    manager: EntityManager,
    clientId: string,
    fromStage: Stage | null,
    toStage: Stage,
    cause: string,
    actorId?: string,
  ): Promise<unknown> {
    return manager
      .getRepository(StageHistoryEntry)
      .insert({ clientId, fromStage, toStage, cause, actorId: actorId ?? null, changedAt: new Date() });
  }

  /** Validates and normalises the contact fields of a create or update; all problems at once. */
  private async toFields(dto: UpdateClientDto, manager: EntityManager): Promise<Partial<Client>> {
    const problems: FieldError[] = [];
    const fields: Partial<Client> = {};
    const set = <K extends keyof Client>(key: K, value: Client[K] | undefined) => {
      if (value !== undefined) fields[key] = value;
    };
    set('externalRef', dto.externalRef);
    set('name', dto.name);
    set('kind', dto.kind);
    set('contactName', dto.contactName);
    set('email', dto.email === undefined ? undefined : (dto.email?.trim().toLowerCase() ?? null));
    if (dto.phone !== undefined) {
      if (dto.phone === null) {
        fields.phone = null;
        fields.phoneMobile = null;
      } else {
        const phone = normalizePhone(dto.phone, this.config.workspace.phoneRegion);
        if (phone.ok) {
          fields.phone = phone.value;
          fields.phoneMobile = isMobilePhone(phone.value);
        } else problems.push({ field: 'phone', messages: [phone.message] });
      }
    }
    if (dto.address) {
      const a = dto.address;
      set('addressRecipient', a.recipient);
      set(
        'addressLines',
        a.lines?.map((l) => l.trim()).filter((l) => l.length > 0),
      );
      set('addressCity', a.city);
      set('addressRegion', a.region);
      set('addressPostalCode', a.postalCode);
      if (a.country !== undefined) {
        if (a.country === null) fields.addressCountry = null;
        else {
          const country = normalizeCountry(a.country);
          if (country.ok) fields.addressCountry = country.value;
          else problems.push({ field: 'address.country', messages: [country.message] });
        }
      }
    }
    set('locale', dto.locale);
    set('timeZone', dto.timeZone);
    if (dto.ownerId !== undefined) {
      if (dto.ownerId !== null && !(await manager.getRepository(StaffMember).existsBy({ id: dto.ownerId }))) {
        problems.push({ field: 'ownerId', messages: [`no staff member has id ${dto.ownerId}`] });
      }
      fields.ownerId = dto.ownerId;
    }
    set('tags', dto.tags && normalizeTags(dto.tags));
    set('vipFlag', dto.vip);
    set('categoryOverride', dto.categoryOverride);
    set('stage', dto.stage);
    if (dto.contactVerified) fields.contactVerifiedAt = new Date();
    if (problems.length > 0) {
      throw new ValidationException(
        `The request is invalid: ${problems.map((p) => p.field).join(', ')}`,
        problems,
      );
    }
    return fields;
  }

  private async assertExternalRefFree(
    ref: string | null,
    exceptId: string | undefined,
    manager: EntityManager,
  ) {
    if (!ref) return;
    const other = await manager
      .getRepository(Client)
      .findOne({ where: { externalRef: ref }, select: { id: true } });
    if (other && other.id !== exceptId) {
      throw new ConflictException(`Client ${other.id} already has the external reference ${ref}`, {
        field: 'externalRef',
        clientId: other.id,
      });
    }
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}
