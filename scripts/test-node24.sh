#!/usr/bin/env bash
# The test suite once more under Node.js 24 (the current LTS the Dockerfile builds on; see
# scripts/node24.sh): this proves the code on the line production runs. Usage: scripts/test-node24.sh [jest args…]
set -euo pipefail
exec "$(dirname "$0")/node24.sh" npm test -- "$@"
