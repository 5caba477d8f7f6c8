import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { CLEAR_BOUNCES_SQL, RECORD_BOUNCES_SQL } from './email.sql';

export interface BounceResult {
  clientId: string;
  bounces: number;
  /** The address was marked invalid by this bounce. */
  invalidated: boolean;
}

/** Hard-bounce bookkeeping on clients, for a whole batch at a time. */
@Injectable()
export class EmailBouncesService {
  private readonly logger = new Logger('Email');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** One entry per bounce (a client may appear twice). */
  async record(clientIds: string[]): Promise<BounceResult[]> {
    if (clientIds.length === 0) return [];
    const rows: { client_id: string; bounces: number; invalidated: boolean }[] = await this.dataSource.query(
      RECORD_BOUNCES_SQL,
      [clientIds, this.config.email.hardBounceLimit],
    );
    const invalidated = rows.filter((r) => r.invalidated).length;
    if (invalidated > 0) this.logger.log(`Marked ${invalidated} email addresses invalid after hard bounces`);
    return rows.map((r) => ({ clientId: r.client_id, bounces: r.bounces, invalidated: r.invalidated }));
  }

  async clear(clientIds: string[]): Promise<void> {
    if (clientIds.length > 0) await this.dataSource.query(CLEAR_BOUNCES_SQL, [clientIds]);
  }
}
