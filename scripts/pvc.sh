#!/usr/bin/env bash
# The `pvc` command-line tool from a fresh clone: Node 24 and pnpm from .tools/ (installed on first use,
# with the workspace's dependencies), then `pvc` with the arguments given. `pnpm pvc ...` is the same
# once `source scripts/toolchain.sh` has put the toolchain on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
[ -d node_modules/@pvc/cli ] || pnpm install --frozen-lockfile >&2
exec node packages/cli/src/main.ts "$@"
