import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Result } from "effect"
import { NodeName } from "../../src/domain/Ids.ts"
import type { Vm } from "../../src/domain/Vm.ts"
import { EntityIndex } from "../../src/cluster/EntityIndex.ts"
import type { Revision } from "../../src/cluster/ClusterSnapshot.ts"
import type { Entity } from "../../src/cluster/Entity.ts"
import * as VmRules from "../../src/vms/VmRules.ts"
import { arbVmState, vm } from "../nodes/Builders.ts"
import { stubDefinition, stubXml } from "./DomainXmlStub.ts"

const names = ["hv1", "hv2", "hv3", "hv4"] as const
const arbName = fc.constantFrom(...names)
const arbVm: fc.Arbitrary<Vm> = fc.record({
  node: arbName,
  state: arbVmState,
  lastNode: fc.option(arbName, { nil: null })
}).map((r) => vm({ name: "web", ...r }))

const ok = <A, E>(r: Result.Result<A, E>): A => Result.getOrThrow(r)
const tagOf = <A, E extends { _tag: string }>(r: Result.Result<A, E>) => Result.isFailure(r) ? r.failure._tag : "ok"
const snapshotOf = (entities: ReadonlyArray<Entity>) =>
  EntityIndex.of(entities.map((e, i) => [e, String(i) as Revision] as const)).toSnapshot()
const definition = (name: string, uuid: string) => stubDefinition(name, uuid, stubXml(name, uuid))

describe("VmRules", () => {
  test.prop([arbVm.filter((v) => v.lastNode === null), arbName])(
    "migrate then unmigrate returns the VM to its node with lastNode cleared",
    (start, target) => {
      fc.pre(target !== start.node)
      const migrated = ok(VmRules.migrate(start, NodeName.make(target), false))
      assert.strictEqual(migrated.lastNode, start.node)
      const back = ok(VmRules.unmigrate(migrated))
      assert.strictEqual(back.node, start.node)
      assert.strictEqual(back.lastNode, null)
      if (start.state === "start") assert.strictEqual(back.state, "migrate")
      else assert.strictEqual(back.state, start.state)
    }
  )

  test.prop([arbVm, fc.array(arbName, { minLength: 1, maxLength: 5 })])(
    "forced migrations never replace an existing lastNode",
    (start, targets) => {
      // The node to return to: where the VM was before its first migration.
      const home = start.lastNode ?? start.node
      let current = start
      for (const target of targets) {
        const next = VmRules.migrate(current, NodeName.make(target), true)
        if (target === current.node) {
          assert.strictEqual(tagOf(next), "AlreadyOnNode")
          continue
        }
        const moved = ok(next)
        assert.deepStrictEqual([moved.node, moved.lastNode], [target, home])
        current = moved
      }
    }
  )

  test.prop([arbVm, arbName])("an unforced migrate of a migrated VM is refused", (start, target) => {
    fc.pre(start.lastNode !== null)
    assert.strictEqual(tagOf(VmRules.migrate(start, NodeName.make(target), false)), "VmAlreadyMigrated")
  })

  test.prop([arbVm, arbName])("move clears lastNode; only a running VM changes state", (start, target) => {
    const result = VmRules.move(start, NodeName.make(target))
    if (target === start.node) return assert.strictEqual(tagOf(result), "AlreadyOnNode")
    const moved = ok(result)
    assert.strictEqual<string>(moved.node, target)
    assert.strictEqual(moved.lastNode, null)
    assert.strictEqual(moved.state, start.state === "start" ? "migrate" : start.state)
  })

  test.prop([arbVm])("start and stop always apply; restart and shutdown need state start", (start) => {
    assert.strictEqual(VmRules.start(start).state, "start")
    assert.strictEqual(VmRules.stop(start).state, "stop")
    for (const [rule, state] of [[VmRules.restart, "restart"], [VmRules.shutdown, "shutdown"]] as const) {
      const result = rule(start)
      if (start.state === "start") assert.strictEqual(ok(result).state, state)
      else assert.strictEqual(tagOf(result), "VmNotRunning")
    }
  })

  it("unmigrate of a VM that was never migrated is refused", () => {
    assert.strictEqual(tagOf(VmRules.unmigrate(vm({ name: "a", node: "hv1" }))), "VmNotMigrated")
  })

  it("unmigrate of a VM forced back home only clears lastNode", () => {
    const home = vm({ name: "a", node: "hv1", lastNode: "hv1", state: "start" })
    const next = ok(VmRules.unmigrate(home))
    assert.deepStrictEqual([next.node, next.lastNode, next.state], ["hv1", null, "start"])
  })

  it("define refuses an existing name or UUID and starts stopped, unmigrated", () => {
    const existing = vm({ name: "a", uuid: "u-a", node: "hv1", state: "start" })
    const snapshot = snapshotOf([existing])
    const hv2 = NodeName.make("hv2")
    assert.strictEqual(tagOf(VmRules.define(snapshot, definition("a", "u-new"), hv2)), "VmNameExists")
    assert.strictEqual(tagOf(VmRules.define(snapshot, definition("b", "u-a"), hv2)), "VmUuidExists")
    const created = ok(VmRules.define(snapshot, definition("b", "u-b"), hv2))
    assert.deepStrictEqual(
      [created.state, created.node, created.lastNode, created.failedReason, created.consoleLog],
      ["stop", "hv2", null, "", ""]
    )
  })

  it("modify keeps the UUID, may rename, and restarts only a running VM", () => {
    const running = vm({ name: "a", uuid: "u-a", node: "hv1", state: "start" })
    const stopped = vm({ name: "b", uuid: "u-b", node: "hv1", state: "stop" })
    const snapshot = snapshotOf([running, stopped])
    assert.strictEqual(tagOf(VmRules.modify(snapshot, running, definition("a", "u-x"), false)), "VmUuidChanged")
    assert.strictEqual(tagOf(VmRules.modify(snapshot, running, definition("b", "u-a"), false)), "VmNameExists")
    assert.strictEqual(ok(VmRules.modify(snapshot, running, definition("a2", "u-a"), false)).name, "a2")
    assert.strictEqual(ok(VmRules.modify(snapshot, running, definition("a", "u-a"), true)).state, "restart")
    assert.strictEqual(ok(VmRules.modify(snapshot, running, definition("a", "u-a"), false)).state, "start")
    assert.strictEqual(ok(VmRules.modify(snapshot, stopped, definition("b", "u-b"), true)).state, "stop")
  })
})
