#!/usr/bin/python3
"""A /ceph/cmd responder that behaves like pvcd, the PVC node daemon (zk-layout.md section 5.1).

Run with Debian's python3-kazoo (/usr/bin/python3). Like pvcd it handles a command *inside* its
kazoo DataWatch callback, taking the real kazoo WriteLock on /ceph/cmd there with no timeout, and
kazoo delivers every watch callback of this client on one thread: a foreign lock child of
/ceph/cmd present when it starts waiting freezes that thread for good. It answers
'success-<value>', sleeps 1 s, releases.

A second DataWatch on --heartbeat (same callback thread) copies each value to '<heartbeat>-ack',
so a test can see whether the callback thread still runs. Like pvcd's keepalive timer (its own
thread), a thread keeps /nodes/<node>/daemonstate = 'run' and a fresh 'keepalive'.

Prints one JSON line per event on stdout. Stops at SIGTERM or when stdin closes.
usage: pvcd_responder.py --zk host:port/chroot --node hv1 --heartbeat /responder-heartbeat
"""
import argparse
import json
import signal
import sys
import threading
import time

from kazoo.client import KazooClient

COMMANDS = {
    "osd_add", "osd_remove", "osd_in", "osd_out", "osd_set", "osd_unset", "pool_add", "pool_remove",
    "volume_add", "volume_remove", "snapshot_add", "snapshot_remove",
}


def log(**fields):
    fields["t"] = round(time.time(), 3)
    print(json.dumps(fields), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zk", required=True)
    ap.add_argument("--node", required=True)
    ap.add_argument("--heartbeat", required=True)
    args = ap.parse_args()

    zk = KazooClient(hosts=args.zk, timeout=10.0)
    zk.start(timeout=15)
    node = "/nodes/" + args.node
    zk.ensure_path(node)
    for key, value in (("daemonstate", "run"), ("keepalive", str(int(time.time())))):
        if zk.exists(node + "/" + key):
            zk.set(node + "/" + key, value.encode())
        else:
            zk.create(node + "/" + key, value.encode())
    for path in (args.heartbeat, args.heartbeat + "-ack"):
        if not zk.exists(path):
            zk.create(path, b"")

    stop = threading.Event()

    def keepalive():
        while not stop.wait(2):
            try:
                zk.set(node + "/keepalive", str(int(time.time())).encode())
            except Exception as e:  # noqa: BLE001 - keep beating, like pvcd
                log(event="keepalive-error", error=str(e))

    threading.Thread(target=keepalive, daemon=True).start()

    @zk.DataWatch("/ceph/cmd")
    def on_command(data, stat, event=None):
        if data is None:
            return
        value = data.decode("utf8")
        try:
            command, _args = value.split()
        except ValueError:
            return  # '' and anything but exactly two tokens (pvcd raises inside the watcher)
        if command not in COMMANDS:
            return  # also its own success-/failure- echoes
        log(event="command", value=value)
        lock = zk.WriteLock("/ceph/cmd")
        with lock:  # no timeout, on the callback thread, as pvcd
            log(event="locked", value=value)
            zk.set("/ceph/cmd", ("success-" + value).encode())
            time.sleep(1)
        log(event="released", value=value)

    @zk.DataWatch(args.heartbeat)
    def on_heartbeat(data, stat, event=None):
        if data is not None and data != b"":
            zk.set(args.heartbeat + "-ack", data)

    def finish(*_):
        stop.set()

    signal.signal(signal.SIGTERM, finish)
    threading.Thread(target=lambda: (sys.stdin.read(), finish()), daemon=True).start()
    log(event="ready")
    stop.wait()
    zk.stop()
    zk.close()


if __name__ == "__main__":
    main()
