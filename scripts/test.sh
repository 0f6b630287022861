#!/usr/bin/env bash
# The whole test suite on a fresh machine: toolchain, dependencies, services, type-check, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
pnpm install --frozen-lockfile
pnpm test "$@"
