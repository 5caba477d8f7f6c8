import { Injectable, OnModuleInit } from '@nestjs/common';
import { RunCancelHooks } from '@touchbase/runs';
import { FAIL_BATCHES_OF_RUN_SQL } from './letters.sql';

/** Cancelling a run fails its letter batches not yet mailed, in the run's cancelling transaction. */
@Injectable()
export class LetterBatchesRunCancelHook implements OnModuleInit {
  constructor(private readonly hooks: RunCancelHooks) {}

  onModuleInit(): void {
    this.hooks.register('letter-batches', async (manager, runId) => {
      await manager.query(FAIL_BATCHES_OF_RUN_SQL, [runId]);
    });
  }
}
