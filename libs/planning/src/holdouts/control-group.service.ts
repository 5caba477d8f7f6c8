import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { SettingsService } from '@touchbase/settings';
import {
  CONTROL_GROUP_KEY,
  ControlGroupSettings,
  DEFAULT_CONTROL_GROUP,
  inControlGroupSql,
} from './holdout-rules';

/** The workspace's global control group: its share, whether CEO letters skip it, and its salt. */
@Injectable()
export class ControlGroupService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: SettingsService,
  ) {}

  /** The settings; the salt is generated and stored on first read, so membership never moves. */
  async get(manager?: EntityManager): Promise<ControlGroupSettings> {
    const stored = await this.settings.get<Partial<ControlGroupSettings>>(CONTROL_GROUP_KEY, {}, manager);
    if (stored.salt) return { ...DEFAULT_CONTROL_GROUP, ...stored, salt: stored.salt };
    const salt = await this.settings.setFieldOnce(
      CONTROL_GROUP_KEY,
      'salt',
      randomBytes(12).toString('hex'),
      manager,
    );
    return { ...DEFAULT_CONTROL_GROUP, ...stored, salt: String(salt) };
  }

  /** Changes the share and the CEO-letter rule; the salt stays. */
  async set(change: Omit<ControlGroupSettings, 'salt'>, actorId?: string): Promise<ControlGroupSettings> {
    const { salt } = await this.get();
    return this.settings.set(CONTROL_GROUP_KEY, { ...change, salt }, actorId);
  }

  /** Whether the client is in the control group now (false when it is off). */
  async isMember(clientId: string, manager?: EntityManager): Promise<boolean> {
    const group = await this.get(manager);
    if (group.share <= 0) return false;
    const [row] = await (manager ?? this.dataSource.manager).query(
      `SELECT ${inControlGroupSql('$1::uuid', '$2::text', '$3::float8')} AS member`,
      [clientId, group.salt, group.share],
    );
    return row.member === true;
  }

  /** How many clients (not archived) are in the control group now. */
  async members(manager?: EntityManager): Promise<{ members: number; clients: number }> {
    const group = await this.get(manager);
    const [row] = await (manager ?? this.dataSource.manager).query(
      `SELECT count(*) FILTER (WHERE $3::float8 > 0 AND ${inControlGroupSql('c.id', '$1::text', '$2::float8')})::int AS members,
              count(*)::int AS clients
         FROM clients c WHERE c.archived_at IS NULL`,
      [group.salt, group.share, group.share],
    );
    return row;
  }
}
