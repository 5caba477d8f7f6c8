import { Injectable, OnModuleInit } from '@nestjs/common';
import { RunCancelHooks } from '@touchbase/runs';
import { CANCEL_TASKS_OF_RUN_SQL } from './call-tasks.sql';

/** Cancelling a run cancels its open call tasks, in the run's cancelling transaction. */
@Injectable()
export class CallTasksRunCancelHook implements OnModuleInit {
  constructor(private readonly hooks: RunCancelHooks) {}

  onModuleInit(): void {
    this.hooks.register('call-tasks', async (manager, runId) => {
      await manager.query(CANCEL_TASKS_OF_RUN_SQL, [runId]);
    });
  }
}
