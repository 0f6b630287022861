#!/usr/bin/env bash
# The whole test suite on a fresh machine: toolchain, dependencies, services, type-check, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
pnpm install --frozen-lockfile

# A throw-away ZooKeeper for the integration tests (installed from Debian when missing), stopped on exit.
zk_dir="$(mktemp -d "${TMPDIR:-/tmp}/pvc-test-zk.XXXXXX")"
stop_services() { scripts/zookeeper.sh stop "$zk_dir" || true; rm -rf "$zk_dir"; }
trap stop_services EXIT
zk_env="$(scripts/zookeeper.sh start "$zk_dir")"
export "${zk_env##*$'\n'}"
echo "test.sh: ZooKeeper on $PVC_TEST_ZK" >&2

pnpm test "$@"
