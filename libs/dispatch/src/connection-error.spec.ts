import { QueryFailedError } from 'typeorm';
import { isConnectionError } from './connection-error';

const pgError = (code: string, message: string) =>
  Object.assign(
    new QueryFailedError('UPDATE deliveries …', [], Object.assign(new Error(message), { code })),
    {
      code,
    },
  );

describe('isConnectionError', () => {
  it('knows a database that went away: shutdown, terminated or refused connections', () => {
    expect(isConnectionError(pgError('57P01', 'terminating connection due to administrator command'))).toBe(
      true,
    );
    expect(isConnectionError(pgError('57P03', 'the database system is starting up'))).toBe(true);
    expect(isConnectionError(pgError('08006', 'connection failure'))).toBe(true);
    expect(
      isConnectionError(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('does not take a bad statement or bad data for one: those are not retried', () => {
    expect(isConnectionError(pgError('42601', 'syntax error at or near "UPDTE"'))).toBe(false);
    expect(isConnectionError(pgError('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isConnectionError(pgError('40P01', 'deadlock detected'))).toBe(false);
    expect(isConnectionError(new Error('invalid input syntax for type uuid'))).toBe(false);
    expect(isConnectionError(null)).toBe(false);
  });
});
