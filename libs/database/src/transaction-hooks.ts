import { EntityManager } from 'typeorm';

/** What a library does with its own rows when another library's operation happens, in its transaction. */
export type TransactionHook<A extends unknown[]> = (manager: EntityManager, ...args: A) => Promise<void>;

/**
 * A library's operation that libraries above it extend: each registers, by name, what the operation
 * means for its own tables, run in the operation's transaction — so the library never writes a table
 * it does not own. Subclassed once per operation (the subclass is the injection token).
 */
export abstract class TransactionHooks<A extends unknown[]> {
  private readonly hooks = new Map<string, TransactionHook<A>>();

  register(name: string, hook: TransactionHook<A>): void {
    this.hooks.set(name, hook);
  }

  async run(manager: EntityManager, ...args: A): Promise<void> {
    for (const hook of this.hooks.values()) await hook(manager, ...args);
  }
}
