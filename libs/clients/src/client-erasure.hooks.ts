import { Injectable, Module } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** What a library above clients erases of a client in its own tables, in the erasing transaction. */
export type ClientErasureHook = (manager: EntityManager, clientId: string) => Promise<void>;

/**
 * Libraries above clients (preferences, classification) register here what erasing a client means for
 * their tables, so that clients never writes a table it does not own.
 */
@Injectable()
export class ClientErasureHooks {
  private readonly hooks = new Map<string, ClientErasureHook>();

  register(name: string, hook: ClientErasureHook): void {
    this.hooks.set(name, hook);
  }

  async run(manager: EntityManager, clientId: string): Promise<void> {
    for (const hook of this.hooks.values()) await hook(manager, clientId);
  }
}

/** The erasure hooks alone, for the libraries that register one. */
@Module({ providers: [ClientErasureHooks], exports: [ClientErasureHooks] })
export class ClientErasureModule {}
