import { Injectable } from '@nestjs/common';
import { TransactionHooks } from '@touchbase/database';

/**
 * Libraries above runs (calls, letters) register here what cancelling a run means for their tables,
 * in the cancelling transaction, so that runs never writes a table it does not own.
 */
@Injectable()
export class RunCancelHooks extends TransactionHooks<[runId: string]> {}
