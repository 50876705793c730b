// npm run backup [-- <file>]: pg_dump (custom format) of the configured database, or of the
// embedded one in DATA_DIR (started for the dump when `npm start` is not running).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exitWithError, loadConfig } from '@beacon/core';
import { backupDatabase } from './pg-tools';
import { withDatabase } from './with-database';

async function main() {
  const config = loadConfig();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = resolve(process.argv[2] ?? join(config.db.dataDir, 'backups', `beacon-${stamp}.dump`));
  mkdirSync(resolve(file, '..'), { recursive: true });
  await withDatabase(config, async (url) => {
    const tool = await backupDatabase(url, file, config.ops.pgDump);
    console.log(`Backup written to ${file} (pg_dump ${tool.major})`);
  });
}

main().catch(exitWithError);
