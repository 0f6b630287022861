#!/usr/bin/env bash
# Runs the API (packages/http/src/main.ts) with the V8 heap settings it is measured with; arguments
# are passed on (`--config <file>`). PVC_API_V8_FLAGS replaces the settings below.
#
# --max-semi-space-size=16: on a machine with many GiB, Node 24 lets the young generation grow to
# 2 x 64 MiB, which at 10,000 VMs is as much as the whole cluster state (~90 MiB live) and makes the
# resident size ~400 MiB; 2 x 16 MiB keeps it ~100 MiB lower for the same throughput (README,
# "Performance").
set -euo pipefail
# shellcheck disable=SC2086 # the flags are words
exec node ${PVC_API_V8_FLAGS---max-semi-space-size=16} "$(dirname "$0")/../packages/http/src/main.ts" "$@"
