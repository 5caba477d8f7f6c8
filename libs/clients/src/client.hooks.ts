import { Injectable, Module } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TransactionHooks } from '@touchbase/database';

/**
 * Libraries above clients (preferences, classification) register here what erasing a client means for
 * their tables, in the erasing transaction, so that clients never writes a table it does not own.
 */
@Injectable()
export class ClientErasureHooks extends TransactionHooks<[clientId: string]> {}

/**
 * Libraries above clients (calls) register here what moving clients to another owner means for their
 * tables (open call tasks follow their client), in the same transaction.
 */
@Injectable()
export class ClientOwnerChangeHooks extends TransactionHooks<[clientIds: string[], ownerId: string | null]> {}

/** One library's part of a client's personal-data export: its own tables' rows of that client. */
export type ClientDataExportHook = (
  manager: EntityManager,
  client: { id: string; email: string | null; phone: string | null },
) => Promise<Record<string, unknown>>;

/**
 * The personal-data access export (GET /clients/:id/personal-data): every library that keeps rows about
 * a client registers here what it holds, under its own name, so that each table is read by its owner and
 * a new library plugs in by registering. Run in one read-only, repeatable-read transaction.
 */
@Injectable()
export class ClientDataExportHooks {
  private readonly hooks = new Map<string, ClientDataExportHook>();

  register(name: string, hook: ClientDataExportHook): void {
    this.hooks.set(name, hook);
  }

  async collect(
    manager: EntityManager,
    client: { id: string; email: string | null; phone: string | null },
  ): Promise<Record<string, Record<string, unknown>>> {
    const parts: Record<string, Record<string, unknown>> = {};
    for (const name of [...this.hooks.keys()].sort())
      parts[name] = await this.hooks.get(name)!(manager, client);
    return parts;
  }
}

/** The client hooks alone, for the libraries that register one. */
@Module({
  providers: [ClientErasureHooks, ClientOwnerChangeHooks, ClientDataExportHooks],
  exports: [ClientErasureHooks, ClientOwnerChangeHooks, ClientDataExportHooks],
})
export class ClientHooksModule {}
