import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { isUuid, NotFoundException } from '@touchbase/core';

/**
 * The row of `entity` with this id, optionally locked for update, or a 404 naming `label`. A malformed
 * id names no row: it is answered as not found rather than left to fail on PostgreSQL's uuid cast.
 */
export async function findByIdOrFail<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  label: string,
  id: string,
  options: { lock?: boolean } = {},
): Promise<T> {
  const row = isUuid(id)
    ? await manager.getRepository(entity).findOne({
        where: { id } as never,
        ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
      })
    : null;
  if (!row) throw new NotFoundException(label, id);
  return row;
}
