import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import type { Revision } from "../../src/cluster/ClusterSnapshot.ts"
import type { Entity } from "../../src/cluster/Entity.ts"
import { EntityIndex } from "../../src/cluster/EntityIndex.ts"
import { VmUuid } from "../../src/domain/Ids.ts"
import type { Vm } from "../../src/domain/Vm.ts"
import {
  decideDeleteState,
  decideMigrate,
  decideMove,
  decideRemoveVm,
  decideStopForRemoval,
  decideUnmigrate
} from "../../src/vms/VmPlans.ts"
import { node, uuidFor, vm } from "../nodes/Builders.ts"

const snapshotOf = (entities: ReadonlyArray<Entity>) =>
  EntityIndex.of(entities.map((e, i) => [e, String(i) as Revision] as const)).toSnapshot()

const refusal = <A, E extends object>(result: Result.Result<A, E>): Record<string, unknown> | "accepted" =>
  Result.isFailure(result) ? { ...(result.failure as object) } : "accepted"

/** The VMs a decision writes, as [name, node, lastNode, state]; removals as ["removed", name]. */
const writes = <E>(result: Result.Result<{ readonly changes: ReadonlyArray<{ readonly _tag: string; readonly entity: Entity }> }, E>) =>
  Result.getOrThrow(result).changes.map((c) => {
    const v = c.entity as Vm
    return c._tag === "Remove" ? ["removed", v.name] : [v.name, v.node, v.lastNode, v.state]
  })

describe("VmPlans", () => {
  const nodes = [node({ name: "hv1" }), node({ name: "hv2" }), node({ name: "hv3", daemonState: "dead" })]

  it("unmigrate: back to a home that still exists and takes VMs", () => {
    const migrated = vm({ name: "web", node: "hv2", lastNode: "hv1", state: "start" })
    assert.deepStrictEqual(writes(decideUnmigrate("web")(snapshotOf([...nodes, migrated]))), [["web", "hv1", null, "migrate"]])
    const homeDead = vm({ name: "web", node: "hv2", lastNode: "hv3", state: "start" })
    assert.deepStrictEqual(refusal(decideUnmigrate("web")(snapshotOf([...nodes, homeDead]))), {
      _tag: "NodeNotReady",
      node: "hv3",
      daemonState: "dead",
      domainState: "ready"
    })
    const homeGone = vm({ name: "web", node: "hv2", lastNode: "hv9", state: "start" })
    assert.deepStrictEqual(refusal(decideUnmigrate("web")(snapshotOf([...nodes, homeGone]))), { _tag: "NodeNotFound", node: "hv9" })
    // Forced back home already: only lastNode is cleared, even when that node does not take VMs now.
    const home = vm({ name: "web", node: "hv3", lastNode: "hv3", state: "start" })
    assert.deepStrictEqual(writes(decideUnmigrate("web")(snapshotOf([...nodes, home]))), [["web", "hv3", null, "start"]])
    assert.deepStrictEqual(refusal(decideUnmigrate("nope")(snapshotOf(nodes))), { _tag: "VmNotFound", vm: "nope" })
  })

  it("migrate refuses an already-migrated VM before looking for a target", () => {
    const migrated = vm({ name: "web", node: "hv2", lastNode: "hv1", state: "start" })
    const onlyNodes = snapshotOf([node({ name: "hv2" }), migrated])
    assert.deepStrictEqual(refusal(decideMigrate("web", {}, false)(onlyNodes)), { _tag: "VmAlreadyMigrated", vm: "web", lastNode: "hv1" })
    assert.deepStrictEqual(refusal(decideMigrate("web", {}, true)(onlyNodes)), { _tag: "NoEligibleNode", selector: "mem" })
    const decided = Result.getOrThrow(decideMove("web", { node: "hv1" })(snapshotOf([...nodes, migrated])))
    assert.deepStrictEqual([decided.outcome.target, decided.guards?.map((g) => (g as { name: string }).name)], ["hv1", ["hv1"]])
  })

  it("removal: a stopped VM needs no write; the state delete, then the VM's keys", () => {
    const stopped = vm({ name: "db", node: "hv1", state: "stop" })
    const running = vm({ name: "web", node: "hv1", state: "start" })
    const snapshot = snapshotOf([...nodes, stopped, running])
    assert.deepStrictEqual(writes(decideStopForRemoval("db")(snapshot)), [])
    assert.deepStrictEqual(writes(decideStopForRemoval("web")(snapshot)), [["web", "hv1", null, "stop"]])
    const uuid = VmUuid.make(uuidFor("web"))
    assert.deepStrictEqual(writes(decideDeleteState(uuid)(snapshot)), [["web", "hv1", null, "delete"]])
    assert.deepStrictEqual(writes(decideRemoveVm(uuid)(snapshot)), [["removed", "web"]])
    assert.deepStrictEqual(refusal(decideRemoveVm(VmUuid.make("nope"))(snapshot)), { _tag: "VmNotFound", vm: "nope" })
  })
})
