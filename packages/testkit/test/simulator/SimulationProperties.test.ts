import { describe, it } from "@effect/vitest"
import { type ClusterSnapshot, ClusterStore, NodeName, type Vm, type VmUuid } from "@pvc/core"
import { Duration, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { makeSimulatedCluster, Simulator, type SimulatorFaults } from "../../src/simulator/index.ts"
import { flush, migrate, setState, unflush } from "./api.ts"

/*
 * Generated operation sequences (API writes, waits and faults) against the simulated cluster, with
 * invariants checked once the cluster has settled. Runs are deterministic for fast-check's seed.
 */

const NODES = 3
const VMS = 6
const FC_SEED = Number(process.env.SIM_SEED ?? 20261128)
/** `SIM_RUNS=1000` for a longer hunt; the default keeps the suite fast. */
const RUNS = Number(process.env.SIM_RUNS ?? 1)

type Op =
  | { readonly op: "flush" | "unflush" | "kill" | "revive"; readonly node: number }
  | { readonly op: "state"; readonly vm: number; readonly state: "start" | "stop" | "shutdown" | "restart" }
  | { readonly op: "migrate"; readonly vm: number; readonly node: number }
  | { readonly op: "failMigration" | "settle" }
  | { readonly op: "refuse" | "allow"; readonly vm: number }
  | { readonly op: "wait"; readonly millis: number }

// Node numbers wrap around the cluster's node count (`nodeOf`).
const node = fc.integer({ min: 1, max: 5 })
// Mostly the same two VMs, so that operations on one VM meet while it is still moving.
const vm = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 1 }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: VMS - 1 }), weight: 1 }
)

const apiOps: ReadonlyArray<fc.Arbitrary<Op>> = [
  node.map((n) => ({ op: "flush" as const, node: n })),
  node.map((n) => ({ op: "unflush" as const, node: n })),
  fc.record({ op: fc.constant("state" as const), vm, state: fc.constantFrom("start", "stop", "shutdown", "restart") }),
  fc.record({ op: fc.constant("migrate" as const), vm, node }),
  fc.integer({ min: 0, max: 4000 }).map((millis) => ({ op: "wait" as const, millis })),
  fc.constant({ op: "settle" as const })
]
const migrationFaults: ReadonlyArray<fc.Arbitrary<Op>> = [fc.constant({ op: "failMigration" as const })]
const hostFaults: ReadonlyArray<fc.Arbitrary<Op>> = [
  node.map((n) => ({ op: "kill" as const, node: n })),
  node.map((n) => ({ op: "revive" as const, node: n })),
  vm.map((v) => ({ op: "refuse" as const, vm: v })),
  vm.map((v) => ({ op: "allow" as const, vm: v }))
]

const arbOps = (kinds: ReadonlyArray<fc.Arbitrary<Op>>, maxLength: number) =>
  fc.array(fc.oneof(...kinds), { maxLength })

const hv = (n: number) => NodeName.make(`hv${n}`)
const nodeOf = (n: number, nodes: number) => hv(((n - 1) % nodes) + 1)
const snapshot = Effect.gen(function*() {
  return yield* (yield* ClusterStore).snapshot
})
const vmAt = (s: ClusterSnapshot, i: number): Vm => [...s.vms.values()].sort((a, b) => a.name.localeCompare(b.name))[i]!

const apply = (op: Op, nodes = NODES) =>
  Effect.gen(function*() {
    const sim = yield* Simulator
    const s = yield* snapshot
    switch (op.op) {
      case "flush":
        return yield* flush(nodeOf(op.node, nodes))
      case "unflush":
        return yield* unflush(nodeOf(op.node, nodes))
      case "kill":
        return yield* sim.killNode(nodeOf(op.node, nodes))
      case "revive":
        return yield* sim.reviveNode(nodeOf(op.node, nodes))
      case "state":
        return yield* setState(vmAt(s, op.vm).uuid, op.state)
      case "migrate":
        return yield* migrate(vmAt(s, op.vm).uuid, nodeOf(op.node, nodes))
      case "failMigration":
        return yield* sim.failNextMigration()
      case "refuse":
        return yield* sim.refuseStart(vmAt(s, op.vm).uuid)
      case "allow":
        return yield* sim.allowStart(vmAt(s, op.vm).uuid)
      case "wait":
        return yield* TestClock.adjust(Duration.millis(op.millis))
      case "settle":
        return yield* sim.settle()
    }
  })

const fail = (message: string): never => {
  throw new Error(message)
}

/** What must hold whenever the simulated cluster is at rest. */
const checkAtRest = Effect.gen(function*() {
  const sim = yield* Simulator
  const s = yield* snapshot
  const placements = yield* sim.placements
  const alive = yield* sim.alive
  const violations = yield* sim.violations
  if (violations.length > 0) fail(`violations: ${violations.join("; ")}`)
  const disagreements = yield* sim.storeDisagreements
  if (disagreements.length > 0) fail(`store answers disagree: ${disagreements.join("; ")}`)
  const hosts = new Map<VmUuid, Array<NodeName>>()
  for (const [n, uuids] of placements) for (const uuid of uuids) hosts.set(uuid, [...(hosts.get(uuid) ?? []), n])
  for (const [uuid, where] of hosts) if (where.length > 1) fail(`${uuid} runs on ${where.join(", ")}`)
  for (const v of s.vms.values()) {
    if (!s.nodes.has(v.node)) fail(`${v.name} names unknown node ${v.node}`)
    const where = hosts.get(v.uuid) ?? []
    if (where.length === 1 && where[0] !== v.node) fail(`${v.name} runs on ${where[0]} but its node is ${v.node}`)
  }
  const liveCoordinators = [...s.nodes.values()].filter((n) =>
    n.daemonMode === "coordinator" && n.daemonState === "run" && alive.has(n.name)
  )
  if (liveCoordinators.length > 0) {
    const primary = s.primaryNode.node
    if (!liveCoordinators.some((n) => n.name === primary)) fail(`primary ${primary} is not a live coordinator`)
    const primaries = liveCoordinators.filter((n) => n.routerState === "primary").map((n) => n.name)
    if (primaries.length !== 1 || primaries[0] !== primary) fail(`router states ${primaries} vs primary ${primary}`)
  }
})

interface Shape {
  readonly nodes: number
  readonly coordinators: number
  readonly faults: SimulatorFaults
}

const defaultShape: Shape = { nodes: NODES, coordinators: NODES, faults: {} }

/** Cluster shapes: 1–5 nodes, some of them hypervisors only, with or without random faults. */
const arbShape: fc.Arbitrary<Shape> = fc.record({
  nodes: fc.integer({ min: 1, max: 5 }),
  coordinators: fc.integer({ min: 1, max: 3 }),
  faults: fc.record({
    migrationFailureRate: fc.constantFrom(0, 0.3),
    startRefusalRate: fc.constantFrom(0, 0.1)
  })
})

const scenario = (
  seed: number,
  body: Effect.Effect<void, unknown, Simulator | ClusterStore>,
  shape: Shape = defaultShape
) =>
  Effect.runPromise(
    body.pipe(
      Effect.provide(
        makeSimulatedCluster({ seed, vms: VMS, ...shape }).pipe(Layer.provideMerge(TestClock.layer()))
      )
    )
  )

const settleAll = Effect.gen(function*() {
  yield* (yield* Simulator).settle()
})

describe("Simulation properties", () => {
  it("after any sequence of API writes and faults, the settled cluster is consistent", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), arbShape, arbOps([...apiOps, ...migrationFaults, ...hostFaults], 14), (seed, shape, ops) =>
        scenario(
          seed,
          Effect.gen(function*() {
            const sim = yield* Simulator
            yield* settleAll
            for (const op of ops) {
              yield* apply(op, shape.nodes)
              const disagreements = yield* sim.storeDisagreements
              if (disagreements.length > 0) fail(`mid-run, the store answers disagree: ${disagreements.join("; ")}`)
            }
            yield* settleAll
            yield* checkAtRest
          }),
          shape
        )),
      { seed: FC_SEED, numRuns: 100 * RUNS }
    )
  })

  it("after a flush settles no VM runs on the node, and each moved VM remembers it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        arbOps(apiOps, 8),
        node,
        arbOps([...migrationFaults, fc.integer({ min: 0, max: 3000 }).map((millis) => ({ op: "wait" as const, millis }))], 3),
        (seed, prefix, targetRef, faults) =>
          scenario(
            seed,
            Effect.gen(function*() {
              const sim = yield* Simulator
              const target = nodeOf(targetRef, NODES)
              yield* settleAll
              for (const op of prefix) yield* apply(op)
              yield* settleAll
              const before = yield* snapshot
              const onNode = ((yield* sim.placements).get(target) ?? []).map((uuid) => before.vms.get(uuid)!)
              yield* flush(target)
              for (const op of faults) yield* apply(op)
              yield* settleAll
              const after = yield* snapshot
              if (after.nodes.get(target)?.domainState !== "flushed") fail("node not flushed")
              const still = (yield* sim.placements).get(target) ?? []
              if (still.length > 0) fail(`still running on ${target}: ${still.join(", ")}`)
              for (const was of onNode) {
                const now = after.vms.get(was.uuid)!
                const moved = now.node !== target
                if (moved && now.lastNode !== (was.lastNode ?? target)) {
                  fail(`${now.name} moved to ${now.node} with lastnode ${now.lastNode}`)
                }
                if (!moved && now.state !== "stop") fail(`${now.name} stayed on ${target} in state ${now.state}`)
              }
              yield* checkAtRest
            })
          )
      ),
      { seed: FC_SEED + 1, numRuns: 40 * RUNS }
    )
  })

  it("after unflush settles exactly the VMs homed on the node are back", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), arbOps(apiOps, 8), node, fc.boolean(), (seed, prefix, targetRef, failOne) =>
        scenario(
          seed,
          Effect.gen(function*() {
            const sim = yield* Simulator
            const target = nodeOf(targetRef, NODES)
            yield* settleAll
            for (const op of prefix) yield* apply(op)
            yield* flush(target)
            yield* settleAll
            const before = yield* snapshot
            const homed = [...before.vms.values()].filter((v) => v.lastNode === target)
            if (failOne) yield* sim.failNextMigration()
            yield* unflush(target)
            yield* settleAll
            const after = yield* snapshot
            if (after.nodes.get(target)?.domainState !== "ready") fail("node not ready")
            const running = new Set((yield* sim.placements).get(target) ?? [])
            for (const was of homed) {
              const now = after.vms.get(was.uuid)!
              if (now.node !== target || now.lastNode !== null) fail(`${now.name} not back: ${now.node}`)
              if (was.state === "start" && !running.has(now.uuid)) fail(`${now.name} back but not running`)
            }
            const strays = [...after.vms.values()].filter((v) => v.lastNode === target)
            if (strays.length > 0) fail(`still homed elsewhere: ${strays.map((v) => v.name).join(", ")}`)
            const arrivals = [...running].filter((uuid) =>
              !homed.some((v) => v.uuid === uuid) && before.vms.get(uuid)?.node !== target
            )
            if (arrivals.length > 0) fail(`unexpected VMs back on ${target}: ${arrivals.join(", ")}`)
            yield* checkAtRest
          })
        )),
      { seed: FC_SEED + 2, numRuns: 40 * RUNS }
    )
  })

  it("a seed and an operation sequence always give the same run", async () => {
    const run = (seed: number, shape: Shape, ops: ReadonlyArray<Op>) => {
      let events: ReadonlyArray<string> = []
      return scenario(
        seed,
        Effect.gen(function*() {
          const sim = yield* Simulator
          yield* settleAll
          for (const op of ops) yield* apply(op, shape.nodes)
          yield* settleAll
          events = yield* sim.events
        }),
        shape
      ).then(() => events)
    }
    await fc.assert(
      fc.asyncProperty(fc.nat(), arbShape, arbOps([...apiOps, ...migrationFaults, ...hostFaults], 10), async (seed, shape, ops) => {
        const [first, second] = [await run(seed, shape, ops), await run(seed, shape, ops)]
        if (JSON.stringify(first) !== JSON.stringify(second)) fail(`runs differ:\n${first.join("\n")}\n---\n${second.join("\n")}`)
      }),
      { seed: FC_SEED + 3, numRuns: 20 * RUNS }
    )
  })
})
