import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** What a library above runs does with its own rows when a run is cancelled, in the same transaction. */
export type RunCancelHook = (manager: EntityManager, runId: string) => Promise<void>;

/**
 * Libraries above runs (calls, letters) register here what cancelling a run means for their tables,
 * so that runs never writes a table it does not own.
 */
@Injectable()
export class RunCancelHooks {
  private readonly hooks = new Map<string, RunCancelHook>();

  register(name: string, hook: RunCancelHook): void {
    this.hooks.set(name, hook);
  }

  async run(manager: EntityManager, runId: string): Promise<void> {
    for (const hook of this.hooks.values()) await hook(manager, runId);
  }
}
