// npm run restore -- <file> [--into <database>] [--replace]
//   --into <database>: creates that database on the same server and restores there (check it,
//                      then point DATABASE_URL at it); the default when the target has tables is
//                      to refuse, unless --replace (drops and re-creates what the backup holds).
import { exitWithError, loadConfig } from '@beacon/core';
import pg from 'pg';
import { restoreDatabase } from './pg-tools';
import { withDatabase } from './with-database';

async function main() {
  const args = process.argv.slice(2);
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--into');
  const into = args.includes('--into') ? args[args.indexOf('--into') + 1] : undefined;
  const replace = args.includes('--replace');
  if (!file) throw new Error('Usage: npm run restore -- <backup file> [--into <new database>] [--replace]');
  if (into !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(into)) throw new Error('--into: a database name of lower-case letters, digits and _');
  const config = loadConfig();
  await withDatabase(config, async (url) => {
    let target = url;
    if (into) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${into}"`);
      } finally {
        await admin.end();
      }
      const u = new URL(url);
      u.pathname = `/${into}`;
      target = u.href;
    } else if (!replace) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema IN ('public', 'pgboss')`);
        if (rows[0].n > 0) throw new Error('The database is not empty: restore with --into <new database> (then switch DATABASE_URL), or --replace to overwrite it');
      } finally {
        await client.end();
      }
    }
    const tool = await restoreDatabase(target, file, { pgRestore: config.ops.pgRestore, clean: replace && !into });
    console.log(`Restored ${file} into ${new URL(target).pathname.slice(1)} (pg_restore ${tool.major})`);
  });
}

main().catch(exitWithError);
