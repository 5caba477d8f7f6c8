import { Injectable, Module } from '@nestjs/common';
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

/** The client hooks alone, for the libraries that register one. */
@Module({
  providers: [ClientErasureHooks, ClientOwnerChangeHooks],
  exports: [ClientErasureHooks, ClientOwnerChangeHooks],
})
export class ClientHooksModule {}
