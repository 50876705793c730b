import { inspect } from 'node:util';

/**
 * What went wrong, for a person reading the console: an Error's message (with its code, the
 * errors of an AggregateError and its causes), anything else by its content. A promise rejected
 * with no reason says so instead of printing a bare "undefined".
 */
export function describeError(err: unknown, depth = 0): string {
  if (err === undefined || err === null) return `${String(err)} (something failed without saying why: a promise was rejected with no reason)`;
  if (!(err instanceof Error)) return typeof err === 'string' ? err : inspect(err, { depth: 4, breakLength: Infinity });
  const code = (err as { code?: unknown }).code;
  const lines = [`${err.message || err.name}${typeof code === 'string' && !err.message.includes(code) ? ` (${code})` : ''}`];
  if (depth < 5) {
    if (err instanceof AggregateError) for (const e of err.errors) lines.push(`  - ${describeError(e, depth + 1).replace(/\n/g, '\n    ')}`);
    if (err.cause !== undefined) lines.push(`  caused by: ${describeError(err.cause, depth + 1).replace(/\n/g, '\n  ')}`);
  }
  return lines.join('\n');
}

/** The last word of a process's entrypoint: print what failed (never a bare "undefined") and exit 1. */
export function exitWithError(err: unknown): never {
  process.stderr.write(`${describeError(err)}\n`);
  process.exit(1);
}
