import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { WorkspaceSetting } from './workspace-setting.entity';

/**
 * Workspace-wide settings, each a JSON document under a key, owned by the domain that defines it.
 * Stored values are merged over the domain's defaults, so new settings need no migration.
 */
@Injectable()
export class SettingsService {
  constructor(@InjectRepository(WorkspaceSetting) private readonly settings: Repository<WorkspaceSetting>) {}

  async get<T extends object>(key: string, defaults: T, manager?: EntityManager): Promise<T> {
    const repo = manager ? manager.getRepository(WorkspaceSetting) : this.settings;
    const row = await repo.findOneBy({ key });
    return { ...defaults, ...((row?.value as Partial<T> | undefined) ?? {}) };
  }

  async set<T extends object>(key: string, value: T, actorId?: string, manager?: EntityManager): Promise<T> {
    const repo = manager ? manager.getRepository(WorkspaceSetting) : this.settings;
    await repo.upsert({ key, value, updatedBy: actorId ?? null }, ['key']);
    return value;
  }

  /**
   * Stores `value` under `field` of the key's document unless the field is there already (then the
   * stored one stays); returns the field's value. Two callers at once agree on the first one's value.
   */
  async setFieldOnce(key: string, field: string, value: unknown, manager?: EntityManager): Promise<unknown> {
    const repo = manager ? manager.getRepository(WorkspaceSetting) : this.settings;
    const [row]: { value: Record<string, unknown> }[] = await repo.query(
      `INSERT INTO workspace_settings (key, value) VALUES ($1, jsonb_build_object($2::text, $3::jsonb))
       ON CONFLICT (key) DO UPDATE SET value = workspace_settings.value || jsonb_build_object($2::text, $3::jsonb)
        WHERE NOT workspace_settings.value ? $2::text
       RETURNING value`,
      [key, field, JSON.stringify(value)],
    );
    if (row) return row.value[field];
    return ((await repo.findOneBy({ key }))?.value as Record<string, unknown> | undefined)?.[field];
  }
}
