#!/usr/bin/env bash
# The whole test suite on a fresh machine: toolchain, dependencies, the real services the integration
# tests use (ZooKeeper, a single-host Ceph, libvirt's client with its test driver), type-check, tests.
# Services are started under one temporary directory and stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
pnpm install --frozen-lockfile

scripts/libvirt-deps.sh
# The pvcd conformance test runs a kazoo responder with Debian's python3-kazoo (/usr/bin/python3).
if ! /usr/bin/python3 -c 'import kazoo' 2>/dev/null; then
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get -o DPkg::Lock::Timeout=600 update -q >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends python3-kazoo >&2
fi

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/pvc-test.XXXXXX")"
stop_services() {
  scripts/ceph.sh down "$run_dir/ceph" >/dev/null 2>&1 || true
  scripts/zookeeper.sh stop "$run_dir/zk" >/dev/null 2>&1 || true
  rm -rf "$run_dir"
}
trap stop_services EXIT

# Each script prints NAME=value lines on stdout; the last one is what the tests read.
last_line() { tail -n 1 <<<"$1"; }
export "$(last_line "$(scripts/zookeeper.sh start "$run_dir/zk")")"
echo "test.sh: ZooKeeper on $PVC_TEST_ZK" >&2
export "$(last_line "$(scripts/ceph.sh up "$run_dir/ceph")")"
echo "test.sh: Ceph with CEPH_CONF=$PVC_TEST_CEPH_CONF" >&2

pnpm test "$@"
