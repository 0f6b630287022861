import { assert, describe, it } from "@effect/vitest"
import {
  type Change,
  type ClusterSnapshot,
  ClusterStore,
  type Entity,
  EntityKey,
  entityKey,
  Ip4Config,
  Ip6Config,
  NodeName,
  NodeResources,
  put,
  remove,
  StoredText,
  VmUuid
} from "@pvc/core"
import { Effect, Fiber, Layer, Queue, Result, Stream } from "effect"
import * as fc from "fast-check"
import { arbCluster } from "../arbitraries/ArbCluster.ts"
import {
  makeAcl,
  makeCephReport,
  makeLease,
  makeNetwork,
  makeNode,
  makeOsd,
  makePool,
  makePrimaryNode,
  makeReservation,
  makeResources,
  makeSnapshot,
  makeVm,
  makeVolume,
  rbdDisk
} from "../demo/Builders.ts"

/** How a store under test is obtained: each test builds its own, so it must start empty. */
export type ClusterStoreUnderTest =
  | Layer.Layer<ClusterStore, unknown>
  | (() => Layer.Layer<ClusterStore, unknown>)

export interface ClusterStoreSuiteOptions {
  /** Runs of the generated round-trip property (each builds a fresh store). Default 20. */
  readonly numRuns?: number
  /** Bound on waiting for `changes` to deliver a committed state. Default 10 s. */
  readonly changeTimeoutMillis?: number
}

/**
 * The behaviour every `ClusterStore` adapter must show. The layer is built afresh for every test
 * (a function is called per test; a plain layer is provided per test), and each build must give
 * an empty store. Tests run on the live clock, as real adapters talk to real services.
 */
export const clusterStoreSuite = (
  name: string,
  store: ClusterStoreUnderTest,
  options: ClusterStoreSuiteOptions = {}
): void => {
  const fresh = (): Layer.Layer<ClusterStore, unknown> => (typeof store === "function" ? store() : store)
  const test = <A, E>(title: string, body: Effect.Effect<A, E, ClusterStore>) =>
    it.live(title, () => body.pipe(Effect.provide(fresh())))
  const changeTimeout = options.changeTimeoutMillis ?? 10_000

  describe(`ClusterStore contract (${name})`, () => {
    test("every entity kind is read back exactly as it was written", roundTripsEveryKind)
    test("values another writer stored (text VNI, unknown states, padded order) are held as stored", storedValuesRoundTrip)
    it.live("a generated consistent cluster is read back exactly", () =>
      roundTripsGeneratedCluster(options.numRuns ?? 20, fresh))
    test("Put of an existing entity replaces it and moves its revision", putReplaces)
    test("removing a network removes its leases, reservations and ACLs", removeNetworkCascades)
    test("removing a pool removes its volumes and snapshots", removePoolCascades)
    test("removing a volume removes its snapshots only", removeVolumeCascades)
    test("a plan with one stale entity changes nothing", planIsAllOrNothing)
    test("a stale Put is refused", stalePutRefused)
    test("a stale Remove is refused", staleRemoveRefused)
    test("a stale guard is refused, an unchanged one accepted", staleGuardRefused)
    test("creating an entity that appeared meanwhile is refused", createOfAppearedRefused)
    test("removing an entity that disappeared meanwhile is refused", removeOfVanishedRefused)
    test("every commit is visible to the next snapshot", readYourWrites)
    test("a snapshot taken earlier does not change afterwards", snapshotsAreImmutable)
    test("readers never see half of a plan", noTornReads)
    test("changes emits the current snapshot, then later ones", changesEmits(changeTimeout))
    test("of two commits based on one snapshot exactly one wins", concurrentCommitsOneWins)
    test("of two creations of one entity exactly one wins", concurrentCreatesOneWins)
  })
}

const commit = (base: ClusterSnapshot, changes: ReadonlyArray<Change>, guards: ReadonlyArray<Entity> = []) =>
  ClusterStore.use((store) => store.commit({ base, changes, guards }))

const snapshot = ClusterStore.use((store) => store.snapshot)

/** Commit changes based on the current snapshot. */
const write = (...changes: ReadonlyArray<Change>) => Effect.flatMap(snapshot, (base) => commit(base, changes))

const assertHolds = (snap: ClusterSnapshot, entity: Entity) => {
  const key = entityKey(entity)
  assert.deepStrictEqual(snap.lookup(key), entity, `lookup ${key}`)
  assert.isDefined(snap.revisionOf(key), `revision of ${key}`)
}

const assertAbsent = (snap: ClusterSnapshot, entity: Entity) => {
  const key = entityKey(entity)
  assert.isUndefined(snap.lookup(key), `lookup ${key}`)
  assert.isUndefined(snap.revisionOf(key), `revision of ${key}`)
}

const assertStale = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (error) => assert.strictEqual(error._tag, "StaleSnapshot"))

/** Entities a store must hold after any commit: the typed maps agree with `lookup`. */
const assertTypedMaps = (snap: ClusterSnapshot, entity: Entity) => {
  const key = entityKey(entity)
  switch (entity._tag) {
    case "Node":
      return assert.deepStrictEqual(snap.nodes.get(entity.name), entity)
    case "PrimaryNode":
      return assert.deepStrictEqual(snap.primaryNode, entity)
    case "Vm":
      return assert.deepStrictEqual(snap.vms.get(entity.uuid), entity)
    case "Network":
      return assert.deepStrictEqual(snap.networks.get(entity.vni), entity)
    case "DhcpLease":
      return assert.deepStrictEqual(snap.dhcpLeases.get(key), entity)
    case "DhcpReservation":
      return assert.deepStrictEqual(snap.dhcpReservations.get(key), entity)
    case "Acl":
      return assert.deepStrictEqual(snap.acls.get(key), entity)
    case "Osd":
      return assert.deepStrictEqual(snap.osds.get(entity.id), entity)
    case "Pool":
      return assert.deepStrictEqual(snap.pools.get(entity.name), entity)
    case "Volume":
      return assert.deepStrictEqual(snap.volumes.get(key), entity)
    case "Snapshot":
      return assert.deepStrictEqual(snap.snapshots.get(key), entity)
    case "CephReport":
      return assert.deepStrictEqual(snap.cephReport, entity)
  }
}

/** Issue 13: what the layout can hold is held, even outside the vocabulary the API writes. */
const storedValues = (): ReadonlyArray<Entity> => [
  makeNode("hv9", { daemonState: StoredText.make("fenced"), domainState: StoredText.make("draining") }),
  makeVm("odd1", "5e3a1c2d-0000-4000-8000-000000000001", "hv9", { state: StoredText.make("paused") }),
  makeNetwork("legacy", "legacy-net", { type: StoredText.make("vxlan") }),
  makeNetwork("0100", "padded-net"),
  makeAcl("legacy", "in", "allow-all", "07"),
  makeAcl("0100", "out", "drop-all", "x")
]

const storedValuesRoundTrip = Effect.gen(function*() {
  const entities = storedValues()
  yield* write(...entities.map(put))
  const snap = yield* snapshot
  for (const entity of entities) {
    assertHolds(snap, entity)
    assertTypedMaps(snap, entity)
  }
})

const UUID_A = "bd849578-1e44-4ab6-a4f8-bf6d3cb1e3c0"
const UUID_B = "96cddbad-2b46-4c1d-9f5e-7a3e2c0b8f11"

/** One entity of every kind, parents before children, with every optional field set. */
const everyKind = (): ReadonlyArray<Entity> => {
  const hv1 = makeNode("hv1", {
    daemonMode: "coordinator",
    daemonState: "run",
    routerState: "primary",
    domainState: "ready",
    runningDomains: [VmUuid.make(UUID_A)],
    resources: new NodeResources({
      memTotal: 64319,
      memUsed: 6144,
      memFree: 58175,
      memAllocated: 2048,
      vcpuAllocated: "2",
      cpuLoad: "0.52",
      domainsCount: "1",
      networksCount: "0",
      keepalive: "1764300000"
    })
  })
  const hv2 = makeNode("hv2", { daemonState: "dead", routerState: "client", domainState: "flushed" })
  return [
    hv1,
    hv2,
    makePrimaryNode("hv1"),
    makeVm("web1", UUID_A, "hv1", {
      state: "start",
      rbdList: [rbdDisk("vms", "web1_disk0"), rbdDisk("vms", "web1_disk1")],
      consoleLog: "login: "
    }),
    makeVm("db1", UUID_B, "hv1", { state: "failed", lastNode: "hv2", failedReason: "internal error: qemu died" }),
    makeNetwork(100, "cluster-net", {
      type: "managed",
      domain: "cluster.local",
      ip4: new Ip4Config({
        network: "10.100.0.0/24",
        gateway: "10.100.0.1",
        dhcpFlag: true,
        dhcpStart: "10.100.0.100",
        dhcpEnd: "10.100.0.199"
      }),
      ip6: new Ip6Config({ network: "2001:db8:100::/64", gateway: "2001:db8:100::1", dhcpFlag: true })
    }),
    makeNetwork(200, "storage-vlan", { type: "bridged", domain: "storage-vlan.local" }),
    makeLease(100, "52:54:00:12:34:56", "10.100.0.101", { hostname: "web1", expiry: "0", clientId: "01:52:54:00" }),
    makeReservation(100, "52:54:00:ab:cd:ef", "10.100.0.10", "db1"),
    makeReservation(100, "52:54:00:ab:cd:00", "10.100.0.11", null),
    makeAcl(100, "in", "allow-ssh", 0, "tcp dport 22 accept"),
    makeAcl(100, "out", "allow-dns", 0, "udp dport 53 accept"),
    makeOsd("0", "hv1", "/dev/sdb", { up: 1, in: 1, utilization: 12.5, used: "23.4G", state: ["exists", "up"] }),
    makePool("vms", "256", { id: 1, size_bytes: 8589934592, num_objects: 2048 }),
    makeVolume("vms", "web1_disk0", { name: "web1_disk0", size: 10737418240, features: ["layering"], flags: [] }),
    makeSnapshot("vms", "web1_disk0", "before-upgrade", {}),
    makeCephReport("    cluster:\n      id: 2f3c\n      health: HEALTH_OK", "POOL_NAME USED OBJECTS\nvms 8.0G 2048")
  ]
}

const roundTripsEveryKind = Effect.gen(function*() {
  const entities = everyKind()
  yield* write(...entities.map(put))
  const snap = yield* snapshot
  for (const entity of entities) {
    assertHolds(snap, entity)
    assertTypedMaps(snap, entity)
  }
})

const roundTripsGeneratedCluster = (numRuns: number, fresh: () => Layer.Layer<ClusterStore, unknown>) =>
  Effect.gen(function*() {
    for (const entities of fc.sample(arbCluster(), { numRuns, seed: 4242 })) {
      yield* Effect.gen(function*() {
        yield* write(...entities.map(put))
        const snap = yield* snapshot
        for (const entity of entities) assertHolds(snap, entity)
      }).pipe(Effect.provide(fresh()))
    }
  })

const putReplaces = Effect.gen(function*() {
  const before = makeNode("hv1")
  yield* write(put(before))
  const first = yield* snapshot
  const after = makeNode("hv1", { domainState: "flush", resources: first.nodes.get(before.name)!.resources })
  yield* commit(first, [put(after)])
  const second = yield* snapshot
  assertHolds(second, after)
  assert.notStrictEqual(second.revisionOf(entityKey(after)), first.revisionOf(entityKey(after)))
  assert.strictEqual(second.nodes.size, first.nodes.size)
})

const removeNetworkCascades = Effect.gen(function*() {
  const net = makeNetwork(100, "cluster-net")
  const other = makeNetwork(101, "other-net")
  const children = [
    makeLease(100, "52:54:00:00:00:01", "10.0.0.50"),
    makeReservation(100, "52:54:00:00:00:02", "10.0.0.10", "db"),
    makeAcl(100, "in", "ssh", 0),
    makeAcl(100, "out", "dns", 0)
  ]
  const kept = [makeLease(101, "52:54:00:00:00:01", "10.1.0.50"), makeAcl(101, "in", "ssh", 0)]
  yield* write(...[net, other, ...children, ...kept].map(put))
  yield* write(remove(net))
  const snap = yield* snapshot
  for (const entity of [net, ...children]) assertAbsent(snap, entity)
  for (const entity of [other, ...kept]) assertHolds(snap, entity)
})

const removePoolCascades = Effect.gen(function*() {
  const pool = makePool("vms")
  const gone = [makeVolume("vms", "a"), makeVolume("vms", "b"), makeSnapshot("vms", "a", "s1")]
  const kept = [makePool("backup"), makeVolume("backup", "a"), makeSnapshot("backup", "a", "s1")]
  yield* write(...[pool, ...gone, ...kept].map(put))
  yield* write(remove(pool))
  const snap = yield* snapshot
  for (const entity of [pool, ...gone]) assertAbsent(snap, entity)
  for (const entity of kept) assertHolds(snap, entity)
})

const removeVolumeCascades = Effect.gen(function*() {
  const volume = makeVolume("vms", "a")
  const gone = [makeSnapshot("vms", "a", "s1"), makeSnapshot("vms", "a", "s2")]
  const kept = [makePool("vms"), makeVolume("vms", "b"), makeSnapshot("vms", "b", "s1")]
  yield* write(...[kept[0]!, volume, ...gone, ...kept.slice(1)].map(put))
  yield* write(remove(volume))
  const snap = yield* snapshot
  for (const entity of [volume, ...gone]) assertAbsent(snap, entity)
  for (const entity of kept) assertHolds(snap, entity)
})

const planIsAllOrNothing = Effect.gen(function*() {
  const a = makeNode("hv1")
  const b = makeNode("hv2")
  const vm = makeVm("web1", UUID_A, "hv1")
  yield* write(put(a), put(b), put(vm))
  const base = yield* snapshot
  const bMoved = makeNode("hv2", { domainState: "flush" })
  yield* write(put(bMoved))
  const current = yield* snapshot
  const plan = [
    put(makeNode("hv1", { domainState: "flushed" })),
    put(makeNode("hv3")),
    remove(vm),
    put(makeNode("hv2", { domainState: "flushed" }))
  ]
  yield* assertStale(commit(base, plan))
  const after = yield* snapshot
  for (const entity of [a, bMoved, vm]) assertHolds(after, entity)
  assertAbsent(after, makeNode("hv3"))
  for (const entity of [a, bMoved, vm]) {
    assert.strictEqual(after.revisionOf(entityKey(entity)), current.revisionOf(entityKey(entity)))
  }
})

const stalePutRefused = Effect.gen(function*() {
  yield* write(put(makeNode("hv1")))
  const base = yield* snapshot
  yield* write(put(makeNode("hv1", { domainState: "flush" })))
  yield* assertStale(commit(base, [put(makeNode("hv1", { domainState: "unflush" }))]))
  assertHolds(yield* snapshot, makeNode("hv1", { domainState: "flush" }))
})

const staleRemoveRefused = Effect.gen(function*() {
  const vm = makeVm("web1", UUID_A, "hv1")
  yield* write(put(vm))
  const base = yield* snapshot
  const started = makeVm("web1", UUID_A, "hv1", { state: "start" })
  yield* write(put(started))
  yield* assertStale(commit(base, [remove(vm)]))
  assertHolds(yield* snapshot, started)
})

const staleGuardRefused = Effect.gen(function*() {
  const target = makeNode("hv2")
  const vm = makeVm("web1", UUID_A, "hv1")
  yield* write(put(makeNode("hv1")), put(target), put(vm))
  const base = yield* snapshot
  const migrated = makeVm("web1", UUID_A, "hv2", { lastNode: "hv1", state: "migrate" })
  yield* write(put(makeNode("hv2", { domainState: "flush" })))
  yield* assertStale(commit(base, [put(migrated)], [target]))
  assertHolds(yield* snapshot, vm)
  // A guard on an entity nobody touched does not stop the plan.
  const fresh = yield* snapshot
  yield* commit(fresh, [put(migrated)], [makeNode("hv1")])
  assertHolds(yield* snapshot, migrated)
  // A guard on an entity absent at the base fails once it appears.
  const withoutHv3 = yield* snapshot
  yield* write(put(makeNode("hv3")))
  yield* assertStale(commit(withoutHv3, [put(vm)], [makeNode("hv3")]))
})

const createOfAppearedRefused = Effect.gen(function*() {
  const base = yield* snapshot
  const theirs = makeVm("web1", UUID_A, "hv1")
  yield* write(put(theirs))
  yield* assertStale(commit(base, [put(makeVm("web2", UUID_A, "hv2"))]))
  assertHolds(yield* snapshot, theirs)
})

const removeOfVanishedRefused = Effect.gen(function*() {
  const vm = makeVm("web1", UUID_A, "hv1")
  yield* write(put(vm))
  const base = yield* snapshot
  yield* write(remove(vm))
  yield* assertStale(commit(base, [remove(vm)]))
  assertAbsent(yield* snapshot, vm)
})

const readYourWrites = Effect.gen(function*() {
  for (const state of ["start", "shutdown", "stop", "start", "migrate"] as const) {
    const vm = makeVm("web1", UUID_A, "hv1", { state })
    yield* write(put(vm))
    assertHolds(yield* snapshot, vm)
  }
  const vm = makeVm("web1", UUID_A, "hv1")
  yield* write(remove(vm))
  assertAbsent(yield* snapshot, vm)
})

const snapshotsAreImmutable = Effect.gen(function*() {
  const vm = makeVm("web1", UUID_A, "hv1")
  yield* write(put(makeNode("hv1")), put(vm))
  const before = yield* snapshot
  yield* write(put(makeNode("hv2")), remove(vm), put(makeNode("hv1", { domainState: "flush" })))
  assertHolds(before, makeNode("hv1"))
  assertHolds(before, vm)
  assertAbsent(before, makeNode("hv2"))
  assert.strictEqual(before.nodes.size, 1)
})

/** Every commit writes the same keepalive to two nodes; no snapshot may show them apart. */
const noTornReads = Effect.gen(function*() {
  const keepalive = (n: number) => makeResources({ keepalive: String(n) })
  const pair = (n: number) => [put(makeNode("hv1", { resources: keepalive(n) })), put(makeNode("hv2", { resources: keepalive(n) }))]
  yield* write(...pair(0))
  let done = false
  const writer = Effect.gen(function*() {
    for (let n = 1; n <= 30; n++) yield* write(...pair(n))
    done = true
  })
  const reader = Effect.gen(function*() {
    let reads = 0
    while (!done || reads === 0) {
      const snap = yield* snapshot
      const [a, b] = [snap.nodes.get(NodeName.make("hv1")), snap.nodes.get(NodeName.make("hv2"))]
      assert.strictEqual(a?.resources.keepalive, b?.resources.keepalive, "hv1 and hv2 written together")
      reads++
      yield* Effect.yieldNow
    }
  })
  yield* Effect.all([writer, reader], { concurrency: "unbounded" })
})

const changesEmits = (timeoutMillis: number) =>
  Effect.gen(function*() {
    const store = yield* ClusterStore
    const a = makeNode("hv1")
    yield* write(put(a))
    const seen = yield* Queue.unbounded<ClusterSnapshot>()
    const fiber = yield* store.changes.pipe(
      Stream.runForEach((snap) => Queue.offer(seen, snap)),
      Effect.forkChild
    )
    const first = yield* Queue.take(seen).pipe(Effect.timeout(timeoutMillis))
    assertHolds(first, a)
    const b = makeNode("hv2")
    yield* write(put(b))
    yield* awaitSnapshot(seen, (snap) => snap.nodes.has(b.name), timeoutMillis)
    yield* write(remove(a))
    const last = yield* awaitSnapshot(seen, (snap) => !snap.nodes.has(a.name), timeoutMillis)
    assertHolds(last, b)
    yield* Fiber.interrupt(fiber)
  })

const awaitSnapshot = (
  seen: Queue.Queue<ClusterSnapshot>,
  done: (snap: ClusterSnapshot) => boolean,
  timeoutMillis: number
) =>
  Effect.gen(function*() {
    for (;;) {
      const snap = yield* Queue.take(seen)
      if (done(snap)) return snap
    }
  }).pipe(Effect.timeout(timeoutMillis))

const concurrentCommitsOneWins = Effect.gen(function*() {
  yield* write(put(makeNode("hv1")), put(makeNode("hv2")), put(makeVm("web1", UUID_A, "hv1")))
  for (let round = 0; round < 10; round++) {
    const base = yield* snapshot
    const toHv2 = makeVm("web1", UUID_A, "hv2", { state: "migrate", lastNode: "hv1" })
    const stopped = makeVm("web1", UUID_A, "hv1", { state: "stop", failedReason: `round ${round}` })
    const [first, second] = yield* Effect.all(
      [Effect.result(commit(base, [put(toHv2)])), Effect.result(commit(base, [put(stopped)]))],
      { concurrency: "unbounded" }
    )
    assert.strictEqual([first, second].filter(Result.isSuccess).length, 1, `round ${round}`)
    const loser = Result.isFailure(first) ? first : second
    assert.isTrue(Result.isFailure(loser) && loser.failure._tag === "StaleSnapshot")
    assertHolds(yield* snapshot, Result.isSuccess(first) ? toHv2 : stopped)
    yield* write(put(makeVm("web1", UUID_A, "hv1")))
  }
})

const concurrentCreatesOneWins = Effect.gen(function*() {
  for (let round = 0; round < 10; round++) {
    const base = yield* snapshot
    const uuid = `00000000-0000-4000-8000-${String(round).padStart(12, "0")}`
    const mine = makeVm("mine", uuid, "hv1")
    const theirs = makeVm("theirs", uuid, "hv2")
    const results = yield* Effect.all(
      [Effect.result(commit(base, [put(mine)])), Effect.result(commit(base, [put(theirs)]))],
      { concurrency: "unbounded" }
    )
    assert.strictEqual(results.filter(Result.isSuccess).length, 1, `round ${round}`)
    const snap = yield* snapshot
    assert.deepStrictEqual(snap.vms.get(mine.uuid), Result.isSuccess(results[0]) ? mine : theirs)
    assert.isDefined(snap.lookup(EntityKey.vm(uuid)))
  }
})
