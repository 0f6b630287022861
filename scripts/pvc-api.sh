#!/usr/bin/env bash
# Runs the API (packages/http/src/main.ts) with the V8 heap settings it is measured with; arguments
# are passed on (`--config <file>`). PVC_API_V8_FLAGS replaces the settings below.
#
# Measured at 10,000 VMs (README, "Performance"), where the live cluster state is ~70 MiB:
# --max-semi-space-size=8    Node 24 lets the young generation grow to 2 x 64 MiB on a machine
#                            with many GiB; 2 x 8 MiB costs no measurable throughput, ~110 MiB less RSS.
# --heap-growing-percent=30  V8 lets the old generation grow to up to 4x the live data before a
#                            full collection (RSS 330 -> 530 MiB over the benchmark); 1.3x keeps
#                            it flat. It is a growth factor, not a limit: a bigger cluster still fits.
# MALLOC_ARENA_MAX=1         the API runs JavaScript on one thread; glibc's arena per helper thread
#                            only holds freed memory (10-20 MiB of RSS at start-up).
set -euo pipefail
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
# shellcheck disable=SC2086 # the flags are words
exec node ${PVC_API_V8_FLAGS---max-semi-space-size=8 --heap-growing-percent=30} "$(dirname "$0")/../packages/http/src/main.ts" "$@"
