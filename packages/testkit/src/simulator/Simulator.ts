import {
  type ClusterSnapshot,
  ClusterStore,
  type DomainDriverShape,
  DomainDriverUnavailable,
  DomainRejected,
  type NodeName,
  type StoreUnavailable,
  VmUuid
} from "@pvc/core"
import { Clock, Context, Duration, Effect, Exit, Layer, Schema, Scope, Stream } from "effect"
import { TestClock } from "effect/testing"
import { makeMemoryHypervisors, type MemoryHypervisors } from "./MemoryHypervisors.ts"
import { type Daemon, startDaemon } from "./NodeDaemon.ts"
import { pendingWork } from "./Settled.ts"
import { resolveTiming, seededRandom, type SimulatorOptions, type SimulatorTiming } from "./SimulatorConfig.ts"

/** `settle` gave up: the cluster still had work after the allowed simulated time. */
export class SimulationDidNotSettle extends Schema.TaggedError<SimulationDidNotSettle>()("SimulationDidNotSettle", {
  seconds: Schema.Number,
  pending: Schema.Array(Schema.String)
}) {}

export interface SettleOptions {
  /** Time allowed, default 900 s (covers fencing and migration timeouts). */
  readonly maxSeconds?: number
  /** How far time moves between two looks at the cluster, default 1 s. */
  readonly step?: Duration.Input
}

/** Controls of the simulated cluster (its daemons run in the background). */
export interface SimulatorShape {
  /** The host dies: its daemon stops, its domains are gone; coordinators fence it after 30 s. */
  readonly killNode: (node: string) => Effect.Effect<void>
  /** Power the host on again: its daemon starts (`init`, then `run` with the first keepalive). */
  readonly reviveNode: (node: string) => Effect.Effect<void>
  /** The next live migration (of `vm`, or of any VM) fails, turning it into a cold migration. */
  readonly failNextMigration: (vm?: string) => Effect.Effect<void>
  /** The hypervisor refuses to start `vm` with `reason` until `allowStart`. */
  readonly refuseStart: (vm: string, reason?: string) => Effect.Effect<void>
  readonly allowStart: (vm: string) => Effect.Effect<void>
  /**
   * Let time pass until no work is pending: advances Effect's TestClock when that is the clock,
   * otherwise sleeps on the real one.
   */
  readonly settle: (options?: SettleOptions) => Effect.Effect<void, SimulationDidNotSettle | StoreUnavailable>
  /** What is still to be done; empty when the cluster is at rest. */
  readonly pending: Effect.Effect<ReadonlyArray<string>, StoreUnavailable>
  /** Running domains per node as the hypervisors see them. */
  readonly placements: Effect.Effect<ReadonlyMap<NodeName, ReadonlyArray<VmUuid>>, StoreUnavailable>
  /** Nodes whose daemon runs. */
  readonly alive: Effect.Effect<ReadonlySet<NodeName>>
  /** Broken rules seen during the run: a domain on two hosts, a VM on an unknown node. */
  readonly violations: Effect.Effect<ReadonlyArray<string>>
  /** Differences between the last snapshot the change stream delivered and `snapshot` now. */
  readonly storeDisagreements: Effect.Effect<ReadonlyArray<string>, StoreUnavailable>
  /** What the daemons did (the latest 5000), with seconds since the simulator started. */
  readonly events: Effect.Effect<ReadonlyArray<string>>
}

export class Simulator extends Context.Service<Simulator, SimulatorShape>()("pvc/testkit/Simulator") {}

const MAX_EVENTS = 5000
const SIMULATED_REFUSAL = "internal error: qemu unexpectedly closed the monitor (simulated)"
const SIMULATED_MIGRATION_FAILURE = "operation failed: migration job: unexpectedly failed (simulated)"


/** Entities of a snapshot as comparable text, one line per entity. */
const describe = (snapshot: ClusterSnapshot): ReadonlyArray<string> =>
  [
    JSON.stringify(snapshot.primaryNode),
    ...[snapshot.nodes, snapshot.vms, snapshot.networks, snapshot.osds, snapshot.pools, snapshot.volumes]
      .flatMap((m) => [...m.values()].map((e) => JSON.stringify(e)))
  ].sort()

interface DaemonEntry {
  readonly scope: Scope.Closeable
  daemon: Daemon | undefined
}

interface Faults {
  readonly failNext: Array<VmUuid | undefined>
  readonly refusals: Map<VmUuid, string>
}

const withFaults = (
  driver: DomainDriverShape,
  faults: Faults,
  options: SimulatorOptions,
  random: () => number,
  timing: SimulatorTiming
): DomainDriverShape => {
  const chance = (rate: number | undefined) => rate !== undefined && rate > 0 && random() < rate
  return {
    ...driver,
    start: (uuid) =>
      Effect.suspend(() => {
        const reason = faults.refusals.get(uuid) ??
          (chance(options.faults?.startRefusalRate) ? SIMULATED_REFUSAL : undefined)
        return reason === undefined ? driver.start(uuid) : Effect.fail(new DomainRejected({ uuid, reason }))
      }),
    migrate: (uuid, to) =>
      Effect.suspend(() => {
        const i = faults.failNext.findIndex((f) => f === undefined || f === uuid)
        if (i >= 0) faults.failNext.splice(i, 1)
        const fail = i >= 0 || chance(options.faults?.migrationFailureRate)
        return fail
          ? Effect.sleep(timing.migrate).pipe(
            Effect.andThen(Effect.fail(new DomainRejected({ uuid, reason: SIMULATED_MIGRATION_FAILURE })))
          )
          : driver.migrate(uuid, to)
      })
  }
}

/** A given hypervisor that stops answering while its node is killed (in-memory hosts do so themselves). */
const poweredDrivers = (drivers: (node: NodeName) => DomainDriverShape, killed: ReadonlySet<NodeName>) => {
  const cache = new Map<NodeName, DomainDriverShape>()
  const guard = <A, E>(node: NodeName, effect: () => Effect.Effect<A, E>): Effect.Effect<A, E | DomainDriverUnavailable> =>
    Effect.suspend((): Effect.Effect<A, E | DomainDriverUnavailable> =>
      killed.has(node)
        ? Effect.fail(new DomainDriverUnavailable({ reason: `${node} is down`, cause: undefined }))
        : effect()
    )
  return (node: NodeName): DomainDriverShape => {
    const cached = cache.get(node)
    if (cached !== undefined) return cached
    const d = drivers(node)
    const powered: DomainDriverShape = {
      define: (domain) => guard(node, () => d.define(domain)),
      start: (uuid) => guard(node, () => d.start(uuid)),
      shutdown: (uuid, timeout) => guard(node, () => d.shutdown(uuid, timeout)),
      destroy: (uuid) => guard(node, () => d.destroy(uuid)),
      undefine: (uuid) => guard(node, () => d.undefine(uuid)),
      running: guard(node, () => d.running),
      migrate: (uuid, to) => guard(node, () => d.migrate(uuid, to))
    }
    cache.set(node, powered)
    return powered
  }
}

/** Power loss on a given hypervisor: every running domain is destroyed. */
const powerOff = (driver: DomainDriverShape) =>
  driver.running.pipe(
    Effect.flatMap((running) => Effect.forEach(running, (uuid) => Effect.ignore(driver.destroy(uuid)), { discard: true })),
    Effect.ignore
  )

/** The simulator over the current `ClusterStore`; daemons live as long as the scope. */
export const makeSimulator = Effect.fnUntraced(function*(options: SimulatorOptions) {
  const store = yield* ClusterStore
  const scope = yield* Effect.scope
  const clock = yield* Clock.Clock
  const timing = resolveTiming(options.timing)
  const random = seededRandom(options.seed)
  const memory: MemoryHypervisors | undefined = options.drivers === undefined
    ? makeMemoryHypervisors({ migrate: timing.migrate, shutdown: timing.shutdown })
    : undefined
  const killed = new Set<NodeName>()
  const rawDriver = memory !== undefined ? memory.driver : poweredDrivers(options.drivers!, killed)
  const faults: Faults = { failNext: [], refusals: new Map() }
  const events: Array<string> = []
  const violations: Array<string> = []
  const daemons = new Map<NodeName, DaemonEntry>()
  let lastSeen: ClusterSnapshot | undefined

  const startedAt = clock.currentTimeMillisUnsafe()
  // Seconds since the simulator started, so that runs compare whatever the clock's origin.
  const log = (message: string) => {
    events.push(`[${Math.floor((clock.currentTimeMillisUnsafe() - startedAt) / 1000)}s] ${message}`)
    // A long-running embedded cluster keeps only its recent history.
    if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS)
  }

  // The entry is registered before the daemon's first write, so that a store change arriving
  // meanwhile does not start a second daemon for the same node.
  const startNode = (name: NodeName) =>
    Effect.suspend(() => {
      if (daemons.has(name) || killed.has(name)) return Effect.void
      const entry: DaemonEntry = { scope: Scope.forkUnsafe(scope), daemon: undefined }
      daemons.set(name, entry)
      return startDaemon({
        node: name,
        driver: withFaults(rawDriver(name), faults, options, random, timing),
        driverOf: rawDriver,
        timing,
        random,
        log
      }).pipe(
        Scope.provide(entry.scope),
        Effect.provideService(ClusterStore, store),
        Effect.tap((daemon) => Effect.sync(() => void (entry.daemon = daemon)))
      )
    })

  const startAll = (snapshot: ClusterSnapshot) =>
    Effect.forEach([...snapshot.nodes.keys()].sort(), startNode, { discard: true })

  const placements = Effect.gen(function*() {
    if (memory !== undefined) return memory.placements()
    const snapshot = yield* store.snapshot
    return new Map([...daemons.keys()].map((n) => [n, snapshot.nodes.get(n)?.runningDomains ?? []] as const))
  })

  const pending = Effect.gen(function*() {
    const busy = [...daemons.values()].reduce((sum, d) => sum + (d.daemon?.busy() ?? 1), 0)
    const reasons = pendingWork(yield* store.snapshot, new Set(daemons.keys()), yield* placements)
    return busy > 0 ? [`${busy} jobs in progress`, ...reasons] : reasons
  })

  const settle = (settleOptions: SettleOptions = {}) =>
    Effect.gen(function*() {
      const maxMillis = (settleOptions.maxSeconds ?? 900) * 1000
      const step = Duration.fromInputUnsafe(settleOptions.step ?? Duration.seconds(1))
      // Under Effect's TestClock time is advanced; on the real clock (e.g. over ZooKeeper) it is waited for.
      const advance = "adjust" in clock ? TestClock.adjust(step) : Effect.sleep(step)
      let quiet = 0
      let reasons: ReadonlyArray<string> = []
      for (let waited = 0; waited < maxMillis; waited += Duration.toMillis(step)) {
        yield* advance
        reasons = yield* pending
        quiet = reasons.length === 0 ? quiet + 1 : 0
        if (quiet >= 2) return
      }
      return yield* new SimulationDidNotSettle({ seconds: maxMillis / 1000, pending: reasons })
    })

  const monitor = (snapshot: ClusterSnapshot) =>
    Effect.sync(() => {
      lastSeen = snapshot
      for (const vm of snapshot.vms.values()) {
        if (!snapshot.nodes.has(vm.node)) violations.push(`${vm.name} names unknown node ${vm.node}`)
      }
    })

  yield* startAll(yield* store.snapshot)
  yield* Effect.forkIn(
    Stream.runForEach(store.changes, (snapshot) => Effect.andThen(monitor(snapshot), startAll(snapshot))).pipe(Effect.ignore),
    scope
  )

  return Simulator.of({
    killNode: (node) =>
      Effect.suspend(() => {
        const name = node as NodeName
        killed.add(name)
        memory?.crash(name)
        log(`${name}: killed`)
        const entry = daemons.get(name)
        daemons.delete(name)
        return Effect.andThen(
          entry === undefined ? Effect.void : Scope.close(entry.scope, Exit.void),
          memory === undefined ? powerOff(options.drivers!(name)) : Effect.void
        )
      }),
    reviveNode: (node) =>
      Effect.suspend(() => {
        const name = node as NodeName
        killed.delete(name)
        memory?.powerOn(name)
        log(`${name}: powered on`)
        return startNode(name)
      }),
    failNextMigration: (vm) => Effect.sync(() => void faults.failNext.push(vm === undefined ? undefined : VmUuid.make(vm))),
    refuseStart: (vm, reason = SIMULATED_REFUSAL) => Effect.sync(() => void faults.refusals.set(VmUuid.make(vm), reason)),
    allowStart: (vm) => Effect.sync(() => void faults.refusals.delete(VmUuid.make(vm))),
    settle,
    pending,
    placements,
    alive: Effect.sync(() => new Set(daemons.keys())),
    violations: Effect.sync(() => [...violations, ...(memory?.violations() ?? [])]),
    storeDisagreements: Effect.gen(function*() {
      yield* Effect.yieldNow
      const now = describe(yield* store.snapshot)
      const seen = lastSeen === undefined ? [] : describe(lastSeen)
      return [...now.filter((l) => !seen.includes(l)), ...seen.filter((l) => !now.includes(l))]
    }),
    events: Effect.sync(() => [...events])
  })
})

/** Runs a simulated pvcd for every node of the store, in the background, for the layer's lifetime. */
export const layerSimulator = (options: SimulatorOptions): Layer.Layer<Simulator, StoreUnavailable, ClusterStore> =>
  Layer.effect(Simulator, makeSimulator(options))
