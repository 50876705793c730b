import { describe, expect, it } from '@jest/globals';
import { isDatabaseUnavailable } from './connection-errors';

const err = (message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), extra);

describe('isDatabaseUnavailable', () => {
  it('recognises a server that went away or is not accepting connections yet', () => {
    expect(isDatabaseUnavailable(err('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(err('read ECONNRESET', { code: 'ECONNRESET' }))).toBe(true);
    expect(isDatabaseUnavailable(err('terminating connection due to administrator command', { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(err('the database system is starting up', { code: '57P03' }))).toBe(true);
    expect(isDatabaseUnavailable(err('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(err('query failed', { driverError: err('x', { code: '08006' }) }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new AggregateError([err('a', { code: 'ECONNREFUSED' }), err('b', { code: 'ECONNREFUSED' })], '')))).toBe(true);
  });

  it('leaves errors in the SQL or the data alone', () => {
    expect(isDatabaseUnavailable(err('duplicate key value violates unique constraint', { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(err('syntax error at or near "SELEC"', { code: '42601' }))).toBe(false);
    expect(isDatabaseUnavailable(err('deadlock detected', { code: '40P01' }))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});
