// pg_dump / pg_restore for `npm run backup` and `npm run restore`: PostgreSQL's own tools, the ones
// on PATH (or PG_DUMP / PG_RESTORE), checked against the server's major version first: a pg_dump
// older than the server refuses to dump it ("server version mismatch").
import { execFileSync, spawn } from 'node:child_process';
import pg from 'pg';

export interface PgTool {
  path: string;
  major: number;
}

/** `pg_dump (PostgreSQL) 15.18 (Debian …)` → 15; undefined when the program is missing. */
export function toolVersion(path: string): PgTool | undefined {
  try {
    const out = execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /\(PostgreSQL\)\s+(\d+)/.exec(out);
    return m ? { path, major: Number(m[1]) } : undefined;
  } catch {
    return undefined;
  }
}

export async function serverMajor(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
    return Math.floor(Number(rows[0].v) / 10000);
  } finally {
    await client.end();
  }
}

/** What to install for PostgreSQL `major`'s client tools. */
export function installHint(major: number): string {
  return (
    `Install the PostgreSQL ${major} client tools and put them first on PATH, or point PG_DUMP and PG_RESTORE at them: ` +
    `Debian/Ubuntu: postgresql-client-${major} from PostgreSQL's apt repository (https://apt.postgresql.org; Debian 12's own postgresql-client is 15); ` +
    `RHEL: postgresql${major} from https://download.postgresql.org/pub/repos/yum; macOS: brew install postgresql@${major}; ` +
    `or run them from the official image, e.g. docker run --rm --network host -v "$PWD:/backup" postgres:${major} pg_dump … ` +
    `(the embedded PostgreSQL package ships only the server, without pg_dump).`
  );
}

/** The tool to use for this server, or an error saying exactly what is wrong and what to install. */
export function compatibleTool(name: 'pg_dump' | 'pg_restore', configured: string | undefined, server: number): PgTool {
  const path = configured ?? name;
  const tool = toolVersion(path);
  if (!tool) throw new Error(`${path} was not found (${configured ? `set by ${name === 'pg_dump' ? 'PG_DUMP' : 'PG_RESTORE'}` : 'on PATH'}). ${installHint(server)}`);
  if (tool.major < server) {
    throw new Error(`${path} is PostgreSQL ${tool.major}'s ${name}; the database is PostgreSQL ${server}, which it cannot ${name === 'pg_dump' ? 'dump ("server version mismatch")' : 'restore into reliably'}. ${installHint(server)}`);
  }
  return tool;
}

/** Connection arguments without the password on the command line (ps shows it): PGPASSWORD instead. */
export function connectionArgs(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.href, env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

export function run(path: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { env, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path} failed (exit ${code}):\n${stderr.trim()}`))));
  });
}

/** pg_dump -Fc of the whole database (schema, data, pg-boss's queue) into `file`. */
export async function backupDatabase(url: string, file: string, pgDump?: string): Promise<PgTool> {
  const tool = compatibleTool('pg_dump', pgDump, await serverMajor(url));
  const { dbname, env } = connectionArgs(url);
  await run(tool.path, ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, `--dbname=${dbname}`], env);
  return tool;
}

/** pg_restore of a backup into `url` (an empty database, or `clean` to replace what is there). */
export async function restoreDatabase(url: string, file: string, opts: { pgRestore?: string; clean?: boolean } = {}): Promise<PgTool> {
  const tool = compatibleTool('pg_restore', opts.pgRestore, await serverMajor(url));
  const { dbname, env } = connectionArgs(url);
  await run(tool.path, ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', ...(opts.clean ? ['--clean', '--if-exists'] : []), `--dbname=${dbname}`, file], env);
  return tool;
}

/** The server's major and the first tool that can dump it, or why none can (for tests that skip). */
export async function findCompatiblePgDump(url: string, pgDump?: string): Promise<{ ok: true; tool: PgTool } | { ok: false; reason: string }> {
  try {
    return { ok: true, tool: compatibleTool('pg_dump', pgDump, await serverMajor(url)) };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}
