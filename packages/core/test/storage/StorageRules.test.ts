import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Result } from "effect"
import { makeNode, makeOsd, makePool, makeSnapshot, makeVolume } from "../../../testkit/src/demo/Builders.ts"
import type { Revision } from "../../src/cluster/ClusterSnapshot.ts"
import type { Entity } from "../../src/cluster/Entity.ts"
import { EntityIndex } from "../../src/cluster/EntityIndex.ts"
import {
  compareSnapshots,
  decideAddOsd,
  decideAddPool,
  decideAddSnapshot,
  decideAddVolume,
  decideOsdIn,
  decideOsdSet,
  decideRemoveOsd,
  decideRemovePool,
  parsePgs
} from "../../src/storage/StorageRules.ts"

const snapshotOf = (entities: ReadonlyArray<Entity>) =>
  EntityIndex.of(entities.map((e, i) => [e, String(i) as Revision] as const)).toSnapshot()

const cluster = snapshotOf([
  makeNode("hv1"),
  makeOsd("3", "hv1", "/dev/sdb"),
  makePool("vms"),
  makeVolume("vms", "disk0"),
  makeSnapshot("vms", "disk0", "snap0")
])

/** A refusal as plain data: its tag and every field it carries. */
const refusal = <A, E extends object>(result: Result.Result<A, E>): Record<string, unknown> => {
  if (Result.isSuccess(result)) return { accepted: true }
  return { ...(result.failure as object) }
}
const invalid = (field: string, value: string, reason: string) => ({ _tag: "InvalidStorageValue", field, value, reason })
const missing = (field: string) => ({ _tag: "MissingStorageValue", field })

// Values that reach the comma-separated, two-token `/ceph/cmd` pipe must be refused whole.
describe("StorageRules refusals carry the field, the value and the reason", () => {
  it("pgs: a positive integer and nothing around it", () => {
    for (const bad of ["1e2", " 5", "5 ", "0", "-1", "1,2", "1.0", "x5", "5x", "99999999999999999999"]) {
      assert.deepStrictEqual(refusal(parsePgs(bad)), invalid("pgs", bad, "not a positive integer"), bad)
    }
    assert.deepStrictEqual(refusal(parsePgs(undefined)), missing("pgs"))
    assert.deepStrictEqual(refusal(parsePgs("")), missing("pgs"))
    assert.strictEqual(Result.getOrThrow(parsePgs("0128")), 128)
  })

  test.prop([fc.string({ maxLength: 5 })])("pgs: accepted exactly when all digits and positive", (text) => {
    const expected = /^[0-9]+$/.test(text) && Number(text) > 0
    assert.strictEqual(Result.isSuccess(parsePgs(text)), expected, text)
  })

  it("OSD device and weight: anchored on both ends", () => {
    const add = (device: string | undefined, weight: string | undefined) =>
      refusal(decideAddOsd(cluster, "hv1", { device, weight }))
    for (const device of ["/dev/sdb,x", "x/dev/sdb", "/dev/sd b", "/dev/", "sdb", "/devs/sdb"]) {
      assert.deepStrictEqual(add(device, "1"), invalid("device", device, "not a block device path"), device)
    }
    for (const weight of ["1,x", "x1", "1.", ".5", "1.5.2", "-1", "1 "]) {
      assert.deepStrictEqual(add("/dev/sdc", weight), invalid("weight", weight, "not a non-negative number"), weight)
    }
    assert.deepStrictEqual(add(undefined, "1"), missing("device"))
    assert.deepStrictEqual(add("/dev/sdc", undefined), missing("weight"))
    assert.deepStrictEqual(add("/dev/sdb", "1"), { _tag: "OsdDeviceInUse", node: "hv1", device: "/dev/sdb", osd: "3" })
    assert.deepStrictEqual(refusal(decideAddOsd(cluster, "hv9", { device: "/dev/sdc", weight: "1" })), { _tag: "NodeNotFound", node: "hv9" })
    for (const weight of ["0", "10", "12.25"]) {
      const ok = Result.getOrThrow(decideAddOsd(cluster, "hv1", { device: "/dev/disk/by-id/x", weight }))
      assert.deepStrictEqual(ok.outcome, { node: "hv1", device: "/dev/disk/by-id/x" })
    }
  })

  it("OSD ids, flags and confirmations", () => {
    for (const ref of ["x3", "3x", "-3", " 3", ""]) {
      assert.deepStrictEqual(refusal(decideOsdIn(cluster, ref)), invalid("osd", ref, "not a numeric OSD id"), ref)
    }
    assert.deepStrictEqual(refusal(decideOsdIn(cluster, "4")), { _tag: "OsdNotFound", osd: "4" })
    assert.deepStrictEqual(refusal(decideOsdSet("no,out")), invalid("option", "no,out", "not an OSD flag name"))
    assert.deepStrictEqual(refusal(decideOsdSet(undefined)), missing("option"))
    assert.deepStrictEqual(refusal(decideRemoveOsd(cluster, "3", false)), { _tag: "ConfirmationRequired", operation: "osd remove", target: "3" })
    assert.deepStrictEqual(refusal(decideRemovePool(cluster, "vms", false)), { _tag: "ConfirmationRequired", operation: "pool remove", target: "vms" })
  })

  it("names of pools, volumes and snapshots", () => {
    const unsafe = "empty, or contains whitespace, ',' or '/'"
    const long = "p".repeat(1025)
    assert.deepStrictEqual(refusal(decideAddPool(cluster, "a,b", "8")), invalid("pool", "a,b", unsafe))
    assert.deepStrictEqual(refusal(decideAddPool(cluster, long, "8")), invalid("pool", long, "longer than 1024 characters"))
    assert.deepStrictEqual(refusal(decideAddVolume(cluster, "vms", "a b", "1G")), invalid("volume", "a b", unsafe))
    assert.deepStrictEqual(refusal(decideAddVolume(cluster, "vms", "d1", undefined)), missing("size"))
    assert.deepStrictEqual(refusal(decideAddVolume(cluster, "vms", "d1", "")), missing("size"))
    assert.deepStrictEqual(refusal(decideAddSnapshot(cluster, "vms", "disk0", "s/1")), invalid("snapshot", "s/1", unsafe))
    assert.isTrue(Result.isSuccess(decideAddPool(cluster, "p".repeat(1024), "8")))
  })
})

describe("compareSnapshots", () => {
  it("orders by name, then pool, then volume", () => {
    const ordered = [
      makeSnapshot("b", "v", "a"),
      makeSnapshot("a", "w", "b"),
      makeSnapshot("b", "v", "b"),
      makeSnapshot("b", "w", "b")
    ]
    assert.deepStrictEqual([...ordered].reverse().sort(compareSnapshots), ordered)
    assert.strictEqual(compareSnapshots(ordered[0]!, ordered[0]!), 0)
  })
})
