import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Result } from "effect"
import { AclDescription, Vni } from "../../src/domain/Ids.ts"
import { Acl } from "../../src/domain/Network.ts"
import type { Revision } from "../../src/cluster/ClusterSnapshot.ts"
import { EntityIndex } from "../../src/cluster/EntityIndex.ts"
import {
  type AclFields,
  aclsOf,
  compareAcls,
  decideAddAcl,
  insertAcl,
  orderText,
  parseOrder,
  withoutAcl
} from "../../src/networks/AclRules.ts"
import { buildNetwork } from "../../src/networks/NetworkRules.ts"

const acl = (description: string, order = "") =>
  new Acl({ vni: Vni.make("1"), direction: "in", description: AclDescription.make(description), order, rule: "drop" })

type Op = { readonly add: string; readonly order: number | undefined } | { readonly remove: number }

// Adds outnumber removes, so chains regularly grow past ten rules (where string order matters).
const arbOps = fc.array(
  fc.oneof(
    { arbitrary: fc.record({ add: fc.string({ minLength: 1, maxLength: 3 }), order: fc.option(fc.nat(30), { nil: undefined }) }), weight: 4 },
    { arbitrary: fc.record({ remove: fc.nat(40) }), weight: 1 }
  ),
  { maxLength: 60 }
)

const apply = (chain: ReadonlyArray<Acl>, op: Op): ReadonlyArray<Acl> => {
  if ("remove" in op) {
    const victim = chain[op.remove % Math.max(chain.length, 1)]
    return victim === undefined ? chain : withoutAcl(chain, victim.description)
  }
  if (chain.some((a) => a.description === op.add)) return chain
  return insertAcl(chain, acl(op.add), op.order)
}

/** The daemons' view: `order` values sorted as strings (zk-layout §4). */
const daemonOrder = (chain: ReadonlyArray<Acl>) =>
  [...chain].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0)).map((a) => a.description)

const names = (chain: ReadonlyArray<Acl>) => chain.map((a) => a.description)

describe("AclRules", () => {
  test.prop([arbOps])(
    "after any adds and removes the daemons' string order is the intended order and the values are 0..n-1",
    (ops) => {
      let chain: ReadonlyArray<Acl> = []
      for (const op of ops) {
        chain = apply(chain, op)
        const listed = [...chain].sort(compareAcls)
        assert.deepStrictEqual(daemonOrder(chain), names(chain))
        assert.deepStrictEqual(names(listed), names(chain))
        assert.deepStrictEqual(listed.map((a) => Number(a.order)), listed.map((_, i) => i))
        // Up to ten rules the values are exactly the original's ('0' … '9').
        if (chain.length <= 10) assert.deepStrictEqual(listed.map((a) => a.order), listed.map((_, i) => String(i)))
      }
    }
  )

  test.prop([arbOps, fc.string({ minLength: 4, maxLength: 4 }), fc.option(fc.nat(30), { nil: undefined })])(
    "an add lands at its position (or last) and never reorders the rules already applied",
    (ops, name, order) => {
      const before = ops.reduce(apply, [] as ReadonlyArray<Acl>)
      const after = insertAcl(before, acl(name), order)
      const at = order === undefined ? before.length : Math.min(order, before.length)
      assert.strictEqual(daemonOrder(after).indexOf(AclDescription.make(name)), at)
      assert.deepStrictEqual(daemonOrder(after).filter((d) => d !== name), daemonOrder(before))
    }
  )

  test.prop([arbOps, fc.nat(40)])("a remove never reorders the remaining rules", (ops, pick) => {
    const before = ops.reduce(apply, [] as ReadonlyArray<Acl>)
    const victim = before[pick % Math.max(before.length, 1)]
    if (victim === undefined) return
    const after = withoutAcl(before, victim.description)
    assert.deepStrictEqual(daemonOrder(after), daemonOrder(before).filter((d) => d !== victim.description))
  })

  it("lists stored orders as the daemons apply them: as strings", () => {
    // Twelve rules as the original CLI stores them: '0' … '11' unpadded.
    const stored = Array.from({ length: 12 }, (_, i) => acl(`r${i}`, String(i)))
    const listed = [...stored].sort(compareAcls).map((a) => a.description)
    assert.deepStrictEqual(listed, ["r0", "r1", "r10", "r11", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"])
  })

  it("an add to a CLI-written chain keeps the applied order and zero-pads it", () => {
    const stored = Array.from({ length: 12 }, (_, i) => acl(`r${i}`, String(i)))
    const after = insertAcl(stored, acl("new"), 3)
    assert.deepStrictEqual(after.map((a) => [a.description, a.order]), [
      ["r0", "00"],
      ["r1", "01"],
      ["r10", "02"],
      ["new", "03"],
      ["r11", "04"],
      ["r2", "05"],
      ["r3", "06"],
      ["r4", "07"],
      ["r5", "08"],
      ["r6", "09"],
      ["r7", "10"],
      ["r8", "11"],
      ["r9", "12"]
    ])
  })

  it("pads to the width of the last position", () => {
    assert.deepStrictEqual([0, 9].map((i) => orderText(i, 10)), ["0", "9"])
    assert.deepStrictEqual([0, 10].map((i) => orderText(i, 11)), ["00", "10"])
    assert.deepStrictEqual([5, 100].map((i) => orderText(i, 101)), ["005", "100"])
    assert.strictEqual(orderText(0, 1), "0")
  })

  it("accepts only non-negative integer orders", () => {
    assert.strictEqual(Result.getOrThrow(parseOrder("3")), 3)
    assert.strictEqual(Result.getOrThrow(parseOrder(undefined)), undefined)
    for (const bad of ["-1", "1.5", "x", ""]) assert.isTrue(Result.isFailure(parseOrder(bad)), bad)
  })

  it("compares an ACL with itself as equal, and in before out", () => {
    const a = acl("ssh", "3")
    assert.strictEqual(compareAcls(a, a), 0)
    const out = new Acl({ ...a, direction: "out", order: "0" })
    assert.deepStrictEqual([compareAcls(a, out), compareAcls(out, a)], [-1, 1])
    assert.deepStrictEqual([compareAcls(acl("a", "1"), acl("b", "1")), compareAcls(acl("b", "1"), acl("a", "1"))], [-1, 1])
  })

  it("a remove renumbers in the daemons' order whatever order the chain comes in", () => {
    const chain = [acl("c", "2"), acl("a", "0"), acl("d", "3"), acl("b", "1")]
    assert.deepStrictEqual(withoutAcl(chain, "b").map((a) => [a.description, a.order]), [["a", "0"], ["c", "1"], ["d", "2"]])
  })
})

describe("ACL decisions", () => {
  const network = Result.getOrThrow(buildNetwork("lab", { vni: "7", nettype: "managed" }))
  const other = Result.getOrThrow(buildNetwork("other", { vni: "8", nettype: "managed" }))
  const foreign = new Acl({ vni: Vni.make("8"), direction: "in", description: AclDescription.make("ssh"), order: "0", rule: "drop" })
  const snapshot = EntityIndex.of([network, other, foreign].map((e, i) => [e, String(i) as Revision] as const)).toSnapshot()
  const refusal = (fields: AclFields, description = "web") => {
    const decided = decideAddAcl("lab", description, fields)(snapshot)
    return Result.isFailure(decided) ? { ...(decided.failure as object) } : "accepted"
  }
  const valid: AclFields = { direction: "in", rule: "accept" }

  it("refuses each invalid value with its field and reason", () => {
    const long = "d".repeat(1025)
    assert.deepStrictEqual(refusal(valid, " "), { _tag: "InvalidNetworkValue", field: "description", value: " ", reason: "empty or contains /" })
    assert.deepStrictEqual(refusal(valid, "a/b"), { _tag: "InvalidNetworkValue", field: "description", value: "a/b", reason: "empty or contains /" })
    assert.deepStrictEqual(refusal(valid, long), { _tag: "InvalidNetworkValue", field: "description", value: long, reason: "longer than 1024 characters" })
    assert.deepStrictEqual(refusal({ rule: "accept" }), { _tag: "MissingNetworkValue", field: "direction" })
    assert.deepStrictEqual(refusal({ ...valid, direction: "up" }), { _tag: "InvalidNetworkValue", field: "direction", value: "up", reason: "not in or out" })
    assert.deepStrictEqual(refusal({ direction: "in" }), { _tag: "MissingNetworkValue", field: "rule" })
    assert.deepStrictEqual(refusal({ direction: "in", rule: "  " }), { _tag: "MissingNetworkValue", field: "rule" })
    assert.deepStrictEqual(refusal({ ...valid, order: "x" }), { _tag: "InvalidNetworkValue", field: "order", value: "x", reason: "not a non-negative integer" })
    assert.isTrue(Result.isSuccess(decideAddAcl("lab", "d".repeat(1024), valid)(snapshot)))
  })

  it("an ACL of the same name on another network neither blocks nor joins this network's chain", () => {
    const decided = Result.getOrThrow(decideAddAcl("lab", "ssh", valid)(snapshot))
    assert.deepStrictEqual(decided.changes.map((c) => [c.entity._tag, (c.entity as Acl).vni, (c.entity as Acl).order]), [["Acl", "7", "0"]])
    assert.deepStrictEqual(aclsOf(snapshot, network), [])
    assert.deepStrictEqual(aclsOf(snapshot, other), [foreign])
  })
})
