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
}
