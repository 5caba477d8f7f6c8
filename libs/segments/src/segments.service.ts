import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Category, Stage } from '@touchbase/clients';
import { findByIdOrFail } from '@touchbase/database';
import {
  ConflictException,
  decodeCursor,
  encodeCursor,
  FieldError,
  isUuid,
  NotFoundException,
  Page,
  ValidationException,
} from '@touchbase/core';
import { CreateSegmentDto, UpdateSegmentDto } from './dto/segment.dto';
import { Segment } from './entities/segment.entity';
import {
  CompiledSql,
  compileSegmentMembership,
  segmentRuleReferences,
  validateSegmentRule,
} from './segment-compiler';
import { SegmentRule } from './segment-rule';

/** A client as listed in a segment's preview and members. */
export interface SegmentMember {
  id: string;
  name: string;
  category: Category | null;
  stage: Stage;
  email: string | null;
  phone: string | null;
  city: string | null;
}

export interface SegmentPreview {
  count: number;
  sample: SegmentMember[];
}

export const PREVIEW_SAMPLE_SIZE = 20;
const DEFAULT_PAGE = 50;
const MEMBER_COLUMNS = `c.id, c.name, c.category, c.stage, c.email, c.phone, c.address_city AS city`;

@Injectable()
export class SegmentsService {
  constructor(
    @InjectRepository(Segment) private readonly segments: Repository<Segment>,
    private readonly dataSource: DataSource,
  ) {}

  async list(limit = DEFAULT_PAGE, cursor?: string): Promise<Page<Segment>> {
    const qb = this.segments.createQueryBuilder('s');
    if (cursor) {
      const [name, id] = decodeKey(cursor);
      qb.where('(s.name, s.id) > (:name, :id)', { name, id });
    }
    const rows = await qb
      .orderBy('s.name', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .limit(limit + 1)
      .getMany();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.name, last.id]) : null };
  }

  async get(id: string, manager?: EntityManager): Promise<Segment> {
    return findByIdOrFail(manager ?? this.dataSource.manager, Segment, 'Segment', id);
  }

  async create(dto: CreateSegmentDto, actorId?: string): Promise<Segment> {
    return this.dataSource.transaction(async (manager) => {
      const rules = await this.checkRules(dto.rules, manager);
      await this.assertNameFree(dto.name, undefined, manager);
      const repo = manager.getRepository(Segment);
      const saved = await repo.save(
        repo.create({
          name: dto.name,
          description: dto.description ?? '',
          rules,
          createdBy: actorId ?? null,
        }),
      );
      return this.get(saved.id, manager);
    });
  }

  async update(id: string, dto: UpdateSegmentDto): Promise<Segment> {
    return this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(Segment);
      const segment = await findByIdOrFail(manager, Segment, 'Segment', id, { lock: true });
      const changes: Partial<Segment> = {};
      if (dto.rules !== undefined) changes.rules = await this.checkRules(dto.rules, manager);
      if (dto.name !== undefined && dto.name !== segment.name) {
        await this.assertNameFree(dto.name, id, manager);
        changes.name = dto.name;
      }
      if (dto.description !== undefined) changes.description = dto.description;
      if (Object.keys(changes).length > 0) await repo.save(Object.assign(segment, changes));
      return this.get(id, manager);
    });
  }

  /** Campaigns will reference segments: deleting one in use fails with 23503, answered as a 409. */
  async remove(id: string): Promise<void> {
    const result = await this.segments.delete({ id });
    if (!result.affected) throw new NotFoundException('Segment', id);
  }

  /** How many clients match unsaved rules now, and the first few of them by name. */
  async preview(input: unknown): Promise<SegmentPreview> {
    const rules = await this.checkRules(input, this.dataSource.manager);
    const where = compileSegmentMembership(rules);
    // The window count is taken before LIMIT: one statement, so count and sample always agree.
    const rows: (MemberRow & { total: string })[] = await this.dataSource.query(
      `SELECT ${MEMBER_COLUMNS}, count(*) OVER () AS total
         FROM clients c
        WHERE ${where.sql}
        ORDER BY c.name, c.id
        LIMIT ${PREVIEW_SAMPLE_SIZE}`,
      where.params,
    );
    return { count: rows.length > 0 ? Number(rows[0].total) : 0, sample: rows.map(toMember) };
  }

  /** The current members of a saved segment, by name then id, with keyset pagination. */
  async members(id: string, limit = DEFAULT_PAGE, cursor?: string): Promise<Page<SegmentMember>> {
    const where = await this.compile(id);
    const params = [...where.params];
    let keyset = '';
    if (cursor) {
      params.push(...decodeKey(cursor));
      keyset = `AND (c.name, c.id) > ($${params.length - 1}::text, $${params.length}::uuid)`;
    }
    params.push(limit + 1);
    const rows: MemberRow[] = await this.dataSource.query(
      `SELECT ${MEMBER_COLUMNS}
         FROM clients c
        WHERE ${where.sql} ${keyset}
        ORDER BY c.name, c.id
        LIMIT $${params.length}::int`,
      params,
    );
    const items = rows.slice(0, limit).map(toMember);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.name, last.id]) : null };
  }

  /**
   * The membership of a saved segment (by id) or of a rule tree, as a boolean SQL expression over
   * `clients c` whose placeholders start at `$${paramOffset + 1}` — for the planner to embed in
   * its own statement. Archived and erased clients are excluded.
   */
  async compile(
    source: string | SegmentRule,
    paramOffset = 0,
    manager?: EntityManager,
  ): Promise<CompiledSql> {
    const rules = typeof source === 'string' ? (await this.get(source, manager)).rules : source;
    return compileSegmentMembership(rules, paramOffset);
  }

  /** Validates and normalises a tree, and checks that the staff members and topics it names exist. */
  async checkRules(input: unknown, manager: EntityManager = this.dataSource.manager): Promise<SegmentRule> {
    const rules = validateSegmentRule(input);
    const references = segmentRuleReferences(rules);
    const problems: FieldError[] = [];
    const owners = references.filter((r) => r.kind === 'owner');
    if (owners.length > 0) {
      const found: { id: string }[] = await manager.query(
        `SELECT id FROM staff_members WHERE id = ANY($1::uuid[])`,
        [owners.map((o) => o.value)],
      );
      const known = new Set(found.map((f) => f.id));
      for (const o of owners.filter((o) => !known.has(o.value))) {
        problems.push({ field: o.path, messages: [`no staff member has id ${o.value}`] });
      }
    }
    const topics = references.filter((r) => r.kind === 'topic');
    if (topics.length > 0) {
      const keys = (await manager.query(`SELECT key FROM topics ORDER BY key`)).map(
        (t: { key: string }) => t.key,
      );
      for (const t of topics.filter((t) => !keys.includes(t.value))) {
        problems.push({
          field: t.path,
          messages: [`no topic has key "${t.value}"; topics: ${keys.join(', ')}`],
        });
      }
    }
    if (problems.length > 0) {
      throw new ValidationException(
        `The segment rules are invalid: ${problems.map((p) => p.field).join(', ')}`,
        problems,
      );
    }
    return rules;
  }

  private async assertNameFree(
    name: string,
    exceptId: string | undefined,
    manager: EntityManager,
  ): Promise<void> {
    const other = await manager
      .getRepository(Segment)
      .createQueryBuilder('s')
      .select(['s.id', 's.name'])
      .where('lower(s.name) = lower(:name)', { name })
      .getOne();
    if (other && other.id !== exceptId) {
      throw new ConflictException(`A segment named "${other.name}" already exists`, {
        field: 'name',
        segmentId: other.id,
      });
    }
  }
}

interface MemberRow {
  id: string;
  name: string;
  category: string | null;
  stage: string;
  email: string | null;
  phone: string | null;
  city: string | null;
}

function toMember(r: MemberRow): SegmentMember {
  return {
    id: r.id,
    name: r.name,
    category: r.category as Category | null,
    stage: r.stage as Stage,
    email: r.email,
    phone: r.phone,
    city: r.city,
  };
}

/** A (name, id) keyset cursor, checked so a forged one is a 400 rather than a database error. */
function decodeKey(cursor: string): [string, string] {
  const [name, id] = decodeCursor(cursor, 2);
  if (typeof name !== 'string' || typeof id !== 'string' || !isUuid(id)) {
    throw new ValidationException('The cursor is invalid; use nextCursor from the previous page', [
      { field: 'cursor', messages: ['cursor is not a cursor this list returned'] },
    ]);
  }
  return [name, id];
}
