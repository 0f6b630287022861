#!/usr/bin/env bash
# Runs the API (packages/http/src/main.ts) with the memory settings it is measured with; arguments
# are passed on (`--config <file>`). PVC_API_V8_FLAGS replaces the V8 flags below.
#
# Measured with `pnpm bench` (README, "Performance"); at 10,000 VMs the live state is ~110 MiB:
# --max-semi-space-size=8    Node 24 lets the young generation grow to 2 x 64 MiB on a machine
#                            with many GiB: ~110 MiB more RSS for no gain. 2 x 8 MiB costs ~25% more
#                            CPU per write than 2 x 16 (1,000 VMs: ~660 vs ~750 writes/s, both above
#                            the 500 target) and keeps the 10,000-VM peak ~15 MiB lower (258 MiB).
# --heap-growing-percent=15  V8 lets the old generation grow to up to 4x the live data before a
#                            full collection (RSS 330 -> 530 MiB over the benchmark at 10,000 VMs);
#                            1.15x keeps it flat. A growth factor, not a limit: a bigger cluster fits.
# MALLOC_ARENA_MAX=1         the API runs JavaScript on one thread; glibc's arena per helper thread
#                            only holds freed memory (10-20 MiB of RSS at start-up).
set -euo pipefail
# Node 24 and pnpm from .tools/ when the machine's Node is older (installed there on first use)
source "$(dirname "$0")/toolchain.sh"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
# shellcheck disable=SC2086 # the flags are words
exec node ${PVC_API_V8_FLAGS---max-semi-space-size=8 --heap-growing-percent=15} "$(dirname "$0")/../packages/http/src/main.ts" "$@"
