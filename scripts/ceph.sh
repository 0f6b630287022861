#!/usr/bin/env bash
# A throwaway single-host Ceph (Debian 12's Pacific packages) for tests and benches.
#   scripts/ceph.sh up <dir>             one mon, one mgr, $PVC_CEPH_OSDS memstore OSDs (default 1), all bound
#                                        to 127.0.0.1 on free ports, cephx with a generated admin keyring; waits
#                                        until OSDs are up/in and every PG is active+clean; writes <dir>/env and
#                                        prints `PVC_TEST_CEPH_CONF=<dir>/ceph.conf`
#   scripts/ceph.sh down <dir>           stops the daemons started in <dir> by their recorded PIDs, removes <dir>
#   scripts/ceph.sh osd-add <dir> [dev]  creates and starts one more memstore OSD, prints its id ([dev] is only
#                                        recorded: memstore needs no device); returns once the daemon leads its
#                                        own session (nothing is left in the caller's process group). The OSD is
#                                        not in the CRUSH map (osd_crush_update_on_start = false): the caller
#                                        places it (`ceph osd crush add osd.<id> <weight> root=default host=<h>`)
#   scripts/ceph.sh osd-stop <dir> <id>  stops the daemon started for OSD <id> (by PID), deletes its data
#   scripts/ceph.sh osd-rm <dir> <id>    osd-stop, then purges the OSD from the cluster
# Needs: apt-get install --no-install-recommends ceph-mon ceph-mgr ceph-osd ceph-common (installed on demand).
set -Eeuo pipefail

usage() { echo "usage: $0 up|down <dir> | osd-add <dir> [device] | osd-stop|osd-rm <dir> <id>" >&2; exit 2; }
(( $# >= 2 )) || usage
cmd=$1
dir=$(realpath -m -- "$2")
case "$dir" in /|/tmp|/root|/home|/work|/usr|/etc|/var|/dev/shm) echo "ceph.sh: refusing <dir>=$dir" >&2; exit 1;; esac
conf=$dir/ceph.conf
marker=$dir/.pvc-ceph
timeout_s=${PVC_CEPH_TIMEOUT:-120}
t0=$(date +%s%N)
say() { local ms=$(( ($(date +%s%N) - t0) / 1000000 )); printf 'ceph.sh [%d.%03ds] %s\n' $((ms/1000)) $((ms%1000)) "$*" >&2; }
fail() { say "ERROR: $*"; exit 1; }
cli() { timeout 60 ceph -c "$conf" --connect-timeout 15 "$@"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
install_ceph() {
  command -v ceph-mon >/dev/null && command -v ceph-osd >/dev/null && command -v ceph-mgr >/dev/null && return 0
  say "installing Debian's ceph packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    ceph-mon ceph-mgr ceph-osd ceph-common >&2 || {
    as_root apt-get -o DPkg::Lock::Timeout=600 update -q >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
      ceph-mon ceph-mgr ceph-osd ceph-common >&2
  }
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# A PID is ours only while its command line names our ceph.conf (guards against PID reuse).
ours() { [[ -r /proc/$1/cmdline ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$conf"; }
running() { local s; s=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1; [[ -n $s && $s != Z ]]; }

# Session id of a process (field 6 of /proc/<pid>/stat; the command name before it may hold spaces).
session_of() { local s; s=$(<"/proc/$1/stat") 2>/dev/null || return 1; s=${s##*) }; read -r _ _ _ sid _ <<<"$s"; echo "$sid"; }

# name binary args... — foreground daemon in its own session. Returns only once the daemon leads its
# session: until then it is still in this script's process group, and whoever ran this script may
# signal that whole group when the script exits (effect's child-process spawner sends SIGTERM to the
# group of a command that exits), killing a daemon that has not yet called setsid().
spawn() {
  local name=$1 pid; shift
  setsid "$@" -c "$conf" -f >>"$dir/log/$name.out" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$dir/pids/$name.pid"
  for _ in $(seq 1 1000); do
    [[ $(session_of "$pid") == "$pid" ]] && return 0
    running "$pid" || fail "$name exited at start; see $dir/log/$name.out"
    sleep 0.01
  done
  fail "$name (pid $pid) did not lead its own session within 10 s"
}

stop_pids() {  # pidfile... : TERM, wait up to 5 s, KILL
  local f p; local -a live=()
  for f in "$@"; do
    [[ -s $f ]] || continue; p=$(<"$f")
    [[ $p =~ ^[0-9]+$ ]] && ours "$p" && running "$p" && live+=("$p")
    rm -f "$f"
  done
  ((${#live[@]})) || return 0
  kill -TERM "${live[@]}" 2>/dev/null || true
  for _ in $(seq 1 50); do
    local any=0; for p in "${live[@]}"; do running "$p" && any=1; done
    (( any )) || return 0; sleep 0.1
  done
  for p in "${live[@]}"; do running "$p" && ours "$p" && kill -KILL "$p" 2>/dev/null || true; done
}

osd_add() {  # prints the new id; OSD gets its own cephx key
  local uuid key id data
  uuid=$(uuidgen); key=$(ceph-authtool --gen-print-key)
  printf '{"cephx_secret": "%s"}\n' "$key" >"$dir/tmp/osd-$uuid.json"
  id=$(cli osd new "$uuid" -i "$dir/tmp/osd-$uuid.json"); rm -f "$dir/tmp/osd-$uuid.json"
  [[ $id =~ ^[0-9]+$ ]] || fail "unexpected 'ceph osd new' output: $id"
  data=$dir/osd/ceph-$id; rm -rf "$data"; mkdir -p "$data"
  ceph-authtool --create-keyring "$data/keyring" --name "osd.$id" --add-key "$key" >/dev/null
  ceph-osd -c "$conf" -i "$id" --mkfs --osd-uuid "$uuid" >>"$dir/log/osd.$id.out" 2>&1 \
    || { tail -20 "$dir/log/osd.$id.out" >&2; fail "mkfs of osd.$id failed"; }
  spawn "osd.$id" ceph-osd -i "$id"
  echo "$id"
}

# Ready = every OSD of the map up and in, a manager available, HEALTH_OK and every PG of every pool
# active+clean as reported by the manager (compared with the osdmap's pg_num, so unreported PGs count).
ready_line() {
  { cli status --format json && echo && cli osd dump --format json; } 2>/dev/null | python3 -c '
import json, sys
s, d = [json.loads(l) for l in sys.stdin.read().split("\n") if l.strip()][:2]
o = s["osdmap"]; o = o.get("osdmap", o); pg = s.get("pgmap", {})
clean = sum(x["count"] for x in pg.get("pgs_by_state", []) if x["state_name"] == "active+clean")
want = sum(p["pg_num"] for p in d["pools"])
ok = (o["num_osds"] > 0 and o["num_osds"] == o["num_up_osds"] == o["num_in_osds"]
      and s.get("mgrmap", {}).get("available", False) and clean == pg.get("num_pgs", 0) == want
      and s["health"]["status"] == "HEALTH_OK")
print(("READY " if ok else "WAIT ") + "%s osds=%d/%d/%d pgs=%d/%d" % (s["health"]["status"],
      o["num_osds"], o["num_up_osds"], o["num_in_osds"], clean, want))'
}
wait_ready() {
  local deadline=$(( $(date +%s) + timeout_s )) line=""
  until line=$(ready_line) && [[ $line == READY* ]]; do
    (( $(date +%s) < deadline )) || fail "not ready after ${timeout_s}s (${line:-mon silent}); logs in $dir/log"
    sleep 0.3
  done
  say "$line"
}

write_conf() {
  local fsid=$1 mons=$2 pmin=$3
  cat >"$conf" <<EOF
[global]
fsid = $fsid
mon_host = $mons
mon_initial_members = a
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
public_network = 127.0.0.0/8
ms_bind_ipv6 = false
ms_bind_port_min = $pmin
ms_bind_port_max = $((pmin + 99))
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
auth_allow_insecure_global_id_reclaim = false
keyring = $dir/keyring
run_dir = $dir/run
# daemons only (below): concurrent ceph/rbd clients sharing one socket path print "(17) File exists"
crash_dir = $dir/crash
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_allow_pool_delete = true
mon_max_pg_per_osd = 1000
mon_warn_on_pool_no_redundancy = false
mon_warn_on_too_few_osds = false
mon_warn_on_pool_no_app = false
mon_data_avail_warn = 2
mon_data_avail_crit = 1
osd_objectstore = memstore
# a starting OSD would put itself under host=$(hostname) while the agent places it under its node's
# name (two CRUSH hosts); OSDs are placed explicitly instead (up: below; osd-add: by the caller)
osd_crush_update_on_start = false

[mon]
mon_data = $dir/mon/\$cluster-\$id
# paxos batches map changes for 1 s by default: every osd set / pool create would cost ~1 s
paxos_propose_interval = 0.05
paxos_min_wait = 0.01
log_file = $dir/log/\$name.log
admin_socket = $dir/run/\$cluster-\$name.asok
mon_cluster_log_file = $dir/log/cluster.log
pid_file = $dir/run/\$name.pid

[mgr]
mgr_data = $dir/mgr/\$cluster-\$id
log_file = $dir/log/\$name.log
admin_socket = $dir/run/\$cluster-\$name.asok
pid_file = $dir/run/\$name.pid
mgr_initial_modules = iostat

[osd]
osd_data = $dir/osd/\$cluster-\$id
keyring = \$osd_data/keyring
log_file = $dir/log/\$name.log
admin_socket = $dir/run/\$cluster-\$name.asok
pid_file = $dir/run/\$name.pid
memstore_device_bytes = $(( ${PVC_CEPH_OSD_GIB:-4} * 1073741824 ))
osd_op_num_shards = 2
osd_op_num_threads_per_shard = 1
# memstore looks rotational: without these, recovery after osd out/in sleeps per op
osd_recovery_sleep_hdd = 0
osd_max_backfills = 4
osd_recovery_max_active_hdd = 8

[client]
log_file = /dev/null
admin_socket =
EOF
}

up() {
  install_ceph
  if [[ -f $marker && -s $dir/pids/mon.a.pid ]] && ours "$(<"$dir/pids/mon.a.pid")"; then
    say "cluster in $dir already running"; wait_ready; echo "PVC_TEST_CEPH_CONF=$conf"; return 0
  fi
  [[ -e $dir && ! -f $marker && -n $(ls -A "$dir" 2>/dev/null) ]] && fail "$dir exists and is not ours"
  [[ -f $marker ]] && down >/dev/null
  mkdir -p "$dir"/{mon,mgr/ceph-x,osd,log,run,pids,crash,tmp}; touch "$marker"
  trap 'rc=$?; (( rc == 0 )) || { say "up failed: stopping what it started (logs kept in $dir/log)"; stop_all; }' EXIT
  local fsid v2 v1; fsid=$(uuidgen); v2=$(free_port); v1=$(free_port)
  write_conf "$fsid" "[v2:127.0.0.1:$v2,v1:127.0.0.1:$v1]" "${PVC_CEPH_PORT_MIN:-$(( 20000 + RANDOM % 20000 ))}"
  local kr=$dir/keyring
  ceph-authtool --create-keyring "$kr" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$kr" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
  ceph-authtool "$kr" --gen-key -n mgr.x --cap mon 'allow profile mgr' --cap osd 'allow *' --cap mds 'allow *' >/dev/null
  chmod 600 "$kr"
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$v2,v1:127.0.0.1:$v1]" "$dir/monmap" >/dev/null
  ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$kr" >>"$dir/log/mon.a.out" 2>&1 || fail "ceph-mon --mkfs failed"
  spawn mon.a ceph-mon -i a
  for _ in $(seq 1 $((timeout_s * 4))); do cli mon stat >/dev/null 2>&1 && break; sleep 0.25; done
  cli mon stat >/dev/null 2>&1 || fail "monitor does not answer; see $dir/log"
  say "monitor up on 127.0.0.1:$v2"
  cli config set mgr mgr/devicehealth/enable_monitoring false --force >/dev/null || true
  spawn mgr.x ceph-mgr -i x
  local n
  local n id weight host out; host=$(hostname -s)
  weight=$(awk -v g="${PVC_CEPH_OSD_GIB:-4}" 'BEGIN { printf "%.4f", g / 1024 }')
  for n in $(seq 1 "${PVC_CEPH_OSDS:-1}"); do
    id=$(osd_add)
    out=$(cli osd crush add "osd.$id" "$weight" root=default "host=$host" 2>&1) || fail "crush add osd.$id: $out"
    say "osd.$id started, in CRUSH under host=$host"
  done
  wait_ready
  printf 'export CEPH_CONF=%s\nexport PVC_TEST_CEPH_CONF=%s\n' "$conf" "$conf" >"$dir/env"
  trap - EXIT
  echo "PVC_TEST_CEPH_CONF=$conf"
}

stop_all() {
  shopt -s nullglob
  # OSDs first, while the monitor can still acknowledge their shutdown
  stop_pids "$dir"/pids/osd.*.pid
  stop_pids "$dir"/pids/mgr.*.pid "$dir"/pids/mon.*.pid
}
down() {
  [[ -e $dir ]] || { say "$dir does not exist"; return 0; }
  [[ -f $marker ]] || fail "$dir was not made by ceph.sh up; not touching it"
  stop_all; rm -rf -- "$dir"; say "stopped and removed $dir"
}

osd_stop() {
  local id=$1
  [[ $id =~ ^[0-9]+$ ]] || fail "bad OSD id $id"
  stop_pids "$dir/pids/osd.$id.pid"
  rm -rf "$dir/osd/ceph-$id"
}
osd_rm() {
  osd_stop "$1"
  cli osd down "$1" >/dev/null 2>&1 || true
  cli osd purge "$1" --yes-i-really-mean-it >/dev/null
}

case $cmd in
  up) up ;;
  down) down ;;
  osd-add) [[ -f $marker ]] || fail "no cluster in $dir"; osd_add ;;
  osd-stop) [[ -f $marker && $# -ge 3 ]] || usage; osd_stop "$3" ;;
  osd-rm) [[ -f $marker && $# -ge 3 ]] || usage; osd_rm "$3" ;;
  *) usage ;;
esac
