// Child process of `npm run bench`: drives autocannon's programmatic API where each request
// needs its own body or path (autocannon's CLI sends one fixed request), and prints autocannon's
// result as JSON on stdout. Usage: node dist/scripts/bench/load-client.js <plan.json>
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface LoadPlan {
  url: string;
  connections: number;
  durationSeconds: number;
  /** signup: POST /api/v1/residents with a new e-mail each time; rate: POST each path in turn with a score. */
  kind: 'signup' | 'rate';
  wardCodes?: string[];
  paths?: string[];
}

interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: unknown) => void) => unknown;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const plan = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadPlan;
const run = randomBytes(4).toString('hex');
let n = 0;

const request: RawRequest =
  plan.kind === 'signup'
    ? { method: 'POST', path: '/api/v1/residents', headers: { 'content-type': 'application/json' } }
    : { method: 'POST', path: plan.paths![0], headers: { 'content-type': 'application/json', accept: 'application/json' } };

const setupRequest = (req: RawRequest): RawRequest => {
  const i = n++;
  if (plan.kind === 'signup') {
    const wards = plan.wardCodes!;
    const body = { email: `load-${run}-${i}@example.org`, firstName: 'Load', wardCode: wards[i % wards.length], channels: ['email'], consent: true };
    return { ...req, body: JSON.stringify(body) };
  }
  const paths = plan.paths!;
  return { ...req, path: paths[i % paths.length], body: JSON.stringify({ score: 1 + (i % 6) }) };
};

autocannon(
  { url: plan.url, connections: plan.connections, duration: plan.durationSeconds, requests: [{ ...request, setupRequest }] },
  (err, result) => {
    if (err) {
      console.error(err);
      process.exit(1);
    }
    process.stdout.write(JSON.stringify(result));
  },
);
