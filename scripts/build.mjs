// Compiles apps, libs, migrations and scripts to dist/ as native ESM, rewrites the
// @beacon/* path aliases to relative paths with .js extensions, and copies assets.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
rmSync('dist', { recursive: true, force: true });
execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
execFileSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });

// .json: the import mappings (libs/imports/src/mappings), read at run time.
const assets = new Set(['.csv', '.css', '.html', '.njk', '.svg', '.txt', '.json']);
function copyAssets(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    // static/ folders (libs/web's browser script, stylesheet and favicon) are copied whole: they are not compiled.
    if (statSync(path).isDirectory()) name === 'static' ? cpSync(path, join('dist', path), { recursive: true }) : copyAssets(path);
    else if (assets.has(extname(name))) cpSync(path, join('dist', path));
  }
}
for (const root of ['apps', 'libs']) copyAssets(root);
