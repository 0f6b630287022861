import { assert, describe, it } from "@effect/vitest"
import {
  type Change,
  type ClusterSnapshot,
  ClusterStore,
  type Entity,
  EntityKey,
  Ip4Config,
  Ip6Config,
  put
} from "@pvc/core"
import { makeAcl, makeNetwork, makeNode, makeReservation, makeVm, rbdDisk } from "@pvc/testkit"
import { Effect, Layer } from "effect"
import { layer, layerNoDeps } from "../src/ClusterStoreZk.ts"
import { layer as layerZkClient, ZkClient } from "../src/ZkClient.ts"
import { INIT_KEYS } from "../src/Layout.ts"
import { layerConfig } from "../src/ZkConfig.ts"
import { configFor, freshChroot, rawClient, testZk, zkRaw } from "./support.ts"

testZk()

const UUID = "bd849578-1e44-4ab6-a4f8-bf6d3cb1e3c0"
const VM = `/domains/${UUID}`

/** A store and a raw "daemon" client on one fresh, initialised chroot. */
const withCluster = <A, E>(
  body: (daemon: ReturnType<typeof zkRaw>) => Effect.Effect<A, E, ClusterStore>
) =>
  Effect.gen(function*() {
    const chroot = yield* Effect.promise(freshChroot)
    const client = yield* Effect.acquireRelease(Effect.promise(() => rawClient(chroot)), (c) => Effect.sync(() => c.close()))
    const daemon = zkRaw(client)
    yield* Effect.promise(() => daemon.create(INIT_KEYS))
    return yield* body(daemon).pipe(Effect.provide(layer.pipe(Layer.provide(layerConfig(configFor(chroot))))))
  }).pipe(Effect.scoped)

const snapshot = ClusterStore.use((s) => s.snapshot)
const write = (...changes: ReadonlyArray<Change>) =>
  ClusterStore.use((s) => Effect.flatMap(s.snapshot, (base) => s.commit({ base, changes, guards: [] })))

/** Poll the store until `done` holds (the mirror follows ZooKeeper through watches). */
const eventually = (done: (snap: ClusterSnapshot) => boolean, what: string) =>
  Effect.gen(function*() {
    for (let i = 0; i < 100; i++) {
      // While the client reconnects, reads fail fast with StoreUnavailable by design: that is "not yet".
      const snap = yield* snapshot.pipe(Effect.catchTag("StoreUnavailable", () => Effect.succeed(undefined)))
      if (snap !== undefined && done(snap)) return snap
      yield* Effect.sleep(50)
    }
    return yield* Effect.die(new Error(`store never saw: ${what}`))
  })

/** The keys pvcd writes for a brand-new node (zk-layout §2), in one transaction. */
const daemonNode = (name: string): ReadonlyArray<readonly [string, string]> => [
  [`/nodes/${name}`, "hypervisor"],
  [`/nodes/${name}/daemonmode`, "hypervisor"],
  [`/nodes/${name}/daemonstate`, "init"],
  [`/nodes/${name}/routerstate`, "client"],
  [`/nodes/${name}/domainstate`, "flushed"],
  [`/nodes/${name}/staticdata`, "16 4.19.0-5-amd64 GNU/Linux x86_64"],
  [`/nodes/${name}/memtotal`, "0"],
  [`/nodes/${name}/memused`, "0"],
  [`/nodes/${name}/memfree`, "0"],
  [`/nodes/${name}/memalloc`, "0"],
  [`/nodes/${name}/vcpualloc`, "0"],
  [`/nodes/${name}/cpuload`, "0.0"],
  [`/nodes/${name}/networkscount`, "0"],
  [`/nodes/${name}/domainscount`, "0"],
  [`/nodes/${name}/runningdomains`, ""],
  [`/nodes/${name}/keepalive`, "0"],
  [`/nodes/${name}/ipmihostname`, `${name}-lom.pvc.local`],
  [`/nodes/${name}/ipmiusername`, "admin"],
  [`/nodes/${name}/ipmipassword`, "secret"]
]

const dumpOf = (daemon: ReturnType<typeof zkRaw>, path: string) => Effect.promise(() => daemon.dump(path))

describe("ZooKeeper store and node daemons", () => {
  it.live("sees a node appear and its keepalive values change, without moving its revision", () =>
    withCluster((daemon) =>
      Effect.gen(function*() {
        yield* Effect.promise(() => daemon.create(daemonNode("hv1")))
        const first = yield* eventually((s) => s.nodes.has("hv1" as never), "hv1 created")
        const hv1 = first.nodes.get("hv1" as never)!
        assert.strictEqual(hv1.daemonState, "init")
        assert.strictEqual(hv1.domainState, "flushed")
        assert.deepStrictEqual(hv1.staticData.cpuCount, "16")
        const revision = first.revisionOf(EntityKey.node("hv1"))
        // The first keepalive: daemonstate 'run', then resource figures.
        yield* Effect.promise(() => daemon.set("/nodes/hv1/daemonstate", "run"))
        yield* Effect.promise(() => daemon.set("/nodes/hv1/memtotal", "64319"))
        yield* Effect.promise(() => daemon.set("/nodes/hv1/memused", "6144"))
        yield* Effect.promise(() => daemon.set("/nodes/hv1/keepalive", "1764300000"))
        const running = yield* eventually((s) => s.nodes.get("hv1" as never)?.resources.keepalive === "1764300000", "keepalive")
        const node = running.nodes.get("hv1" as never)!
        assert.strictEqual(node.daemonState, "run")
        assert.strictEqual(node.resources.memTotal, 64319)
        assert.strictEqual(node.resources.memUsed, 6144)
        assert.notStrictEqual(running.revisionOf(EntityKey.node("hv1")), revision)
        // A later keepalive changes resource keys only: the revision stays.
        const before = running.revisionOf(EntityKey.node("hv1"))
        yield* Effect.promise(() => daemon.set("/nodes/hv1/keepalive", "1764300005"))
        const later = yield* eventually((s) => s.nodes.get("hv1" as never)?.resources.keepalive === "1764300005", "keepalive 2")
        assert.strictEqual(later.revisionOf(EntityKey.node("hv1")), before)
      })
    ))

  it.live("sees a daemon's VM state change, and a plan based on the older state is refused", () =>
    withCluster((daemon) =>
      Effect.gen(function*() {
        const vm = makeVm("web1", UUID, "hv1", { state: "start" })
        yield* write(put(vm))
        const base = yield* snapshot
        // pvcd: libvirt failed to start the domain.
        yield* Effect.promise(() => daemon.set(`${VM}/failedreason`, "internal error: no memory"))
        yield* Effect.promise(() => daemon.set(`${VM}/state`, "failed"))
        const seen = yield* eventually((s) => s.vms.get(vm.uuid)?.state === "failed", "state failed")
        assert.strictEqual(seen.vms.get(vm.uuid)!.failedReason, "internal error: no memory")
        const store = yield* ClusterStore
        const error = yield* store.commit({ base, changes: [put(makeVm("web1", UUID, "hv1", { state: "shutdown" }))], guards: [] })
          .pipe(Effect.flip)
        assert.strictEqual(error._tag, "StaleSnapshot")
        assert.strictEqual((yield* Effect.promise(() => daemon.get(`${VM}/state`)))?.data, "failed")
      })
    ))

  it.live("keeps following changes across a dropped connection (watches re-registered in batches)", () =>
    Effect.gen(function*() {
      const chroot = yield* Effect.promise(freshChroot)
      const client = yield* Effect.acquireRelease(Effect.promise(() => rawClient(chroot)), (c) => Effect.sync(() => c.close()))
      const daemon = zkRaw(client)
      yield* Effect.promise(() => daemon.create(INIT_KEYS))
      const config = layerConfig(configFor(chroot))
      yield* Effect.gen(function*() {
        const zk = yield* ZkClient
        const vms = Array.from({ length: 300 }, (_, i) => makeVm(`vm${i}`, `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, "hv1"))
        yield* write(...vms.map(put))
        // Let the mirror finish reading (and watching) the new keys before the connection drops.
        yield* Effect.promise(() => daemon.set(`/domains/${vms[0]!.uuid}/state`, "restart"))
        yield* eventually((s) => s.vms.get(vms[0]!.uuid)?.state === "restart", "the mirror to settle")
        yield* Effect.sleep(1_000)
        zk.dropConnection()
        yield* Effect.promise(() => daemon.set(`/domains/${vms[7]!.uuid}/state`, "start"))
        yield* eventually((s) => s.vms.get(vms[7]!.uuid)?.state === "start", "change made around the reconnection")
        yield* Effect.promise(() => daemon.set(`/domains/${vms[299]!.uuid}/state`, "failed"))
        yield* eventually((s) => s.vms.get(vms[299]!.uuid)?.state === "failed", "change after the reconnection")
      }).pipe(Effect.provide(layerNoDeps.pipe(Layer.provideMerge(layerZkClient), Layer.provide(config))))
    }).pipe(Effect.scoped))

  it.live("sees dynamic DHCP leases that dnsmasq's script adds and deletes", () =>
    withCluster((daemon) =>
      Effect.gen(function*() {
        yield* write(put(makeNetwork(100, "cluster-net")))
        const lease = "/networks/100/dhcp4_leases/52:54:00:12:34:56"
        yield* Effect.promise(() =>
          daemon.create([
            [lease, ""],
            [`${lease}/expiry`, "1764303600"],
            [`${lease}/ipaddr`, "10.100.0.101"],
            [`${lease}/hostname`, "web1"],
            [`${lease}/clientid`, "*"]
          ])
        )
        const key = EntityKey.dhcpLease("100", "52:54:00:12:34:56")
        const snap = yield* eventually((s) => s.dhcpLeases.has(key), "lease added")
        const seen = snap.dhcpLeases.get(key)!
        assert.deepStrictEqual(
          [seen.ipAddress, seen.hostname, seen.expiry, seen.clientId],
          ["10.100.0.101", "web1", "1764303600", "*"]
        )
        yield* Effect.promise(async () => {
          for (const k of ["expiry", "ipaddr", "hostname", "clientid"]) await removeKey(daemon, `${lease}/${k}`)
          await removeKey(daemon, lease)
        })
        yield* eventually((s) => !s.dhcpLeases.has(key), "lease deleted")
      })
    ))

  it.live("decodes a node with missing keys with defaults, and lists a VM state it does not know as stored", () =>
    withCluster((daemon) =>
      Effect.gen(function*() {
        yield* Effect.promise(() => daemon.create([["/nodes/bare", "coordinator"], ["/nodes/bare/daemonstate", "run"]]))
        yield* Effect.promise(() => daemon.create([["/domains/broken", "x"], ["/domains/broken/state", "exploded"]]))
        yield* Effect.promise(() => daemon.create([["/nodes/hv9", "hypervisor"]]))
        const snap = yield* eventually((s) => s.nodes.has("hv9" as never), "hv9")
        const bare = snap.nodes.get("bare" as never)!
        assert.strictEqual(bare.daemonMode, "coordinator")
        assert.strictEqual(bare.daemonState, "run")
        assert.strictEqual(bare.resources.memTotal, 0)
        // Issue 13: nothing in ZooKeeper is hidden (was: skipped).
        assert.strictEqual(snap.vms.get("broken" as never)?.state, "exploded")
      })
    ))
})

const removeKey = (daemon: ReturnType<typeof zkRaw>, path: string) => daemon.remove(path)

describe("ZooKeeper store writes exactly the zk-layout keys", () => {
  const xml = `<domain type="kvm"><name>web1</name><uuid>${UUID}</uuid></domain>`

  it.live("define writes the eight VM keys (zk-layout §3)", () =>
    withCluster((daemon) =>
      Effect.gen(function*() {
        yield* write(put(makeVm("web1", UUID, "hv1", { xml, rbdList: [rbdDisk("vms", "web1_disk0")] })))
        assert.deepStrictEqual(yield* dumpOf(daemon, VM), [
          [VM, "web1"],
          [`${VM}/consolelog`, ""],
          [`${VM}/failedreason`, ""],
          [`${VM}/lastnode`, ""],
          [`${VM}/node`, "hv1"],
          [`${VM}/rbdlist`, "vms/web1_disk0"],
          [`${VM}/state`, "stop"],
          [`${VM}/xml`, xml]
        ])
      })
    ))

  it.live("migrate writes state, node and lastnode only (zk-layout §6)", () =>
    withCluster((daemon) =>
      Effect.gen(function*() {
        const vm = makeVm("web1", UUID, "hv1", { xml, state: "start" })
        yield* write(put(vm))
        const versions = yield* Effect.promise(() => versionsBelow(daemon, VM))
        yield* write(put(makeVm("web1", UUID, "hv2", { xml, state: "migrate", lastNode: "hv1" })))
        const after = yield* Effect.promise(() => versionsBelow(daemon, VM))
        const changed = Object.keys(after).filter((k) => after[k] !== versions[k]).sort()
        assert.deepStrictEqual(changed, [`${VM}/lastnode`, `${VM}/node`, `${VM}/state`])
        const dump = new Map(yield* dumpOf(daemon, VM))
        assert.deepStrictEqual(
          [dump.get(`${VM}/state`), dump.get(`${VM}/node`), dump.get(`${VM}/lastnode`)],
          ["migrate", "hv2", "hv1"]
        )
      })
    ))

  it.live("network add writes the network keys and containers (zk-layout §4)", () =>
    withCluster((daemon) =>
      Effect.gen(function*() {
        yield* write(put(makeNetwork(100, "cluster-net", {
          domain: "cluster.local",
          ip4: new Ip4Config({
            network: "10.100.0.0/24",
            gateway: "10.100.0.1",
            dhcpFlag: true,
            dhcpStart: "10.100.0.100",
            dhcpEnd: "10.100.0.199"
          }),
          ip6: new Ip6Config({ network: null, gateway: null, dhcpFlag: false })
        })))
        const n = "/networks/100"
        assert.deepStrictEqual(yield* dumpOf(daemon, n), [
          [n, "cluster-net"],
          [`${n}/dhcp4_end`, "10.100.0.199"],
          [`${n}/dhcp4_flag`, "True"],
          [`${n}/dhcp4_leases`, ""],
          [`${n}/dhcp4_reservations`, ""],
          [`${n}/dhcp4_start`, "10.100.0.100"],
          [`${n}/dhcp6_flag`, "False"],
          [`${n}/domain`, "cluster.local"],
          [`${n}/firewall_rules`, ""],
          [`${n}/firewall_rules/in`, ""],
          [`${n}/firewall_rules/out`, ""],
          [`${n}/ip4_gateway`, "10.100.0.1"],
          [`${n}/ip4_network`, "10.100.0.0/24"],
          [`${n}/ip6_gateway`, "None"],
          [`${n}/ip6_network`, "None"],
          [`${n}/nettype`, "managed"]
        ])
      })
    ))

  it.live("ACL add creates the ACL and renumbers the others' order only (zk-layout §4)", () =>
    withCluster((daemon) =>
      Effect.gen(function*() {
        yield* write(put(makeNetwork(100, "cluster-net")), put(makeAcl(100, "in", "allow-web", 0, "tcp dport 80 accept")))
        const rules = "/networks/100/firewall_rules/in"
        const before = yield* Effect.promise(() => versionsBelow(daemon, rules))
        yield* write(
          put(makeAcl(100, "in", "allow-ssh", 0, "tcp dport 22 accept")),
          put(makeAcl(100, "in", "allow-web", 1, "tcp dport 80 accept"))
        )
        assert.deepStrictEqual(yield* dumpOf(daemon, rules), [
          [rules, ""],
          [`${rules}/allow-ssh`, ""],
          [`${rules}/allow-ssh/order`, "0"],
          [`${rules}/allow-ssh/rule`, "tcp dport 22 accept"],
          [`${rules}/allow-web`, ""],
          [`${rules}/allow-web/order`, "1"],
          [`${rules}/allow-web/rule`, "tcp dport 80 accept"]
        ])
        const after = yield* Effect.promise(() => versionsBelow(daemon, rules))
        assert.strictEqual(after[`${rules}/allow-web/rule`], before[`${rules}/allow-web/rule`])
        assert.notStrictEqual(after[`${rules}/allow-web/order`], before[`${rules}/allow-web/order`])
      })
    ))

  it.live("reservation add writes 'static', hostname and ipaddr (zk-layout §4)", () =>
    withCluster((daemon) =>
      Effect.gen(function*() {
        yield* write(put(makeNetwork(100, "cluster-net")))
        yield* write(
          put(makeReservation(100, "52:54:00:ab:cd:ef", "10.100.0.10", "db1")),
          put(makeReservation(100, "52:54:00:ab:cd:00", "10.100.0.11", null))
        )
        const r = "/networks/100/dhcp4_reservations"
        assert.deepStrictEqual(yield* dumpOf(daemon, r), [
          [r, ""],
          [`${r}/52:54:00:ab:cd:00`, "static"],
          [`${r}/52:54:00:ab:cd:00/hostname`, "None"],
          [`${r}/52:54:00:ab:cd:00/ipaddr`, "10.100.0.11"],
          [`${r}/52:54:00:ab:cd:ef`, "static"],
          [`${r}/52:54:00:ab:cd:ef/hostname`, "db1"],
          [`${r}/52:54:00:ab:cd:ef/ipaddr`, "10.100.0.10"]
        ])
      })
    ))

  it.live("a flush request writes domainstate only, leaving keepalive keys alone", () =>
    withCluster((daemon) =>
      Effect.gen(function*() {
        yield* Effect.promise(() => daemon.create(daemonNode("hv1")))
        const snap = yield* eventually((s) => s.nodes.has("hv1" as never), "hv1")
        const node = snap.nodes.get("hv1" as never)!
        const before = yield* Effect.promise(() => versionsBelow(daemon, "/nodes/hv1"))
        yield* write(put(makeNode("hv1", { ...fieldsOf(node), domainState: "flush" })))
        const after = yield* Effect.promise(() => versionsBelow(daemon, "/nodes/hv1"))
        const changed = Object.keys(after).filter((k) => after[k] !== before[k])
        assert.deepStrictEqual(changed, ["/nodes/hv1/domainstate"])
        assert.strictEqual((yield* Effect.promise(() => daemon.get("/nodes/hv1/domainstate")))?.data, "flush")
      })
    ))
})

const fieldsOf = (node: Entity & { readonly _tag: "Node" }) => {
  const { _tag, ...fields } = node
  return fields
}

const versionsBelow = async (daemon: ReturnType<typeof zkRaw>, path: string): Promise<Record<string, number>> => {
  const out: Record<string, number> = {}
  for (const [p] of await daemon.dump(path)) out[p] = (await daemon.get(p))!.version
  return out
}
