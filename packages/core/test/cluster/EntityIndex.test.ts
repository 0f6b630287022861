import { assert, describe, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import * as fc from "fast-check"
import { put, remove } from "../../src/cluster/ClusterPlan.ts"
import type { Revision } from "../../src/cluster/ClusterSnapshot.ts"
import { type Entity, EntityKey, entityKey, isDependentOf } from "../../src/cluster/Entity.ts"
import { EntityIndex } from "../../src/cluster/EntityIndex.ts"
// Test data only: the generators live in the testkit (src/ of core stays pure).
import { arbCluster } from "../../../testkit/src/arbitraries/index.ts"
import { makeNode, makeVm } from "../../../testkit/src/demo/Builders.ts"

let counter = 0
const revision = () => String(++counter) as Revision
const indexOf = (entities: ReadonlyArray<Entity>) => EntityIndex.of(entities.map((e) => [e, revision()] as const))

const arbClusterAndSubset = arbCluster({ maxVms: 4 }).chain((entities) =>
  fc.subarray([...entities]).map((chosen) => ({ entities, chosen }))
)

describe("EntityIndex", () => {
  test.prop([arbCluster()], { numRuns: 60 })("holds every entity under its key, in the typed maps too", (entities) => {
    const snap = indexOf(entities).toSnapshot()
    for (const entity of entities) assert.strictEqual(snap.lookup(entityKey(entity)), entity)
    const count = (tag: Entity["_tag"]) => entities.filter((e) => e._tag === tag).length
    assert.strictEqual(snap.nodes.size, count("Node"))
    assert.strictEqual(snap.vms.size, count("Vm"))
    assert.strictEqual(snap.networks.size, count("Network"))
    assert.strictEqual(snap.dhcpLeases.size + snap.dhcpReservations.size, count("DhcpLease") + count("DhcpReservation"))
    assert.strictEqual(snap.acls.size, count("Acl"))
    assert.strictEqual(snap.osds.size, count("Osd"))
    assert.strictEqual(snap.volumes.size + snap.snapshots.size, count("Volume") + count("Snapshot"))
  })

  test.prop([arbCluster()], { numRuns: 60 })("gives distinct entities distinct keys", (entities) => {
    assert.strictEqual(new Set(entities.map(entityKey)).size, entities.length)
  })

  test.prop([arbClusterAndSubset], { numRuns: 60 })(
    "removing entities removes exactly them and their dependents",
    ({ entities, chosen }) => {
      const before = indexOf(entities)
      const after = before.apply([], chosen).toSnapshot()
      for (const entity of entities) {
        const gone = chosen.includes(entity) || chosen.some((parent) => isDependentOf(entity, parent))
        const singleton = entity._tag === "PrimaryNode" || entity._tag === "CephReport"
        if (gone || !singleton) assert.strictEqual(after.lookup(entityKey(entity)) === undefined, gone, entityKey(entity))
      }
      // The index is immutable: the old snapshot still holds everything.
      for (const entity of entities) assert.isDefined(before.toSnapshot().lookup(entityKey(entity)))
    }
  )

  it("reports no stale entity for a plan on an unchanged index", () => {
    const index = indexOf([makeNode("hv1"), makeVm("web1", "u1", "hv1")])
    const base = index.toSnapshot()
    assert.isUndefined(index.staleEntity({ base, changes: [put(makeNode("hv1")), remove(makeVm("web1", "u1", "hv1"))], guards: [] }))
  })

  it("reports a changed, an appeared and a vanished entity as stale", () => {
    const index = indexOf([makeNode("hv1"), makeVm("web1", "u1", "hv1")])
    const base = index.toSnapshot()
    const changed = index.apply([{ entity: makeNode("hv1", { domainState: "flush" }), revision: revision() }], [])
    assert.strictEqual(changed.staleEntity({ base, changes: [put(makeNode("hv1"))], guards: [] }), EntityKey.node("hv1"))
    assert.strictEqual(
      changed.staleEntity({ base, changes: [put(makeVm("web1", "u1", "hv2"))], guards: [makeNode("hv1")] }),
      EntityKey.node("hv1")
    )
    const appeared = index.apply([{ entity: makeNode("hv2"), revision: revision() }], [])
    assert.strictEqual(appeared.staleEntity({ base, changes: [put(makeNode("hv2"))], guards: [] }), EntityKey.node("hv2"))
    const vanished = index.apply([], [makeVm("web1", "u1", "hv1")])
    assert.strictEqual(
      vanished.staleEntity({ base, changes: [remove(makeVm("web1", "u1", "hv1"))], guards: [] }),
      EntityKey.vm("u1")
    )
  })

  it("answers the singletons' defaults when they were never written", () => {
    const snap = EntityIndex.empty.toSnapshot()
    assert.isNull(snap.primaryNode.node)
    assert.strictEqual(snap.cephReport.status, "")
    assert.isNull(snap.cephReport.radosDf)
    assert.isUndefined(snap.revisionOf(EntityKey.primaryNode))
  })
})

describe("EntityKey", () => {
  test.prop([fc.string(), fc.string(), fc.string(), fc.string()])(
    "is unambiguous whatever the names contain",
    (a, b, c, d) => {
      fc.pre(a !== c || b !== d)
      assert.notStrictEqual(EntityKey.volume(a, b), EntityKey.volume(c, d))
      assert.notStrictEqual(EntityKey.snapshot(a, b, "s"), EntityKey.snapshot(c, d, "s"))
    }
  )

  it("keeps kinds apart", () => {
    assert.notStrictEqual(EntityKey.dhcpLease("100", "52:54:00:00:00:01"), EntityKey.dhcpReservation("100", "52:54:00:00:00:01"))
    assert.notStrictEqual(EntityKey.pool("vms"), EntityKey.osd("vms"))
  })
})
