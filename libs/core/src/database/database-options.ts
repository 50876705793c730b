import type { DataSourceOptions, MixedList } from 'typeorm';
import { SnakeNamingStrategy } from './naming-strategy';

// `Function` is TypeORM's own type for entity and migration classes.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ClassList = MixedList<Function | string>;

/** One definition of the connection, shared by the app, the migration script and the tests. */
export function buildDataSourceOptions(url: string, entities: ClassList = [], migrations: ClassList = []): DataSourceOptions {
  return {
    type: 'postgres',
    url,
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
