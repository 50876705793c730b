// Migration commands: run | revert | generate <Name>. With DATABASE_URL unset they use the
// embedded PostgreSQL in DATA_DIR, as `npm start` does.
import 'reflect-metadata';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { exitWithError, loadConfig, startEmbeddedPostgres, type EmbeddedDatabase } from '@beacon/core';
import { createDataSource, migrate, pendingSchemaChanges } from '../migrations/data-source';

async function main() {
  const [command, name] = process.argv.slice(2);
  const config = loadConfig();
  let embedded: EmbeddedDatabase | undefined;
  if (!config.db.url) {
    embedded = await startEmbeddedPostgres({ dataDir: `${config.db.dataDir}/postgres`, port: config.db.embeddedPort, database: 'beacon', persistent: true });
  }
  const url = config.db.url ?? embedded!.url;
  try {
    if (command === 'run') {
      const ran = await migrate(url);
      console.log(ran.length ? `Applied: ${ran.join(', ')}` : 'No pending migrations');
    } else if (command === 'revert') {
      const ds = await createDataSource(url).initialize();
      await ds.undoLastMigration({ transaction: 'each' });
      await ds.destroy();
      console.log('Reverted the last migration');
    } else if (command === 'generate') {
      if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('Usage: npm run migration:generate -- PascalCaseName');
      await migrate(url);
      const { up, down } = await pendingSchemaChanges(url);
      if (!up.length) {
        console.log('Schema matches the entities: nothing to generate');
        return;
      }
      const ts = Date.now();
      const q = (s: string) => `        await queryRunner.query(\`${s.replace(/`/g, '\\`')}\`);`;
      const file = `migrations/${ts}-${name}.ts`;
      writeFileSync(
        file,
        `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${ts} implements MigrationInterface {
    name = '${name}${ts}';

    public async up(queryRunner: QueryRunner): Promise<void> {
${up.map(q).join('\n')}
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
${down.reverse().map(q).join('\n')}
    }
}
`,
      );
      writeIndex();
      console.log(`Wrote ${file} and listed it in migrations/index.ts: review it before committing`);
    } else {
      throw new Error('Usage: migrate run | revert | generate <Name>');
    }
  } finally {
    await embedded?.stop();
  }
}

/** migrations/index.ts lists every migration file in timestamp order. */
function writeIndex() {
  const files = readdirSync('migrations').filter((f) => /^\d{13}-[A-Za-z0-9]+\.ts$/.test(f)).sort();
  const classes = files.map((f) => ({ file: f.replace(/\.ts$/, ''), cls: /export class (\w+)/.exec(readFileSync(`migrations/${f}`, 'utf8'))![1] }));
  writeFileSync(
    'migrations/index.ts',
    `${classes.map((c) => `import { ${c.cls} } from './${c.file}';`).join('\n')}

// Migrations in the order they run (written by \`npm run migration:generate\`). Never edit one that has landed.
// The first 22 were squashed into the baseline before the first release (its header says how).
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const ALL_MIGRATIONS: Function[] = [
${classes.map((c) => `  ${c.cls},`).join('\n')}
];
`,
  );
}

main().catch(exitWithError);
