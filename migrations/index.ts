import { Initial1795399254187 } from './1795399254187-Initial';

// Migrations in the order they run. Append new ones; never edit one that has landed.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const ALL_MIGRATIONS: Function[] = [Initial1795399254187];
