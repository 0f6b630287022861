import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Effect, Exit } from "effect"
import type { ClusterSnapshot } from "../../src/cluster/ClusterSnapshot.ts"
import type { Entity } from "../../src/cluster/Entity.ts"
import type { Vm } from "../../src/domain/Vm.ts"
import { isReady } from "../../src/nodes/NodeSelector.ts"
import { ClusterStore } from "../../src/ports/ClusterStore.ts"
import { migrateVm, stopVm, unmigrateVm } from "../../src/vms/index.ts"
import { arbCluster, entities } from "../nodes/Builders.ts"
import {
  arbComputeOp,
  arbDefinitionOp,
  arbPlacement,
  type Operation,
  runOperation,
  targetsOf
} from "../../../testkit/src/arbitraries/ArbOperations.ts"
import { layerInterfering } from "./Interference.ts"
import { cluster, currentVm, layerCluster } from "./Fixture.ts"

const snapshot = Effect.gen(function*() {
  return yield* (yield* ClusterStore).snapshot
})

const view = (snap: ClusterSnapshot) =>
  JSON.stringify([
    [...snap.vms.values()].map((v) => [v.uuid, v.name, v.state, v.node, v.lastNode, v.xml]).sort(),
    snap.primaryNode.node
  ])

const claimedName = (op: Operation): string | undefined =>
  op._tag === "DefineVm" || op._tag === "ModifyVm" ? op.name : undefined

const arbScenario = arbCluster.chain((c) => {
  const targets = targetsOf(entities(c))
  const ops = fc.oneof({ arbitrary: arbComputeOp(targets), weight: 3 }, { arbitrary: arbDefinitionOp(targets), weight: 1 })
  return fc.record({ cluster: fc.constant(c), ops: fc.array(ops, { maxLength: 12 }) })
})

describe("VM use-case invariants", () => {
  test.prop([arbScenario])("no write ever leaves a VM on a node that does not exist, or moves it to a non-ready one", ({ cluster: c, ops }) =>
    Effect.runPromise(
      Effect.gen(function*() {
        for (const op of ops) {
          const before = yield* snapshot
          yield* Effect.exit(runOperation(op))
          const after = yield* snapshot
          for (const vm of after.vms.values()) {
            assert.isTrue(after.nodes.has(vm.node), `${vm.name} on missing ${vm.node} after ${JSON.stringify(op)}`)
            const old = before.vms.get(vm.uuid)
            // Every placement, a return home included, needs a node that takes VMs.
            if (old === undefined || old.node !== vm.node) {
              assert.isTrue(isReady(before.nodes.get(vm.node)!), `${vm.name} placed on ${vm.node} after ${JSON.stringify(op)}`)
            }
          }
        }
      }).pipe(Effect.provide(layerCluster(entities(c))))
    ))

  test.prop([arbCluster, fc.nat(), fc.record({ node: fc.constantFrom("hv1", "hv2", "hv3", "a") }, { requiredKeys: [] })])(
    "migrate then unmigrate returns a running VM to its node with lastNode cleared",
    (c, pick, placement) =>
      Effect.runPromise(
        Effect.gen(function*() {
          const chosen = c.vms[pick % c.vms.length]!
          const home = c.nodes.find((n) => n.name === chosen.node)!
          const running = new (chosen.constructor as typeof Vm)({ ...chosen, state: "start", lastNode: null })
          const store = yield* ClusterStore
          const base = yield* store.snapshot
          yield* store.commit({ base, changes: [{ _tag: "Put", entity: running }], guards: [] })
          const migrated = yield* Effect.exit(migrateVm(chosen.name, { ...placement, force: false }))
          // Only a migrate that happened can be undone; fast-check counts the runs left out.
          yield* Effect.sync(() => fc.pre(Exit.isSuccess(migrated) && isReady(home)))
          const { vm: back, target } = yield* unmigrateVm(chosen.uuid)
          assert.strictEqual(target, home.name)
          assert.deepStrictEqual([back.node, back.lastNode, back.state], [home.name, null, "migrate"])
        }).pipe(Effect.provide(layerCluster(entities(c))))
      )
  )

  test.prop([arbCluster, fc.nat(), fc.array(arbPlacement({ nodes: ["hv1", "hv2", "hv3", "hv4", "hv5"] }), { minLength: 1, maxLength: 6 })])(
    "forced migrations never overwrite an existing lastNode",
    (c, pick, placements) =>
      Effect.runPromise(
        Effect.gen(function*() {
          const chosen = c.vms[pick % c.vms.length]!
          let home = chosen.lastNode
          for (const placement of placements) {
            const result = yield* Effect.exit(migrateVm(chosen.uuid, { ...placement, force: true }))
            const now = (yield* currentVm(chosen.uuid))!
            if (home !== null) assert.strictEqual(now.lastNode, home)
            if (Exit.isSuccess(result)) home = now.lastNode
          }
        }).pipe(Effect.provide(layerCluster(entities(c))))
      )
  )

  test.prop([arbScenario, fc.nat(), fc.nat()], { numRuns: 400 })(
    "a write refused as stale is retried, and the result equals the two writes in sequence",
    ({ cluster: c, ops }, i, j) => {
      fc.pre(ops.length >= 1)
      const [mine, theirs] = [ops[i % ops.length]!, ops[j % ops.length]!]
      // Known gap: plans guard entities, not the absence of a name, so two writers claiming one
      // name concurrently can both succeed (issue 17, part 3); that pair is left out here.
      fc.pre(claimedName(mine) === undefined || claimedName(mine) !== claimedName(theirs))
      const initial: ReadonlyArray<Entity> = entities(c)
      const stats = { stale: 0, fired: false }
      const concurrent = Effect.gen(function*() {
        const exit = yield* Effect.exit(runOperation(mine))
        return { exit, view: view(yield* snapshot) }
      }).pipe(Effect.provide(layerInterfering(initial, runOperation(theirs), stats)))
      const sequential = Effect.gen(function*() {
        if (stats.fired) yield* Effect.exit(runOperation(theirs))
        const exit = yield* Effect.exit(runOperation(mine))
        return { exit, view: view(yield* snapshot) }
      }).pipe(Effect.provide(layerCluster(initial)))
      return Effect.runPromise(Effect.gen(function*() {
        const [a, b] = [yield* concurrent, yield* sequential]
        assert.strictEqual(a.view, b.view)
        assert.strictEqual(Exit.isSuccess(a.exit), Exit.isSuccess(b.exit))
        if (stats.stale > 0) assert.isTrue(stats.fired)
      }))
    }
  )
})

describe("concurrent writers", () => {
  it.effect("a migrate that loses the race to a stop is retried and keeps both changes", () => {
    const stats = { stale: 0, fired: false }
    return Effect.gen(function*() {
      const { vm: migrated } = yield* migrateVm("web", { node: "hv2", force: false })
      assert.strictEqual(stats.stale, 1)
      assert.deepStrictEqual([migrated.node, migrated.lastNode, migrated.state], ["hv2", "hv1", "stop"])
      assert.deepStrictEqual((yield* currentVm(migrated.uuid))?.state, "stop")
    }).pipe(Effect.provide(layerInterfering(cluster, stopVm("web"), stats)))
  })
})
