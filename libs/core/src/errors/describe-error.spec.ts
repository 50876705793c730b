import { describe, expect, it, jest } from '@jest/globals';
import { describeError, exitWithError } from './describe-error';

describe('describeError', () => {
  it('prints a non-Error rejection by its content, never a bare "undefined"', () => {
    expect(describeError(undefined)).toMatch(/^undefined \(.*rejected with no reason\)$/);
    expect(describeError(null)).toMatch(/^null \(/);
    expect(describeError('pg_ctl: no server running')).toBe('pg_ctl: no server running');
    expect(describeError({ code: '57P03', detail: 'starting up' })).toBe("{ code: '57P03', detail: 'starting up' }");
    expect(describeError(42)).toBe('42');
  });

  it('prints an Error with its code, its AggregateError parts and its causes', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(describeError(refused)).toBe('connect ECONNREFUSED 127.0.0.1:5432');
    expect(describeError(Object.assign(new Error('lock file exists'), { code: 'ELOCK' }))).toBe('lock file exists (ELOCK)');
    const agg = new AggregateError([new Error('::1 refused'), 'a string'], '');
    expect(describeError(agg)).toBe('AggregateError\n  - ::1 refused\n  - a string');
    expect(describeError(new Error('Migration failed', { cause: { sqlState: '42P01' } }))).toBe("Migration failed\n  caused by: { sqlState: '42P01' }");
  });

  // Both entrypoints end with `bootstrap().catch(exitWithError)`.
  it('exitWithError writes the content of a non-Error rejection to stderr and exits 1', async () => {
    const written: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const exitCodes: unknown[] = [];
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code: unknown) => void exitCodes.push(code)) as never);
    try {
      await Promise.reject({ reason: 'lock file "postmaster.pid" already exists' }).catch(exitWithError);
      await Promise.reject(undefined).catch(exitWithError);
    } finally {
      write.mockRestore();
      exit.mockRestore();
    }
    expect(written).toEqual([`{ reason: 'lock file "postmaster.pid" already exists' }\n`, expect.stringMatching(/^undefined \(something failed without saying why/)]);
    expect(exitCodes).toEqual([1, 1]);
  });
});
