#!/usr/bin/env bash
# The long hostile-input run: 1,000,000 generated requests (PVC_FUZZ_REQUESTS overrides, PVC_FUZZ_SEED replays)
# against the API on a throw-away ZooKeeper of its own (or the one in PVC_TEST_ZK when set).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
source scripts/toolchain.sh
if [ -z "${PVC_TEST_ZK:-}" ]; then
  zk_dir="$(mktemp -d "${TMPDIR:-/tmp}/pvc-fuzz-zk.XXXXXX")"
  trap 'scripts/zookeeper.sh stop "$zk_dir" || true; rm -rf "$zk_dir"' EXIT
  zk_env="$(scripts/zookeeper.sh start "$zk_dir")"
  export "${zk_env##*$'\n'}"
fi
export PVC_FUZZ_REQUESTS="${PVC_FUZZ_REQUESTS:-1000000}"
pnpm vitest run packages/http/test/reliability/Fuzz.integration.test.ts
