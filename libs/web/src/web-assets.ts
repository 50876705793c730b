import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** node_modules/govuk-frontend/dist and node_modules/@ministryofjustice/frontend. */
export const GOVUK_DIST = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist');
export const MOJ_ROOT = dirname(require.resolve('@ministryofjustice/frontend/package.json'));
const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

export interface Asset {
  body: Buffer;
  type: string;
}

function files(dir: string, prefix: string, into: Map<string, Asset>): void {
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) into.set(`${prefix}${name}`, { body: readFileSync(join(dir, name)), type });
  }
}

function one(path: string, name: string, into: Map<string, Asset>): void {
  into.set(name, { body: readFileSync(path), type: TYPES[extname(name)] });
}

/**
 * Every file pages may load, read once at start from the npm packages and `static/`:
 * versioned ones (`/assets/frontend/<version>/…`, cached for a year, immutable) and the
 * fonts and images the packages' CSS names by absolute path (`/assets/fonts/…`, `/assets/images/…`).
 * The version is a hash of the content, so a new release of either package changes every URL.
 */
export class WebAssets {
  readonly versioned = new Map<string, Asset>();
  readonly fonts = new Map<string, Asset>();
  readonly images = new Map<string, Asset>();
  readonly version: string;

  constructor() {
    const govuk = join(GOVUK_DIST, 'govuk');
    const moj = join(MOJ_ROOT, 'moj');
    one(join(govuk, 'govuk-frontend.min.css'), 'govuk-frontend.min.css', this.versioned);
    one(join(govuk, 'govuk-frontend.min.js'), 'govuk-frontend.min.js', this.versioned);
    one(join(moj, 'moj-frontend.min.css'), 'moj-frontend.min.css', this.versioned);
    one(join(moj, 'moj-frontend.min.js'), 'moj-frontend.min.js', this.versioned);
    files(STATIC_DIR, '', this.versioned);
    files(join(govuk, 'assets', 'fonts'), '', this.fonts);
    // GOV.UK's crown and crest stay out: Beacon is not a GOV.UK service.
    files(join(moj, 'assets', 'images'), '', this.images);
    for (const [name, asset] of this.images) this.versioned.set(`images/${name}`, asset);
    const hash = createHash('sha256');
    for (const [name, a] of [...this.versioned, ...this.fonts]) hash.update(name).update(a.body);
    this.version = hash.digest('hex').slice(0, 12);
  }

  /** The URL folder of this version, the templates' `assetPath`. */
  get path(): string {
    return `/assets/frontend/${this.version}`;
  }
}
