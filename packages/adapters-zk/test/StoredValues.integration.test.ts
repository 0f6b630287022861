import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { addAcl, type ClusterSnapshot, ClusterStore, EntityKey, listAcls, listNetworks, type RegexEngine, removeAcl, Vni } from "@pvc/core"
import { layer as RegexEngineLive } from "@pvc/adapters-re2js"
import { Effect, Layer } from "effect"
import { type MockInstance, vi } from "vitest"
import { layer } from "../src/ClusterStoreZk.ts"
import { INIT_KEYS } from "../src/Layout.ts"
import { layerConfig } from "../src/ZkConfig.ts"
import { configFor, freshChroot, rawClient, testZk, zkRaw } from "./support.ts"

// Issue 13: nothing in ZooKeeper is hidden. Another client (standing in for the 2019 CLI, which
// writes ZooKeeper directly) stores what the layout can hold; the store lists it as stored.

testZk()

const withCluster = <A, E>(body: (daemon: ReturnType<typeof zkRaw>) => Effect.Effect<A, E, ClusterStore | RegexEngine>) =>
  Effect.gen(function*() {
    const chroot = yield* Effect.promise(freshChroot)
    const client = yield* Effect.acquireRelease(Effect.promise(() => rawClient(chroot)), (c) => Effect.sync(() => c.close()))
    const cli = zkRaw(client)
    yield* Effect.promise(() => cli.create(INIT_KEYS))
    return yield* body(cli).pipe(
      Effect.provide(Layer.merge(layer.pipe(Layer.provide(layerConfig(configFor(chroot)))), RegexEngineLive))
    )
  }).pipe(Effect.scoped)

const eventually = (done: (snap: ClusterSnapshot) => boolean, what: string) =>
  Effect.gen(function*() {
    for (let i = 0; i < 100; i++) {
      const snap = yield* ClusterStore.use((s) => s.snapshot)
      if (done(snap)) return snap
      yield* Effect.sleep(50)
    }
    return yield* Effect.die(new Error(`store never saw: ${what}`))
  })

/** `network add` of the original CLI (zk-layout §4), under any VNI key it was given. */
const cliNetwork = (vni: string, description: string): ReadonlyArray<readonly [string, string]> => [
  [`/networks/${vni}`, description],
  [`/networks/${vni}/nettype`, "managed"],
  [`/networks/${vni}/domain`, `${description}.local`],
  [`/networks/${vni}/ip6_network`, "None"],
  [`/networks/${vni}/ip6_gateway`, "None"],
  [`/networks/${vni}/dhcp6_flag`, "False"],
  [`/networks/${vni}/ip4_network`, "10.1.0.0/24"],
  [`/networks/${vni}/ip4_gateway`, "10.1.0.1"],
  [`/networks/${vni}/dhcp4_flag`, "False"],
  [`/networks/${vni}/dhcp4_start`, "None"],
  [`/networks/${vni}/dhcp4_end`, "None"],
  [`/networks/${vni}/dhcp4_leases`, ""],
  [`/networks/${vni}/dhcp4_reservations`, ""],
  [`/networks/${vni}/firewall_rules`, ""],
  [`/networks/${vni}/firewall_rules/in`, ""],
  [`/networks/${vni}/firewall_rules/out`, ""]
]

/** ACLs as the CLI numbers them: plain decimals, which the daemons sort as strings. */
const cliAcls = (vni: string, count: number): ReadonlyArray<readonly [string, string]> =>
  Array.from({ length: count }, (_, i) => [
    [`/networks/${vni}/firewall_rules/in/r${i}`, ""] as const,
    [`/networks/${vni}/firewall_rules/in/r${i}/order`, String(i)] as const,
    [`/networks/${vni}/firewall_rules/in/r${i}/rule`, `tcp dport ${1000 + i} accept`] as const
  ]).flat()

const UUID = "6f1d2c3b-0000-4000-8000-0000000000aa"

describe("values other writers stored are listed as stored (real ZooKeeper)", () => {
  let warn: MockInstance<typeof console.warn>
  beforeEach(() => {
    warn = vi.spyOn(console, "warn").mockImplementation(() => {})
  })
  afterEach(() => warn.mockRestore())

  const warningsAbout = (root: string) => warn.mock.calls.filter((args) => String(args[0]).includes(` ${root} `))

  it.live("a network with a text VNI key, an unknown VM state and node state: listed, one warning each", () =>
    withCluster((cli) =>
      Effect.gen(function*() {
        yield* Effect.promise(() => cli.create(cliNetwork("lab", "lab-net")))
        yield* Effect.promise(() => cli.create(cliNetwork("0100", "padded-net")))
        yield* Effect.promise(() => cli.create([
          [`/domains/${UUID}`, "odd1"],
          [`/domains/${UUID}/state`, "paused"],
          [`/domains/${UUID}/node`, "hv1"],
          [`/domains/${UUID}/lastnode`, ""],
          [`/domains/${UUID}/xml`, "<domain><name>odd1</name></domain>"],
          ["/nodes/hv1", "hypervisor"],
          ["/nodes/hv1/daemonstate", "fenced"]
        ]))
        const snap = yield* eventually((s) => s.networks.size === 2 && s.vms.size === 1 && s.nodes.size === 1, "all written")
        const lab = snap.networks.get(Vni.make("lab"))!
        assert.strictEqual(lab.description, "lab-net")
        assert.strictEqual(snap.networks.get(Vni.make("0100"))?.description, "padded-net")
        assert.strictEqual(snap.vms.get(UUID as never)?.state, "paused")
        assert.strictEqual(snap.nodes.get("hv1" as never)?.daemonState, "fenced")
        // Numbers first in numeric order, then text keys (the list use-case).
        assert.deepStrictEqual((yield* listNetworks()).map((n) => n.vni), ["0100", "lab"])
        assert.lengthOf(warningsAbout("/networks/lab"), 1)
        assert.lengthOf(warningsAbout(`/domains/${UUID}`), 1)
        assert.lengthOf(warningsAbout("/nodes/hv1"), 1)
        assert.lengthOf(warningsAbout("/networks/0100"), 0)
        // Later changes to the same entity do not warn again.
        yield* Effect.promise(() => cli.set(`/domains/${UUID}/node`, "hv2"))
        yield* eventually((s) => s.vms.get(UUID as never)?.node === "hv2", "node changed")
        assert.lengthOf(warningsAbout(`/domains/${UUID}`), 1)
      })
    ))

  it.live("writes to a text-VNI network land under its own key", () =>
    withCluster((cli) =>
      Effect.gen(function*() {
        yield* Effect.promise(() => cli.create(cliNetwork("lab", "lab-net")))
        yield* eventually((s) => s.networks.size === 1, "network")
        yield* addAcl("lab-net", "allow-ssh", { direction: "in", rule: "tcp dport 22 accept" })
        assert.deepStrictEqual(yield* Effect.promise(() => cli.children("/networks/lab/firewall_rules/in")), ["allow-ssh"])
        assert.strictEqual((yield* Effect.promise(() => cli.get("/networks/lab/firewall_rules/in/allow-ssh/order")))?.data, "0")
        assert.deepStrictEqual((yield* listAcls("lab")).map((a) => a.description), ["allow-ssh"])
      })
    ))

  it.live("twelve CLI-numbered ACLs are listed in the daemons' string order; a write pads them without reordering", () =>
    withCluster((cli) =>
      Effect.gen(function*() {
        yield* Effect.promise(() => cli.create([...cliNetwork("100", "net100"), ...cliAcls("100", 12)]))
        yield* eventually((s) => s.acls.size === 12, "acls")
        const applied = ["r0", "r1", "r10", "r11", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"]
        assert.deepStrictEqual((yield* listAcls("100")).map((a) => a.description), applied)
        assert.deepStrictEqual((yield* listAcls("100")).map((a) => a.order).slice(0, 3), ["0", "1", "10"])
        yield* addAcl("100", "new", { direction: "in", rule: "icmp accept", order: "3" })
        yield* removeAcl("100", "r4")
        const intended = ["r0", "r1", "r10", "new", "r11", "r2", "r3", "r5", "r6", "r7", "r8", "r9"]
        // What pvcd reads: every order key, sorted as strings.
        const stored = yield* Effect.forEach(intended, (d) =>
          Effect.map(Effect.promise(() => cli.get(`/networks/100/firewall_rules/in/${d}/order`)), (v) => [v!.data, d] as const))
        assert.deepStrictEqual([...stored].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d), intended)
        assert.deepStrictEqual(stored.map(([order]) => order), intended.map((_, i) => String(i).padStart(2, "0")))
        const after = yield* eventually((s) => s.acls.get(EntityKey.acl("100", "in", "r9"))?.order === "11", "renumbered")
        assert.strictEqual(after.acls.size, 12)
        assert.deepStrictEqual((yield* listAcls("100")).map((a) => a.description), intended)
      })
    ))
})
