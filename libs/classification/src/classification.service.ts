import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { ValidationException } from '@touchbase/core';
import { SettingsService } from '@touchbase/settings';
import {
  CLASSIFICATION_SETTINGS_KEY,
  ClassificationSettings,
  DEFAULT_CLASSIFICATION_SETTINGS,
  KeyRule,
  VipRule,
} from './classification-settings';
import { CLASSIFICATION_WRITE_LOCK, RECOMPUTE_SQL } from './classification.sql';

export interface RecomputeOptions {
  /** Only these clients (e.g. those a batch of purchases touched); all clients when left out. */
  clientIds?: string[];
}

export interface RecomputeResult {
  /** Clients looked at. */
  clients: number;
  /** Client rows actually rewritten (anything changed). */
  updated: number;
  /** Clients whose effective category (A, B, C, VIP or none) changed. */
  categoryChanges: number;
  /** Clients whose stage changed (each has a new stage_history row). */
  stageChanges: number;
  durationMs: number;
}

/** A change of the settings: fields left out stay; null clears a rule. Validated by the caller (DTO). */
export interface ClassificationSettingsChange extends Partial<Omit<ClassificationSettings, 'vipRule'>> {
  /** `n` is read for top-n, `amount` for min-revenue. */
  vipRule?: { type: VipRule['type']; n?: number; amount?: number } | null;
}

const RECOMPUTE_WORK_MEM = '64MB';

interface RecomputeRow {
  clients: number;
  updated: number;
  category_changes: number;
  stage_changes: number;
}

/** Purchase statistics, A/B/C/VIP categories and purchase-driven stages, computed in PostgreSQL. */
@Injectable()
export class ClassificationService {
  private readonly logger = new Logger('Classification');

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: SettingsService,
    private readonly config: AppConfig,
  ) {}

  getSettings(manager?: EntityManager): Promise<ClassificationSettings> {
    return this.settings.get(CLASSIFICATION_SETTINGS_KEY, DEFAULT_CLASSIFICATION_SETTINGS, manager);
  }

  /** Takes effect at the next recompute (nightly, or POST /classification/recompute). */
  async updateSettings(
    change: ClassificationSettingsChange,
    actorId?: string,
  ): Promise<ClassificationSettings> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.getSettings(manager);
      const next: ClassificationSettings = {
        windowMonths: change.windowMonths ?? current.windowMonths,
        aShare: change.aShare ?? current.aShare,
        bShare: change.bShare ?? current.bShare,
        vipRule: change.vipRule === undefined ? current.vipRule : normalizeVipRule(change.vipRule),
        lapsedDays: change.lapsedDays ?? current.lapsedDays,
        keyRule: change.keyRule === undefined ? current.keyRule : normalizeKeyRule(change.keyRule),
      };
      if (next.aShare + next.bShare >= 1) {
        throw new ValidationException('aShare + bShare must be below 1: category C takes the rest', [
          {
            field: 'bShare',
            messages: [`aShare (${next.aShare}) + bShare (${next.bShare}) must be below 1`],
          },
        ]);
      }
      return this.settings.set(CLASSIFICATION_SETTINGS_KEY, next, actorId, manager);
    });
  }

  /**
   * One set-based pass (see RECOMPUTE_SQL): purchase statistics, categories, VIP by rule and stages
   * of all clients, or of `clientIds`; only changed rows are written, and each stage change is
   * recorded in stage_history in the same statement. Pass a transactional `manager` to run inside
   * the caller's transaction (e.g. right after writing purchases).
   */
  async recompute(options: RecomputeOptions = {}, manager?: EntityManager): Promise<RecomputeResult> {
    const clientIds = options.clientIds ? Array.from(new Set(options.clientIds)) : null;
    if (clientIds && clientIds.length === 0) {
      return { clients: 0, updated: 0, categoryChanges: 0, stageChanges: 0, durationMs: 0 };
    }
    const started = Date.now();
    const run = async (m: EntityManager): Promise<RecomputeResult> => {
      // Recomputes are serialised, and the statement's snapshot is taken after the lock: a recompute
      // never overwrites a newer one's statistics with ones computed before purchases committed.
      // JIT only costs here (seconds of compiling for a statement that runs once), and the ranking
      // sorts in memory with more work_mem; both are restored for the rest of the caller's transaction.
      const [saved]: { jit: string; work_mem: string }[] = await m.query(
        `SELECT pg_advisory_xact_lock($1), current_setting('jit') AS jit, current_setting('work_mem') AS work_mem,
                set_config('jit', 'off', true), set_config('work_mem', $2, true)`,
        [CLASSIFICATION_WRITE_LOCK, RECOMPUTE_WORK_MEM],
      );
      const s = await this.getSettings(m);
      const vip = s.vipRule;
      const rows: RecomputeRow[] = await m.query(RECOMPUTE_SQL, [
        clientIds,
        s.windowMonths,
        s.aShare,
        s.bShare,
        vip?.type ?? null,
        vip?.type === 'top-n' ? vip.n : null,
        vip?.type === 'min-revenue' ? vip.amount : null,
        s.lapsedDays,
        s.keyRule?.minRevenuePerQuarter ?? null,
        this.config.workspace.currency,
      ]);
      await m.query(`SELECT set_config('jit', $1, true), set_config('work_mem', $2, true)`, [
        saved.jit,
        saved.work_mem,
      ]);
      const row = rows[0];
      return {
        clients: row.clients,
        updated: row.updated,
        categoryChanges: row.category_changes,
        stageChanges: row.stage_changes,
        durationMs: Date.now() - started,
      };
    };
    const result =
      manager?.queryRunner?.isTransactionActive === true
        ? await run(manager)
        : await this.dataSource.transaction((m) => run(m));
    if (!clientIds) {
      this.logger.log(
        `Recomputed ${result.clients} clients in ${result.durationMs} ms: ${result.updated} updated, ` +
          `${result.categoryChanges} category and ${result.stageChanges} stage changes`,
      );
    }
    return result;
  }
}

// Keeps only the fields of the rule's type.
function normalizeVipRule(rule: ClassificationSettingsChange['vipRule']): VipRule | null {
  if (!rule) return null;
  return rule.type === 'top-n'
    ? { type: 'top-n', n: Number(rule.n) }
    : { type: 'min-revenue', amount: Number(rule.amount) };
}

function normalizeKeyRule(rule: KeyRule | null): KeyRule | null {
  return rule ? { minRevenuePerQuarter: rule.minRevenuePerQuarter } : null;
}
