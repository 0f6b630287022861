import {
  type ClusterSnapshot,
  ClusterStore,
  decideAndCommit,
  DomainDefinition,
  type DomainDriverShape,
  Node,
  type NodeName,
  PrimaryNode,
  put,
  Vm,
  VmDetails,
  type VmUuid
} from "@pvc/core"
import { Clock, Duration, Effect, Fiber, Queue, Result, Schedule, Stream } from "effect"
import { domainSize, keepalive, memTarget, runningElsewhere, staleNodes, type VmAction, vmAction } from "./DaemonRules.ts"
import type { SimulatorTiming } from "./SimulatorConfig.ts"

/** What one simulated pvcd needs from the simulator around it. */
export interface DaemonEnv {
  readonly node: NodeName
  /** This node's hypervisor (with injected faults). */
  readonly driver: DomainDriverShape
  /** The hypervisor of a migration target, as handed to `migrate`. */
  readonly driverOf: (node: NodeName) => DomainDriverShape
  readonly timing: SimulatorTiming
  readonly random: () => number
  readonly log: (message: string) => void
}

export interface Daemon {
  /** Jobs in progress (VM operations, flush, fencing, elections). */
  readonly busy: () => number
}

interface Job {
  readonly kind: string
  fiber?: Fiber.Fiber<unknown, unknown>
}

const nowSeconds = Effect.map(Clock.currentTimeMillis, (ms) => Math.floor(ms / 1000))

const definition = (vm: Vm): DomainDefinition => {
  const size = domainSize(vm.xml)
  return new DomainDefinition({
    uuid: vm.uuid,
    name: vm.name,
    xml: vm.xml,
    rbdList: vm.rbdList,
    details: new VmDetails({
      name: vm.name, uuid: vm.uuid, description: "", memory: size.memoryMiB, vcpu: String(size.vcpus),
      vcpuTopology: "N/A", networks: [], type: "hvm", arch: "x86_64", machine: "pc", console: "pty",
      emulator: "/usr/bin/kvm", features: [], disks: [], controllers: []
    })
  })
}

const reasonOf = (error: { readonly _tag: string }): string =>
  "reason" in error && typeof error.reason === "string" ? error.reason : error._tag

/** Commit a change to one VM, decided on a fresh snapshot (retried when stale). */
const updateVm = (uuid: VmUuid, f: (vm: Vm, snapshot: ClusterSnapshot) => Vm | undefined) =>
  decideAndCommit((snapshot) => {
    const vm = snapshot.vms.get(uuid)
    const next = vm === undefined ? undefined : f(vm, snapshot)
    return Result.succeed({ changes: next === undefined ? [] : [put(next)], outcome: next !== undefined })
  })

const updateNode = (name: NodeName, f: (node: Node, snapshot: ClusterSnapshot) => Node | undefined) =>
  decideAndCommit((snapshot) => {
    const node = snapshot.nodes.get(name)
    const next = node === undefined ? undefined : f(node, snapshot)
    return Result.succeed({ changes: next === undefined ? [] : [put(next)], outcome: next !== undefined })
  })

const sameList = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) => {
  if (a.length !== b.length) return false
  const sorted = [...b].sort()
  return [...a].sort().every((x, i) => x === sorted[i])
}

/**
 * Start one node's daemon in the current scope (closing the scope stops it, like a dead host):
 * a keepalive loop, and a reactor that acts on every new cluster snapshot (zk-layout §6).
 */
export const startDaemon = Effect.fnUntraced(function*(env: DaemonEnv) {
  const store = yield* ClusterStore
  const scope = yield* Effect.scope
  const { driver, node: self, timing } = env
  const jobs = new Map<string, Job>()
  const wake = yield* Queue.sliding<void>(1)
  const poke = () => void Queue.offerUnsafe(wake, undefined)
  const baseUsed = new Map<NodeName, number>()

  const provide = <A, E>(effect: Effect.Effect<A, E, ClusterStore>) =>
    Effect.provideService(effect, ClusterStore, store)

  const spawn = (key: string, kind: string, effect: Effect.Effect<unknown, unknown, ClusterStore>) => {
    const job: Job = { kind }
    jobs.set(key, job)
    const run = provide(effect).pipe(
      Effect.catchCause((cause) => Effect.sync(() => env.log(`${self}: ${kind} failed: ${cause}`))),
      Effect.ensuring(Effect.sync(() => {
        if (jobs.get(key) === job) jobs.delete(key)
        poke()
      }))
    )
    return Effect.forkIn(run, scope).pipe(Effect.tap((fiber) => Effect.sync(() => void (job.fiber = fiber))))
  }

  const cancel = (key: string) =>
    Effect.suspend(() => {
      const job = jobs.get(key)
      jobs.delete(key)
      return job?.fiber === undefined ? Effect.void : Fiber.interrupt(job.fiber)
    })

  const runningHere = Effect.orElseSucceed(driver.running, (): ReadonlyArray<VmUuid> => [])

  // The running list and its resource figures, outside the keepalive rhythm.
  const recordRunning = Effect.gen(function*() {
    const running = yield* runningHere
    yield* updateNode(self, (node, snapshot) =>
      sameList(node.runningDomains, running) ? undefined : keepalive(node, snapshot, {
        running,
        nowSeconds: Number(node.resources.keepalive),
        load: Number(node.resources.cpuLoad),
        baseUsedMiB: baseUsedOf(node)
      }))
  })

  const baseUsedOf = (node: Node) => {
    let base = baseUsed.get(node.name)
    if (base === undefined) {
      base = Math.max(512, node.resources.memUsed - node.resources.memAllocated)
      baseUsed.set(node.name, base)
    }
    return base
  }

  const gracefulShutdown = (uuid: VmUuid) =>
    driver.shutdown(uuid, timing.shutdownTimeout).pipe(
      Effect.catchTag("DomainShutdownTimedOut", () => driver.destroy(uuid)),
      Effect.ignore
    )

  const startDomain = (vm: Vm) =>
    Effect.gen(function*() {
      const domain = definition(vm)
      // A definition left from before a rename is replaced rather than clashed with.
      const define = driver.define(domain).pipe(
        Effect.catchTag("DomainRejected", () =>
          driver.undefine(vm.uuid).pipe(Effect.ignore, Effect.andThen(driver.define(domain))))
      )
      const started = yield* define.pipe(Effect.andThen(driver.start(vm.uuid)), Effect.result)
      if (Result.isFailure(started) && started.failure._tag !== "DomainRunning") {
        env.log(`${self}: ${vm.name} refused: ${reasonOf(started.failure)}`)
        yield* updateVm(vm.uuid, (v) =>
          v.node === self && (v.state === "start" || v.state === "restart")
            ? new Vm({ ...v, state: "failed", failedReason: reasonOf(started.failure) })
            : undefined)
        return false
      }
      return true
    })

  const vmOps: Record<VmAction, (uuid: VmUuid) => Effect.Effect<void, unknown, ClusterStore>> = {
    start: (uuid) =>
      Effect.gen(function*() {
        const snapshot = yield* store.snapshot
        const vm = snapshot.vms.get(uuid)
        if (vm === undefined || vm.node !== self || vm.state !== "start") return
        if (runningElsewhere(snapshot, self, uuid)) return
        if (yield* startDomain(vm)) env.log(`${self}: started ${vm.name}`)
        yield* recordRunning
      }),
    restart: (uuid) =>
      Effect.gen(function*() {
        yield* gracefulShutdown(uuid)
        const vm = (yield* store.snapshot).vms.get(uuid)
        if (vm === undefined) return
        if (yield* startDomain(vm)) {
          yield* updateVm(uuid, (v) => v.node === self && v.state === "restart" ? new Vm({ ...v, state: "start" }) : undefined)
        }
        yield* recordRunning
      }),
    shutdown: (uuid) =>
      Effect.gen(function*() {
        yield* gracefulShutdown(uuid)
        yield* recordRunning
        yield* updateVm(uuid, (v) => v.state === "shutdown" ? new Vm({ ...v, state: "stop" }) : undefined)
      }),
    destroy: (uuid) => driver.destroy(uuid).pipe(Effect.ignore, Effect.andThen(recordRunning)),
    markStarted: (uuid) =>
      updateVm(uuid, (v) =>
        v.node === self && (v.state === "restart" || v.state === "migrate") ? new Vm({ ...v, state: "start" }) : undefined),
    markStopped: (uuid) => updateVm(uuid, (v) => v.state === "shutdown" ? new Vm({ ...v, state: "stop" }) : undefined),
    receive: (uuid) => receive(uuid),
    migrateAway: (uuid) => migrateAway(uuid)
  }

  // zk-layout §6: a receiving node polls until the domain runs here, or until a cold migration
  // (sender wrote shutdown, then stop) lets it start the VM itself.
  const receive = (uuid: VmUuid) =>
    Effect.gen(function*() {
      const began = yield* Clock.currentTimeMillis
      let cold = false
      while (true) {
        const vm = (yield* store.snapshot).vms.get(uuid)
        if (vm === undefined || vm.node !== self) return
        if (vm.state === "migrate" && (yield* runningHere).includes(uuid)) {
          yield* updateVm(uuid, (v) => v.node === self && v.state === "migrate" ? new Vm({ ...v, state: "start" }) : undefined)
          return
        }
        if (vm.state === "shutdown") cold = true
        else if (vm.state === "stop") {
          yield* updateVm(uuid, (v) => v.node === self && v.state === "stop" ? new Vm({ ...v, state: "start" }) : undefined)
          return
        } else if (vm.state !== "migrate") return
        const limit = cold ? timing.coldMigrationTimeout : timing.receiveTimeout
        if ((yield* Clock.currentTimeMillis) - began >= Duration.toMillis(limit)) {
          const reason = cold ? "Timeout waiting for migrate or shutdown" : "Timeout waiting for migrate"
          yield* updateVm(uuid, (v) =>
            v.node === self && (v.state === "migrate" || v.state === "shutdown")
              ? new Vm({ ...v, state: "failed", failedReason: reason })
              : undefined)
          return
        }
        yield* Effect.sleep(timing.poll)
      }
    })

  // Live migration; when it fails the VM goes cold: shut down here, the receiver starts it.
  const migrateAway = (uuid: VmUuid) =>
    Effect.gen(function*() {
      const vm = (yield* store.snapshot).vms.get(uuid)
      if (vm === undefined || vm.node === self || vm.state !== "migrate") return
      const target = vm.node
      const moved = yield* Effect.result(driver.migrate(uuid, env.driverOf(target)))
      if (Result.isSuccess(moved)) {
        env.log(`${self}: migrated ${vm.name} to ${target}`)
        return yield* recordRunning
      }
      env.log(`${self}: live migration of ${vm.name} to ${target} failed (${reasonOf(moved.failure)}), shutting down`)
      yield* updateVm(uuid, (v) => v.node === target && v.state === "migrate" ? new Vm({ ...v, state: "shutdown" }) : undefined)
      yield* gracefulShutdown(uuid)
      yield* recordRunning
      yield* updateVm(uuid, (v) => v.state === "shutdown" ? new Vm({ ...v, state: "stop" }) : undefined)
    })

  const waitFor = (uuid: VmUuid, done: (vm: Vm | undefined) => boolean) =>
    Effect.gen(function*() {
      while (!done((yield* store.snapshot).vms.get(uuid))) yield* Effect.sleep(timing.poll)
    }).pipe(Effect.timeoutOption(timing.flushWait))

  const flushOne = (uuid: VmUuid) =>
    Effect.gen(function*() {
      const outcome = yield* decideAndCommit((snapshot) => {
        const vm = snapshot.vms.get(uuid)
        if (vm === undefined || vm.node !== self || !["start", "restart", "migrate"].includes(vm.state)) {
          return Result.succeed({ changes: [], outcome: "skip" as const })
        }
        const target = memTarget(snapshot, self)
        return Result.succeed(
          target === undefined
            ? { changes: [put(new Vm({ ...vm, state: "shutdown" }))], outcome: "shutdown" as const }
            : {
              changes: [put(new Vm({ ...vm, state: "migrate", node: target.name, lastNode: vm.lastNode ?? self }))],
              guards: [target],
              outcome: "migrate" as const
            }
        )
      })
      if (outcome === "shutdown") yield* waitFor(uuid, (vm) => vm === undefined || vm.state !== "shutdown")
      if (outcome === "migrate") yield* waitFor(uuid, (vm) => vm === undefined || vm.state !== "migrate")
    })

  const flushJob = Effect.gen(function*() {
    env.log(`${self}: flushing`)
    for (const uuid of yield* runningHere) yield* flushOne(uuid)
    const running = yield* runningHere
    yield* updateNode(self, (n) =>
      n.domainState === "flush" ? new Node({ ...n, domainState: "flushed", runningDomains: running }) : undefined)
    env.log(`${self}: flushed`)
  })

  const unflushOne = (uuid: VmUuid) =>
    Effect.gen(function*() {
      const migrated = yield* decideAndCommit((snapshot) => {
        const vm = snapshot.vms.get(uuid)
        if (vm === undefined || vm.lastNode !== self) return Result.succeed({ changes: [], outcome: false })
        // Only a running VM is migrated back; any other keeps its state (as `unmigrate` does).
        const live = vm.state === "start" && vm.node !== self
        const next = new Vm({ ...vm, node: self, lastNode: null, state: live ? "migrate" : vm.state })
        return Result.succeed({ changes: [put(next)], outcome: live })
      })
      if (migrated) yield* waitFor(uuid, (vm) => vm === undefined || vm.state !== "migrate")
    })

  const unflushJob = Effect.gen(function*() {
    env.log(`${self}: unflushing`)
    const snapshot = yield* store.snapshot
    const homed = [...snapshot.vms.values()].filter((vm) => vm.lastNode === self).map((vm) => vm.uuid).sort()
    for (const uuid of homed) yield* unflushOne(uuid)
    yield* updateNode(self, (n) => n.domainState === "unflush" ? new Node({ ...n, domainState: "ready" }) : undefined)
    env.log(`${self}: ready`)
  })

  // Beyond pvcd: a primary that is gone without being cleared (its fencer died too, or it died
  // while starting, which fencing ignores) is replaced once fencing would long have finished.
  const orphaned = (snapshot: ClusterSnapshot, now: number) => {
    const primary = snapshot.primaryNode.node
    if (primary === null) return true
    const node = snapshot.nodes.get(primary)
    const grace = Duration.toSeconds(timing.fenceAfter) + Duration.toSeconds(timing.fenceDelay) +
      2 * Duration.toSeconds(timing.keepalive)
    return node === undefined || (node.daemonState !== "run" && now - Number(node.resources.keepalive) > grace)
  }

  const electSelf = (now: number) =>
    decideAndCommit((snapshot) => {
      const me = snapshot.nodes.get(self)
      const free = orphaned(snapshot, now) && me?.daemonState === "run"
      return Result.succeed({ changes: free ? [put(new PrimaryNode({ node: self }))] : [], outcome: free })
    }).pipe(Effect.tap((won) => Effect.sync(() => won && env.log(`${self}: became primary`))))

  const setRouter = (state: Node["routerState"]) =>
    updateNode(self, (n) => n.routerState === state ? undefined : new Node({ ...n, routerState: state }))

  const fence = (name: NodeName) =>
    Effect.gen(function*() {
      const now = yield* nowSeconds
      const limit = Duration.toSeconds(timing.fenceAfter)
      const marked = yield* updateNode(name, (n) =>
        n.daemonState === "run" && now - Number(n.resources.keepalive) > limit
          ? new Node({ ...n, daemonState: "dead" })
          : undefined)
      if (!marked) return
      env.log(`${self}: ${name} is dead, fencing`)
      yield* Effect.sleep(timing.fenceDelay)
      const dead = (yield* store.snapshot).nodes.get(name)
      if (dead === undefined || dead.daemonState !== "dead") return
      yield* decideAndCommit((snapshot) => {
        const n = snapshot.nodes.get(name)
        if (n === undefined || n.daemonMode !== "coordinator") return Result.succeed({ changes: [], outcome: undefined })
        const wasPrimary = snapshot.primaryNode.node === name
        return Result.succeed({
          changes: [
            ...(n.routerState === "secondary" ? [] : [put(new Node({ ...n, routerState: "secondary" }))]),
            ...(wasPrimary ? [put(new PrimaryNode({ node: null }))] : [])
          ],
          outcome: undefined
        })
      })
      for (const uuid of dead.runningDomains) yield* recover(uuid, name)
      yield* updateNode(name, (n) => new Node({ ...n, domainState: "flushed", runningDomains: [] }))
      env.log(`${self}: fenced ${name}`)
    })

  // A VM of a fenced node starts again on the daemon's `mem` target, remembering its home.
  const recover = (uuid: VmUuid, dead: NodeName) =>
    decideAndCommit((snapshot) => {
      const vm = snapshot.vms.get(uuid)
      const target = memTarget(snapshot, dead)
      if (vm === undefined || vm.node !== dead || target === undefined || ["stop", "shutdown", "delete"].includes(vm.state)) {
        return Result.succeed({ changes: [], outcome: undefined })
      }
      const next = new Vm({ ...vm, state: "start", node: target.name, lastNode: dead })
      return Result.succeed({ changes: [put(next)], guards: [target], outcome: undefined })
    })

  const keepaliveOnce = Effect.gen(function*() {
    const running = yield* runningHere
    const now = yield* nowSeconds
    const load = Math.round(env.random() * 200) / 100
    yield* updateNode(self, (node, snapshot) =>
      keepalive(node, snapshot, { running, nowSeconds: now, load, baseUsedMiB: baseUsedOf(node) }))
    const snapshot = yield* store.snapshot
    const me = snapshot.nodes.get(self)
    if (me?.daemonMode !== "coordinator" || me.daemonState !== "run") return
    for (const stale of staleNodes(snapshot, self, now, Duration.toSeconds(timing.fenceAfter))) {
      const key = `fence:${stale.name}`
      if (!jobs.has(key)) yield* spawn(key, "fence", fence(stale.name))
    }
  })

  const reactRouter = (snapshot: ClusterSnapshot, me: Node, now: number) => {
    if (jobs.has("router")) return Effect.void
    const primary = snapshot.primaryNode.node
    if (me.daemonMode === "hypervisor") {
      return me.routerState === "client" ? Effect.void : spawn("router", "router", setRouter("client"))
    }
    if (orphaned(snapshot, now)) return spawn("router", "election", electSelf(now))
    if (primary === self && me.routerState !== "primary") return spawn("router", "router", setRouter("primary"))
    if (primary !== self && me.routerState === "primary") return spawn("router", "router", setRouter("secondary"))
    return Effect.void
  }

  const reactDomainState = (me: Node) =>
    Effect.gen(function*() {
      const request = me.domainState
      if (request !== "flush" && request !== "unflush") return
      const current = jobs.get("domainstate")
      if (current?.kind === request) return
      // A new flush/unflush aborts a running one (zk-layout §6).
      yield* cancel("domainstate")
      yield* spawn("domainstate", request, request === "flush" ? flushJob : unflushJob)
    })

  const reactVms = (snapshot: ClusterSnapshot, me: Node, running: ReadonlyArray<VmUuid>) =>
    Effect.gen(function*() {
      for (const vm of snapshot.vms.values()) {
        const key = `vm:${vm.uuid}`
        if (jobs.has(key)) continue
        const action = vmAction(self, vm, running.includes(vm.uuid), runningElsewhere(snapshot, self, vm.uuid))
        if (action !== undefined) yield* spawn(key, action, vmOps[action](vm.uuid))
      }
      for (const uuid of running) {
        if (!snapshot.vms.has(uuid) && !jobs.has(`vm:${uuid}`)) yield* spawn(`vm:${uuid}`, "destroy", vmOps.destroy(uuid))
      }
      if (!sameList(me.runningDomains, running) && !jobs.has("record")) yield* spawn("record", "record", recordRunning)
    })

  const react = Effect.gen(function*() {
    const snapshot = yield* store.snapshot
    const me = snapshot.nodes.get(self)
    if (me === undefined || me.daemonState !== "run") return
    const running = yield* runningHere
    yield* reactRouter(snapshot, me, yield* nowSeconds)
    yield* reactDomainState(me)
    yield* reactVms(snapshot, me, running)
  })

  const logged = <E, R>(what: string, effect: Effect.Effect<void, E, R>) =>
    Effect.catchCause(effect, (cause) => Effect.sync(() => env.log(`${self}: ${what} failed: ${cause}`)))

  // On start pvcd resets its daemon and router states (zk-layout §2 "node present").
  yield* logged(
    "startup",
    provide(updateNode(self, (n) =>
      new Node({
        ...n,
        daemonState: "init",
        routerState: n.daemonMode === "coordinator" ? (n.routerState === "primary" ? "primary" : "secondary") : "client"
      })))
  )
  yield* Effect.forkIn(
    Effect.forever(logged("keepalive", provide(keepaliveOnce)).pipe(Effect.andThen(Effect.sleep(timing.keepalive)))),
    scope
  )
  yield* Effect.forkIn(
    Stream.runForEach(store.changes, () => Effect.sync(poke)).pipe(
      Effect.retry(Schedule.spaced(timing.poll)),
      Effect.ignore
    ),
    scope
  )
  yield* Effect.forkIn(Effect.forever(Queue.take(wake).pipe(Effect.andThen(logged("react", react)))), scope)
  return { busy: () => jobs.size } satisfies Daemon
})
