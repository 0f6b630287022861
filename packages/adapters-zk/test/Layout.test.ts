import { assert, describe, it } from "@effect/vitest"
import { type Entity, entityKey } from "@pvc/core"
import { arbCluster, makeNetwork, makeNode, makeVm } from "@pvc/testkit"
import * as fc from "fast-check"
import {
  decode,
  encode,
  guardedPaths,
  isMirrored,
  locate,
  parseRevision,
  revisionText,
  rootOf,
  tracksChildren,
  type TreeView
} from "../src/Layout.ts"

const parentOf = (path: string) => path.slice(0, path.lastIndexOf("/")) || "/"

/** A tree holding exactly the keys `encode` gives for the entities, every key at version 3. */
const treeOf = (entities: ReadonlyArray<Entity>): TreeView => {
  const data = new Map<string, string>()
  for (const e of entities) for (const kv of encode(e)) data.set(kv.path, kv.value)
  return {
    data: (p) => data.get(p),
    version: (p) => (data.has(p) ? 3 : undefined),
    children: () => undefined
  }
}

describe("Layout codec", () => {
  it("decodes every generated entity back from the keys it encodes to", () => {
    fc.assert(
      fc.property(arbCluster(), (entities) => {
        const tree = treeOf(entities)
        for (const entity of entities) {
          const loc = locate(rootOf(entity))
          assert.isDefined(loc)
          assert.strictEqual(loc!.key, entityKey(entity))
          const decoded = decode(loc!, tree)
          assert.strictEqual(decoded._tag, "Decoded", `${rootOf(entity)}: ${JSON.stringify(decoded)}`)
          if (decoded._tag === "Decoded") assert.deepStrictEqual(decoded.entity, entity)
        }
      }),
      { numRuns: 50 }
    )
  })

  it("the mirror follows every key the codec writes (its parent's children are tracked)", () => {
    fc.assert(
      fc.property(arbCluster(), (entities) => {
        for (const entity of entities) {
          for (const kv of encode(entity)) {
            assert.isTrue(isMirrored(kv.path), kv.path)
            if (kv.path.split("/").length > 2) assert.isTrue(tracksChildren(parentOf(kv.path)), `parent of ${kv.path}`)
            if (kv.role === "root" || kv.role === "value") assert.strictEqual(locate(kv.path)?.key, entityKey(entity), kv.path)
          }
        }
      }),
      { numRuns: 50 }
    )
  })

  it("guarded keys are keys of the entity, and revisions round-trip their versions", () => {
    for (const entity of [makeNode("hv1"), makeVm("web1", "bd849578-1e44-4ab6-a4f8-bf6d3cb1e3c0", "hv1"), makeNetwork(100, "n")]) {
      const loc = locate(rootOf(entity))!
      const paths = new Set(encode(entity).map((kv) => kv.path))
      for (const p of guardedPaths(loc.tag, loc.root)) assert.isTrue(paths.has(p), p)
      const revision = revisionText(loc.tag, loc.root, treeOf([entity]))
      assert.deepStrictEqual(
        parseRevision(loc.tag, loc.root, revision).map((g) => g.version),
        guardedPaths(loc.tag, loc.root).map(() => 3)
      )
    }
  })

  it("reads the wire forms: 'None', empty lastnode, booleans, memory integers, lax nettype", () => {
    const values = new Map<string, string>([
      ["/networks/7", "lan"],
      ["/networks/7/nettype", "managed-ish"],
      ["/networks/7/ip4_network", "None"],
      ["/networks/7/dhcp4_flag", "True"],
      ["/domains/u1", "vm"],
      ["/domains/u1/state", "start"],
      ["/domains/u1/lastnode", ""],
      ["/nodes/hv1", "hypervisor"],
      ["/nodes/hv1/memtotal", "64319"],
      ["/nodes/hv1/memused", "garbage"]
    ])
    const tree: TreeView = { data: (p) => values.get(p), version: () => 0, children: () => undefined }
    const net = decode(locate("/networks/7")!, tree)
    const vm = decode(locate("/domains/u1")!, tree)
    const node = decode(locate("/nodes/hv1")!, tree)
    assert.isTrue(net._tag === "Decoded" && net.entity._tag === "Network" && net.entity.type === "managed")
    assert.isTrue(net._tag === "Decoded" && net.entity._tag === "Network" && net.entity.ip4.network === null)
    assert.isTrue(net._tag === "Decoded" && net.entity._tag === "Network" && net.entity.ip4.dhcpFlag)
    assert.isTrue(vm._tag === "Decoded" && vm.entity._tag === "Vm" && vm.entity.lastNode === null)
    assert.isTrue(node._tag === "Decoded" && node.entity._tag === "Node" && node.entity.resources.memTotal === 64319)
    assert.isTrue(node._tag === "Decoded" && node.entity._tag === "Node" && node.entity.resources.memUsed === 0)
    // The original CLI does not enforce digits: a text VNI key is still a network (zk-layout §1).
    assert.strictEqual(locate("/networks/not-a-vni/nettype")?.root, "/networks/not-a-vni")
    assert.isFalse(isMirrored("/ceph/cmd"))
  })
})
