import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { PlaybookSeedResult, seedPlaybook } from './playbook';

/** On start (API side), proposes the playbook programs as drafts, once. */
@Injectable()
export class PlaybookService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Playbook');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.seed();
  }

  async seed(now = new Date()): Promise<PlaybookSeedResult> {
    const result = await this.dataSource.transaction((manager) =>
      seedPlaybook(manager, this.config.workspace.timeZone, now),
    );
    if (result.created.length > 0) {
      this.logger.log(
        `Proposed ${result.created.length} playbook programs as drafts to review: ${result.created.join(', ')}`,
      );
    }
    for (const name of result.skipped) {
      this.logger.warn(`Playbook program '${name}' not proposed: a campaign with that name already exists`);
    }
    return result;
  }
}
