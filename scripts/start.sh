#!/usr/bin/env bash
# Set up and run the API (embedded in-memory cluster unless PVC_CONFIG_FILE or --config says otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
pnpm install --frozen-lockfile >&2
# exec the API itself (not through pnpm, which does not pass SIGTERM on and takes --help for itself)
exec scripts/pvc-api.sh "$@"
