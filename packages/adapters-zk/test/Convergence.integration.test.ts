import { type ClusterPlan, type ClusterStore, type Entity, entityKey, put, remove, StaleSnapshot, StoreUnavailable } from "@pvc/core"
import { makeAcl, makeLease, makeNetwork, makeNode, makePool, makeVm } from "@pvc/testkit"
import { Effect, Exit, Scope } from "effect"
import * as fc from "fast-check"
import type zookeeper from "node-zookeeper-client"
import { afterAll, assert, describe, it, vi } from "vitest"
import { initCluster, seedCluster } from "../src/Bootstrap.ts"
import { makeClusterStoreWithMirror } from "../src/ClusterStoreZk.ts"
import { encode, INIT_KEYS, ROOT_KEYS, rootOf } from "../src/Layout.ts"
import type { Mirror } from "../src/Mirror.ts"
import { makeZkClient, type ZkClientShape } from "../src/ZkClient.ts"
import { whenConnected } from "../src/ZkTree.ts"
import { converged, deaf, freshRead, writer } from "./convergence.ts"
import { configFor, freshChroot, rawClient, testZk } from "./support.ts"

testZk()

/*
 * The watch-fed mirror converges to ZooKeeper after any sequence of writes by another client
 * (issue 13): a model-based property test drives a second, independent ZooKeeper connection
 * through random creates, sets, deletes, re-creations under the same names, emptied containers
 * re-created at once and whole-tree wipes, and at each quiescence point compares the mirror
 * (tree and decoded index) with a fresh full read. The self-check is off there: the watches
 * alone must do it. The self-check and the write path's identity check get their own tests, on a
 * mirror that hears no watch at all.
 */

type Keys = ReadonlyArray<readonly [string, string]>

interface Opened {
  readonly mirror: Mirror
  readonly store: ClusterStore["Service"]
  readonly zk: ZkClientShape
  readonly close: () => Promise<void>
}

const open = async (chroot: string, options: { readonly deaf?: boolean; readonly selfCheckInterval?: number } = {}) => {
  const scope = await Effect.runPromise(Scope.make())
  const opened = await Effect.runPromise(
    Effect.gen(function*() {
      const zk = yield* makeZkClient(configFor(chroot))
      const { mirror, store } = yield* makeClusterStoreWithMirror(options.deaf === true ? deaf(zk) : zk, {
        initialLoadTimeout: 15_000,
        selfCheckInterval: options.selfCheckInterval ?? 0
      })
      return { mirror, store, zk }
    }).pipe(Scope.provide(scope))
  )
  return { ...opened, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) } satisfies Opened
}

/** A fresh chroot with `pvc init`'s keys, a writer client on it and a store on it. */
const cluster = async (
  options: { readonly deaf?: boolean; readonly selfCheckInterval?: number; readonly initial?: Keys } = {}
) => {
  const chroot = await freshChroot()
  const client = await rawClient(chroot)
  const w = writer(client)
  await w.create([...INIT_KEYS, ...(options.initial ?? [])])
  const opened = await open(chroot, options)
  return {
    ...opened,
    chroot,
    client,
    w,
    close: async () => {
      await opened.close()
      client.close()
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Entities as other clients write them: a few names of each kind, so that names collide often.

type Kind = "vm" | "node" | "network" | "pool"
const IDS: Record<Kind, ReadonlyArray<string>> = {
  vm: ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003"],
  node: ["hv1", "hv2"],
  network: ["100", "101"],
  pool: ["vms", "p2"]
}

/** The entities of one kind and variant: variants differ in values and in which child keys exist. */
const entitiesOf = (kind: Kind, id: string, variant: number): ReadonlyArray<Entity> => {
  switch (kind) {
    case "vm":
      return [makeVm(`vm-${id.slice(-1)}-${variant}`, id, `hv${variant}`, { state: (["start", "stop", "migrate"] as const)[variant % 3]! })]
    case "node":
      return [makeNode(id, { daemonState: (["run", "init", "stop"] as const)[variant % 3]! })]
    case "network": {
      const net = makeNetwork(id, `net${variant}`)
      if (variant === 1) return [net, makeAcl(id, "in", "ssh", 0)]
      if (variant === 2) return [net, makeAcl(id, "out", "all", 0, "accept"), makeLease(id, "52:54:00:00:00:01", "10.0.0.1")]
      return [net]
    }
    case "pool":
      return [makePool(id, String(64 * (variant + 1)))]
  }
}

/** The keys of those entities; variant 1 adds a key the API does not write, variant 2 leaves some out. */
const keysOf = (kind: Kind, id: string, variant: number): Keys => {
  const root = rootOf(entitiesOf(kind, id, variant)[0]!)
  const keys = entitiesOf(kind, id, variant)
    .flatMap((e) => encode(e))
    // A pool's volume and snapshot containers live outside its root; the writers here keep to the root.
    .filter((kv) => kv.path === root || kv.path.startsWith(`${root}/`))
    .map((kv) => [kv.path, kv.value] as const)
  if (variant === 1) return [...keys, [`${root}/extra`, "x"]]
  if (variant === 2) return keys.filter(([path]) => path === root || !/^[lcim]/.test(path.slice(path.lastIndexOf("/") + 1)))
  return keys
}

const rootPath = (kind: Kind, id: string) => rootOf(entitiesOf(kind, id, 0)[0]!)

const CONTAINERS = ["/domains", "/nodes", "/networks", "/ceph/pools"] as const

type Op =
  | { readonly _tag: "Create"; readonly kind: Kind; readonly id: number; readonly variant: number }
  | { readonly _tag: "Recreate"; readonly kind: Kind; readonly id: number; readonly variant: number }
  | { readonly _tag: "Delete"; readonly kind: Kind; readonly id: number }
  | { readonly _tag: "Set"; readonly kind: Kind; readonly id: number; readonly key: number; readonly value: string }
  | { readonly _tag: "SetRoot"; readonly path: "/primary_node" | "/ceph"; readonly value: string }
  | {
    readonly _tag: "EmptyRecreate"
    readonly container: (typeof CONTAINERS)[number]
    readonly fill: ReadonlyArray<{ readonly kind: Kind; readonly id: number; readonly variant: number }>
  }
  | { readonly _tag: "Wipe"; readonly fill: ReadonlyArray<{ readonly kind: Kind; readonly id: number; readonly variant: number }> }
  /** A write of our own store (read your writes, interleaved with the other client's). */
  | { readonly _tag: "Commit"; readonly kind: Kind; readonly id: number; readonly variant: number; readonly remove: boolean }
  | { readonly _tag: "Burst"; readonly ops: ReadonlyArray<Op> }
  | { readonly _tag: "Quiesce" }

const kindArb = fc.constantFrom<Kind>("vm", "node", "network", "pool")
const idArb = fc.nat({ max: 2 })
const variantArb = fc.nat({ max: 2 })
const fillArb = fc.array(fc.record({ kind: kindArb, id: idArb, variant: variantArb }), { maxLength: 3 })

const simpleOpArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ _tag: fc.constant("Create" as const), kind: kindArb, id: idArb, variant: variantArb }) },
  { weight: 4, arbitrary: fc.record({ _tag: fc.constant("Recreate" as const), kind: kindArb, id: idArb, variant: variantArb }) },
  { weight: 2, arbitrary: fc.record({ _tag: fc.constant("Delete" as const), kind: kindArb, id: idArb }) },
  {
    weight: 4,
    arbitrary: fc.record({ _tag: fc.constant("Set" as const), kind: kindArb, id: idArb, key: fc.nat({ max: 30 }), value: fc.constantFrom("a", "b", "run", "") })
  },
  {
    weight: 1,
    arbitrary: fc.record({ _tag: fc.constant("SetRoot" as const), path: fc.constantFrom("/primary_node" as const, "/ceph" as const), value: fc.constantFrom("hv1", "none", "HEALTH_OK") })
  },
  { weight: 2, arbitrary: fc.record({ _tag: fc.constant("EmptyRecreate" as const), container: fc.constantFrom(...CONTAINERS), fill: fillArb }) },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("Wipe" as const), fill: fillArb }) },
  {
    weight: 3,
    arbitrary: fc.record({ _tag: fc.constant("Commit" as const), kind: kindArb, id: idArb, variant: fc.nat({ max: 1 }), remove: fc.boolean() })
  }
)

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: simpleOpArb },
  { weight: 3, arbitrary: fc.record({ _tag: fc.constant("Burst" as const), ops: fc.array(simpleOpArb, { minLength: 2, maxLength: 5 }) }) },
  { weight: 3, arbitrary: fc.constant({ _tag: "Quiesce" as const }) }
)

const showOp = (op: Op): string =>
  op._tag === "Burst" ? `Burst(${op.ops.map(showOp).join(", ")})` : JSON.stringify(op)

/** ZooKeeper refusing a write because of what another write did first is part of the game. */
const tolerated = async (p: Promise<unknown>) => {
  try {
    await p
  } catch (error) {
    const name = (error as { name?: string }).name ?? ""
    if (!["NO_NODE", "NODE_EXISTS", "NOT_EMPTY", "BAD_VERSION"].includes(name)) throw error
  }
}

interface Real {
  readonly store: ClusterStore["Service"]
  readonly w: ReturnType<typeof writer>
  readonly client: zookeeper.Client
  readonly mirror: Mirror
  readonly timings: Array<number>
}

const fillKeys = (fill: ReadonlyArray<{ readonly kind: Kind; readonly id: number; readonly variant: number }>): Keys => {
  const byRoot = new Map<string, Keys>()
  for (const f of fill) byRoot.set(rootPath(f.kind, IDS[f.kind][f.id % IDS[f.kind].length]!), keysOf(f.kind, IDS[f.kind][f.id % IDS[f.kind].length]!, f.variant))
  return [...byRoot.values()].flat()
}

const runOp = async (op: Op, real: Real): Promise<void> => {
  const { w } = real
  const idOf = (o: { kind: Kind; id: number }) => IDS[o.kind][o.id % IDS[o.kind].length]!
  switch (op._tag) {
    case "Create":
      return tolerated(w.create(keysOf(op.kind, idOf(op), op.variant)))
    case "Recreate": {
      // Delete and create again at once: the mirror's reads can only come before or after both.
      const paths = await w.subtree(rootPath(op.kind, idOf(op)))
      return tolerated(Promise.all([w.removeAll(paths), w.create(keysOf(op.kind, idOf(op), op.variant))]))
    }
    case "Delete":
      return tolerated(w.subtree(rootPath(op.kind, idOf(op))).then(w.removeAll))
    case "Set": {
      const paths = (await w.subtree(rootPath(op.kind, idOf(op)))).reverse()
      if (paths.length === 0) return
      return tolerated(w.set(paths[op.key % paths.length]!, op.value))
    }
    case "SetRoot":
      return tolerated(w.set(op.path, op.value))
    case "EmptyRecreate": {
      const below = (await w.subtree(op.container)).filter((p) => p !== op.container)
      await tolerated(w.removeAll(below))
      const fill = fillKeys(op.fill).filter(([p]) => p.startsWith(`${op.container}/`))
      return tolerated(Promise.all([w.removeAll([op.container]), w.create([[op.container, ""], ...fill])]))
    }
    case "Wipe": {
      // `pvc init`: every root deleted recursively, the init keys created in one transaction; then a reseed.
      const paths = (await Promise.all(ROOT_KEYS.map((r) => w.subtree(r)))).flat()
      return tolerated(Promise.all([w.removeAll(paths), w.create(INIT_KEYS), w.create(fillKeys(op.fill))]))
    }
    case "Commit": {
      const base = await Effect.runPromise(real.store.snapshot)
      const entities = entitiesOf(op.kind, idOf(op), op.variant)
      const existing = base.lookup(entityKey(entities[0]!))
      const changes = op.remove ? (existing === undefined ? [] : [remove(existing)]) : entities.map(put)
      const exit = await Effect.runPromise(Effect.exit(real.store.commit({ base, changes, guards: [] })))
      // Refused (a concurrent writer won, or a parent is gone): fine. Anything else is a bug.
      const error = Exit.findErrorOption(exit)
      if (Exit.isSuccess(exit)) commitCounts.ok++
      else commitCounts.refused++
      if (Exit.isFailure(exit) && !(error._tag === "Some" && (error.value instanceof StaleSnapshot || error.value instanceof StoreUnavailable))) {
        throw new Error(`commit failed unexpectedly: ${String(exit.cause)}`)
      }
      return
    }
    case "Burst":
      await Promise.all(op.ops.map((o) => runOp(o, real)))
      return
    case "Quiesce":
      real.timings.push(await converged(real.mirror, real.client))
      return
  }
}

class OpCommand implements fc.AsyncCommand<object, Real> {
  readonly op: Op
  constructor(op: Op) {
    this.op = op
  }
  check = () => true
  run = (_model: object, real: Real) => runOp(this.op, real)
  toString = () => showOp(this.op)
}

const timings: Array<number> = []
const commitCounts = { ok: 0, refused: 0 }
afterAll(() => {
  console.log(`store commits among the external writes: ${commitCounts.ok} committed, ${commitCounts.refused} refused`)
  if (timings.length > 0) {
    const sorted = [...timings].sort((a, b) => a - b)
    console.log(`convergence after quiescence: ${sorted.length} points, median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`)
  }
})

describe("the watch-fed mirror converges", () => {
  it("to a fresh read after any sequence of external writes (model-based, real ZooKeeper)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands([opArb.map((op) => new OpCommand(op))], { maxCommands: 30 }), async (commands) => {
        const c = await cluster()
        try {
          const real: Real = { store: c.store, w: c.w, client: c.client, mirror: c.mirror, timings }
          await fc.asyncModelRun(() => ({ model: {}, real }), commands)
          timings.push(await converged(c.mirror, c.client))
          // The watches did it alone: the self-check is off and no commit had to repair anything.
          assert.strictEqual(c.mirror.repairs, 0)
        } finally {
          await c.close()
        }
      }),
      // A failing run is reported as found: shrinking re-runs sequences that each wait seconds to fail.
      { numRuns: Number(process.env["PVC_CONVERGENCE_RUNS"] ?? 80), endOnFailure: true }
    )
  })

  it("when a container is emptied, then deleted and re-created at once", async () => {
    const c = await cluster()
    try {
      await c.w.create([...keysOf("node", "hv1", 0), ...keysOf("node", "hv2", 0)])
      await converged(c.mirror, c.client)
      for (let round = 0; round < 5; round++) {
        await c.w.removeAll([...(await c.w.subtree("/nodes/hv1")), ...(await c.w.subtree("/nodes/hv2"))])
        await Promise.all([c.w.removeAll(["/nodes"]), c.w.create([["/nodes", ""], ...keysOf("node", "hv2", round % 3)])])
        await converged(c.mirror, c.client)
        const snap = await Effect.runPromise(c.store.snapshot)
        assert.deepStrictEqual([...snap.nodes.keys()], ["hv2"])
        assert.strictEqual(snap.nodes.get("hv2" as never)!.daemonState, (["run", "init", "stop"] as const)[round % 3])
        // And a new node added to the re-created container is seen (its child watch is set).
        await c.w.create(keysOf("node", "hv1", 0))
        await converged(c.mirror, c.client)
        assert.isTrue((await Effect.runPromise(c.store.snapshot)).nodes.has("hv1" as never))
      }
    } finally {
      await c.close()
    }
  })

  it("when a znode is deleted and created again under its name with other data and children", async () => {
    const c = await cluster()
    try {
      const uuid = IDS.vm[0]!
      await c.w.create(keysOf("vm", uuid, 0))
      await converged(c.mirror, c.client)
      for (const variant of [1, 2, 0, 2, 1]) {
        const paths = await c.w.subtree(`/domains/${uuid}`)
        await Promise.all([c.w.removeAll(paths), c.w.create(keysOf("vm", uuid, variant))])
        await converged(c.mirror, c.client)
        const vm = (await Effect.runPromise(c.store.snapshot)).vms.get(uuid as never)!
        assert.strictEqual(vm.name, `vm-1-${variant}`)
        assert.strictEqual(vm.node, `hv${variant}`)
        // Its keys are watched again: a later change of one is seen.
        await c.w.set(`/domains/${uuid}/state`, "shutdown")
        await converged(c.mirror, c.client)
        assert.strictEqual((await Effect.runPromise(c.store.snapshot)).vms.get(uuid as never)!.state, "shutdown")
      }
    } finally {
      await c.close()
    }
  })

  it("when the whole tree is wiped and reseeded (pvc init + seed) while the store serves reads and writes", async () => {
    const c = await cluster()
    const scope = await Effect.runPromise(Scope.make())
    try {
      const other = await Effect.runPromise(makeZkClient(configFor(c.chroot)).pipe(Scope.provide(scope)))
      await Effect.runPromise(whenConnected(other))
      await Effect.runPromise(seedCluster(other, { nodes: 3, vms: 60, force: true }))
      await converged(c.mirror, c.client)
      let running = true
      let commits = 0
      let refusals = 0
      const api = (async () => {
        for (let i = 0; running; i++) {
          const snap = await Effect.runPromise(c.store.snapshot.pipe(Effect.orElseSucceed(() => undefined)))
          const vms = snap === undefined ? [] : [...snap.vms.values()]
          const target = vms[i % Math.max(vms.length, 1)]
          const vm = i % 10 === 0 || target === undefined
            ? makeVm(`api${i}`, `00000000-0000-4000-9000-${String(i).padStart(12, "0")}`, "hv1")
            : makeVm(target.name, target.uuid, target.node, { state: target.state === "start" ? "stop" : "start" })
          if (snap === undefined) {
            await new Promise((r) => setTimeout(r, 5))
            continue
          }
          const exit = await Effect.runPromise(Effect.exit(c.store.commit({ base: snap, changes: [put(vm)], guards: [] })))
          if (Exit.isSuccess(exit)) commits++
          else refusals++
          await new Promise((r) => setTimeout(r, 10))
        }
      })()
      for (let round = 0; round < 3; round++) {
        for (let attempt = 0; ; attempt++) {
          // A concurrent API write under a root being wiped makes the delete fail (NotEmpty): `pvc init` again.
          const exit = await Effect.runPromise(Effect.exit(initCluster(other, { force: true })))
          if (Exit.isSuccess(exit)) break
          if (attempt > 50) throw new Error(`init kept failing: ${JSON.stringify(Exit.findErrorOption(exit))}`)
        }
        await Effect.runPromise(seedCluster(other, { nodes: 3 + round, vms: 40 + 10 * round }))
      }
      running = false
      await api
      const millis = await converged(c.mirror, c.client)
      const snap = await Effect.runPromise(c.store.snapshot)
      assert.strictEqual(snap.nodes.size, 5)
      for (const node of snap.nodes.values()) {
        assert.strictEqual(node.daemonState, "run")
        assert.strictEqual(node.domainState, "ready")
        assert.isAbove(node.resources.memTotal, 0)
      }
      assert.isTrue(snap.pools.has("vms" as never))
      assert.isAtLeast(snap.volumes.size, 60)
      assert.isAbove(commits, 0)
      assert.strictEqual(c.mirror.repairs, 0)
      console.log(`wipe+reseed under load: ${commits} commits, ${refusals} refused, converged ${millis.toFixed(1)} ms after the last write`)
    } finally {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      await c.close()
    }
  })
})


describe("a mirror that missed changes", () => {
  it("is repaired by the self-check, which logs what it found (a mirror without watches, whole tree wiped and reseeded)", async () => {
    const c = await cluster({ deaf: true, selfCheckInterval: 100 })
    const warn = vi.spyOn(console, "warn")
    try {
      await c.w.create([...keysOf("node", "hv1", 0), ...keysOf("vm", IDS.vm[0]!, 0)])
      // Without watches only the self-check notices (the roots' children versions moved).
      await converged(c.mirror, c.client, 10_000)
      const before = c.mirror.repairs
      assert.isAtLeast(before, 1)
      const paths = (await Promise.all(ROOT_KEYS.map((r) => c.w.subtree(r)))).flat()
      await Promise.all([c.w.removeAll(paths), c.w.create(INIT_KEYS), c.w.create([...keysOf("node", "hv2", 1), ...keysOf("pool", "vms", 0)])])
      await converged(c.mirror, c.client, 10_000)
      assert.isAbove(c.mirror.repairs, before)
      const lines = warn.mock.calls.map((args) => String(args[0])).filter((l) => l.includes("diverged from ZooKeeper"))
      assert.isTrue(lines.some((l) => l.includes("created again")), lines.join("\n"))
      const snap = await Effect.runPromise(c.store.snapshot)
      assert.deepStrictEqual([...snap.nodes.keys()], ["hv2"])
      assert.strictEqual(snap.vms.size, 0)
    } finally {
      warn.mockRestore()
      await c.close()
    }
  })

  it("is repaired by the self-check's rotating sample where the root keys show nothing (a value changed below them)", async () => {
    const uuid = IDS.vm[1]!
    const c = await cluster({ deaf: true, selfCheckInterval: 50, initial: keysOf("vm", uuid, 0) })
    const warn = vi.spyOn(console, "warn")
    try {
      await converged(c.mirror, c.client)
      await c.w.set(`/domains/${uuid}/state`, "shutdown")
      await converged(c.mirror, c.client, 10_000)
      assert.strictEqual((await Effect.runPromise(c.store.snapshot)).vms.get(uuid as never)!.state, "shutdown")
      const lines = warn.mock.calls.map((args) => String(args[0]))
      assert.isTrue(lines.some((l) => l.includes(`/domains/${uuid}/state diverged`) && l.includes("data version 1 instead of 0")), lines.join("\n"))
    } finally {
      warn.mockRestore()
      await c.close()
    }
  })

  it("refuses a plan built on a re-created entity it has not seen, instead of overwriting it", async () => {
    const uuid = IDS.vm[0]!
    const c = await cluster({ deaf: true, initial: keysOf("vm", uuid, 0) })
    try {
      await converged(c.mirror, c.client)
      const base = await Effect.runPromise(c.store.snapshot)
      const seen = base.vms.get(uuid as never)!
      // Another client deletes the VM and defines another one under the same UUID: every key is at
      // version 0 again, exactly the versions the stale base holds.
      const paths = await c.w.subtree(`/domains/${uuid}`)
      await Promise.all([c.w.removeAll(paths), c.w.create(keysOf("vm", uuid, 1))])
      assert.strictEqual(c.mirror.view.data(`/domains/${uuid}`), seen.name, "the mirror has not seen it (no watches)")
      const plan: ClusterPlan = { base, changes: [put(makeVm(seen.name, uuid, seen.node, { state: "start" }))], guards: [] }
      const exit = await Effect.runPromise(Effect.exit(c.store.commit(plan)))
      const error = Exit.findErrorOption(exit)
      assert.isTrue(error._tag === "Some" && error.value instanceof StaleSnapshot, String(exit))
      // Nothing was overwritten.
      const fresh = await freshRead(c.client)
      assert.strictEqual(fresh.get(`/domains/${uuid}`)!.data, "vm-1-1")
      assert.strictEqual(fresh.get(`/domains/${uuid}/state`)!.data, "stop")
      assert.strictEqual(fresh.get(`/domains/${uuid}/state`)!.version, 0)
      // The refused commit made the mirror re-read that VM: a plan on a fresh snapshot goes through.
      assert.isAtLeast(c.mirror.repairs, 1)
      await converged(c.mirror, c.client)
      const again = await Effect.runPromise(c.store.snapshot)
      const vm = again.vms.get(uuid as never)!
      assert.strictEqual(vm.name, "vm-1-1")
      await Effect.runPromise(c.store.commit({ base: again, changes: [put(makeVm(vm.name, uuid, vm.node, { state: "start" }))], guards: [] }))
      assert.strictEqual((await freshRead(c.client)).get(`/domains/${uuid}/state`)!.data, "start")
    } finally {
      await c.close()
    }
  })

  it("self-check costs a fixed handful of stat calls per tick, whatever the tree's size", async () => {
    const c = await cluster({ selfCheckInterval: 0 })
    try {
      await c.w.create(Array.from({ length: 40 }, (_, i) => keysOf("vm", `00000000-0000-4000-8000-1000000000${String(i).padStart(2, "0")}`, 0)).flat())
      await converged(c.mirror, c.client)
      let calls = 0
      const counting = { ...c.zk, raw: { ...c.zk.raw, exists: ((...args) => (calls++, c.zk.raw.exists(...args))) as ZkClientShape["raw"]["exists"] } }
      const { Mirror } = await import("../src/Mirror.ts")
      const probe = new Mirror(counting, { selfCheckInterval: 0 })
      const stop = probe.start()
      await new Promise<void>((resolve) => probe.whenLoaded(resolve))
      calls = 0
      probe.selfCheck()
      stop()
      assert.strictEqual(calls, ROOT_KEYS.length + 8)
      assert.isAbove(c.mirror.dump().size, 300)
    } finally {
      await c.close()
    }
  })
})
