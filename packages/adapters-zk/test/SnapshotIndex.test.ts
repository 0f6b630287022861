import { assert, describe, it } from "@effect/vitest"
import { entityKey, type Revision } from "@pvc/core"
import { makeNode, makeVm } from "@pvc/testkit"
import * as fc from "fast-check"
import { ChunkedMap, SnapshotIndex } from "../src/SnapshotIndex.ts"

const arbOps = fc.array(
  fc.oneof(
    fc.record({ set: fc.array(fc.tuple(fc.oneof(fc.string(), fc.integer({ min: 0, max: 2000 })), fc.nat())) }),
    fc.record({ del: fc.array(fc.oneof(fc.string(), fc.integer({ min: 0, max: 2000 }))) })
  ),
  { maxLength: 30 }
)

describe("ChunkedMap", () => {
  it("behaves like a Map, and older versions never change", () => {
    fc.assert(
      fc.property(arbOps, (ops) => {
        let chunked = ChunkedMap.empty<string | number, number>()
        const model = new Map<string | number, number>()
        const versions: Array<[ChunkedMap<string | number, number>, Array<[string | number, number]>]> = []
        for (const op of ops) {
          if ("set" in op) {
            chunked = chunked.update(op.set, [])
            for (const [k, v] of op.set) model.set(k, v)
          } else {
            chunked = chunked.update([], op.del)
            for (const k of op.del) model.delete(k)
          }
          versions.push([chunked, [...model]])
        }
        for (const [version, entries] of versions) {
          assert.strictEqual(version.size, entries.length)
          assert.deepStrictEqual(new Map(version), new Map(entries))
          for (const [k, v] of entries) assert.strictEqual(version.get(k), v)
          const sorted = <A>(xs: Iterable<A>) => [...xs].map((x) => JSON.stringify(x)).sort()
          assert.deepStrictEqual(sorted(version.keys()), sorted(entries.map(([k]) => k)))
          assert.deepStrictEqual(sorted(version.values()), sorted(entries.map(([, v]) => v)))
          const visited: Array<[string | number, number]> = []
          version.forEach((v, k, map) => {
            assert.strictEqual(map, version)
            visited.push([k, v])
          })
          assert.deepStrictEqual(sorted(visited), sorted(entries))
        }
      }),
      { numRuns: 200 }
    )
  })
})

describe("SnapshotIndex", () => {
  it("keeps each snapshot as it was and answers lookups by entity key", () => {
    const vm = makeVm("web1", "bd849578-1e44-4ab6-a4f8-bf6d3cb1e3c0", "hv1")
    const first = SnapshotIndex.empty.apply([{ entity: makeNode("hv1"), revision: "1" as Revision }, { entity: vm, revision: "1" as Revision }], [])
    const snap1 = first.toSnapshot()
    const moved = makeVm("web1", vm.uuid, "hv2")
    const second = first.apply([{ entity: moved, revision: "2" as Revision }], [makeNode("hv1")])
    const snap2 = second.toSnapshot()
    assert.strictEqual(snap1.vms.get(vm.uuid), vm)
    assert.strictEqual(snap1.revisionOf(entityKey(vm)), "1")
    assert.isTrue(snap1.nodes.has("hv1" as never))
    assert.strictEqual(snap2.lookup(entityKey(vm)), moved)
    assert.strictEqual(snap2.revisionOf(entityKey(vm)), "2")
    assert.isUndefined(snap2.lookup(entityKey(makeNode("hv1"))))
    assert.strictEqual(snap2.nodes.size, 0)
    assert.strictEqual(snap2.primaryNode.node, null)
  })
})
