import { EntityManager } from 'typeorm';

/** The rows of any statement (TypeORM returns [rows, count] for UPDATE … RETURNING otherwise). */
export async function queryRows<T>(
  manager: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    return (await runner.query(sql, params, true)).records as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
