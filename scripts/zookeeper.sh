#!/usr/bin/env bash
# A throw-away standalone ZooKeeper on a free loopback port, for tests and demos.
#   scripts/zookeeper.sh start <dir>   installs Debian's zookeeper if missing, starts a server with its
#                                      data in <dir>, waits until it answers, writes <dir>/env
#                                      (ZK_PORT, ZK_PID, PVC_TEST_ZK) and prints PVC_TEST_ZK=127.0.0.1:<port>
#   scripts/zookeeper.sh stop <dir>    stops the server started in <dir> (by PID); a later `start <dir>`
#                                      restarts it on the same port with the same data
# A server started with `start` can be reused by hand: `source <dir>/env`.
set -euo pipefail

usage() { echo "usage: $0 start|stop <dir>" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd="$1"
dir="$(mkdir -p "$2" && cd "$2" && pwd)"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_zookeeper() {
  [ -f /usr/share/java/zookeeper.jar ] && return 0
  echo "zookeeper.sh: installing Debian's zookeeper package" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends zookeeper >&2 || {
    as_root apt-get -o DPkg::Lock::Timeout=600 update >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends zookeeper >&2
  }
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# "ruok" is not whitelisted by default; a TCP connect plus a 'srvr'-free check is enough: the server
# accepts client connections only once it is serving.
answers() {
  node -e '
    const s = require("net").connect(+process.argv[1], "127.0.0.1")
    s.on("connect", () => { s.destroy(); process.exit(0) })
    s.on("error", () => process.exit(1))
    setTimeout(() => process.exit(1), 1000)' "$1" 2>/dev/null ||
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  install_zookeeper
  if [ -f "$dir/env" ]; then
    # shellcheck disable=SC1091
    source "$dir/env"
    if kill -0 "$ZK_PID" 2>/dev/null; then echo "PVC_TEST_ZK=$PVC_TEST_ZK"; return 0; fi
  fi
  local port
  # A restart in the same directory keeps the port (clients reconnect to the same address).
  if [ -f "$dir/zoo.cfg" ]; then port="$(sed -n 's/^clientPort=//p' "$dir/zoo.cfg")"; else port="$(free_port)"; fi
  mkdir -p "$dir/data"
  cat >"$dir/zoo.cfg" <<EOF
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$dir/data
clientPort=$port
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,stat
EOF
  java -Dzookeeper.log.dir="$dir" -Dzookeeper.root.logger=INFO,CONSOLE \
    -cp "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar:/usr/share/java/*" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$dir/zoo.cfg" >"$dir/server.log" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 1 300); do
    if answers "$port"; then
      printf 'ZK_PORT=%s\nZK_PID=%s\nPVC_TEST_ZK=127.0.0.1:%s\n' "$port" "$pid" "$port" >"$dir/env"
      echo "PVC_TEST_ZK=127.0.0.1:$port"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "zookeeper.sh: server exited, see $dir/server.log" >&2; tail -20 "$dir/server.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "zookeeper.sh: server did not answer on port $port within 60 s" >&2
  kill "$pid" 2>/dev/null || true
  exit 1
}

stop() {
  [ -f "$dir/env" ] || return 0
  # shellcheck disable=SC1091
  source "$dir/env"
  if kill -0 "$ZK_PID" 2>/dev/null; then
    kill "$ZK_PID"
    for _ in $(seq 1 50); do kill -0 "$ZK_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$ZK_PID" 2>/dev/null || true
  fi
  rm -f "$dir/env"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
