import { Initial1795399254187 } from './1795399254187-Initial';
import { Residents1795399401568 } from './1795399401568-Residents';
import { Schemes1795399769475 } from './1795399769475-Schemes';
import { Cadets1795399795730 } from './1795399795730-Cadets';

// Migrations in the order they run (written by `npm run migration:generate`). Never edit one that has landed.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const ALL_MIGRATIONS: Function[] = [
  Initial1795399254187,
  Residents1795399401568,
  Schemes1795399769475,
  Cadets1795399795730,
];
