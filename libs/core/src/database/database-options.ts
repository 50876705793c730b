import type { DataSourceOptions, MixedList } from 'typeorm';
import { SnakeNamingStrategy } from './naming-strategy';

// `Function` is TypeORM's own type for entity and migration classes.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ClassList = MixedList<Function | string>;

/**
 * One definition of the connection, shared by the app, the migration script and the tests.
 * With `reportsUrl`, TypeORM keeps a second pool on that read replica; every query still goes to
 * the primary (`defaultMode: 'master'`, finds included) unless it asks for the replica by name
 * (`ReportsReader`), so only reads that may be stale ever are.
 */
export function buildDataSourceOptions(url: string, entities: ClassList = [], migrations: ClassList = [], reportsUrl?: string): DataSourceOptions {
  return {
    type: 'postgres',
    ...(reportsUrl ? { replication: { master: { url }, slaves: [{ url: reportsUrl }], defaultMode: 'master' as const } } : { url }),
    entities,
    migrations,
    synchronize: false,
    uuidExtension: 'pgcrypto',
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    // A connection that cannot be had in 10 s fails the request (503) rather than queueing forever.
    extra: { max: 20, application_name: 'beacon', connectionTimeoutMillis: 10_000 },
    logging: ['error'],
  };
}
