import { assert, describe, it } from "@effect/vitest"
import { fc, test } from "@fast-check/vitest"
import { Result } from "effect"
import { AclDescription, Vni } from "../../src/domain/Ids.ts"
import { Acl } from "../../src/domain/Network.ts"
import { compareAcls, insertAcl, parseOrder, withoutAcl } from "../../src/networks/AclRules.ts"

const acl = (description: string, order = 0) =>
  new Acl({ vni: Vni.make(1), direction: "in", description: AclDescription.make(description), order, rule: "drop" })

type Op = { readonly add: string; readonly order: number | undefined } | { readonly remove: number }

const arbOps = fc.array(
  fc.oneof(
    fc.record({ add: fc.string({ minLength: 1, maxLength: 3 }), order: fc.option(fc.nat(12), { nil: undefined }) }),
    fc.record({ remove: fc.nat(20) })
  ),
  { maxLength: 30 }
)

const apply = (chain: ReadonlyArray<Acl>, op: Op): ReadonlyArray<Acl> => {
  if ("remove" in op) {
    const victim = chain[op.remove % Math.max(chain.length, 1)]
    return victim === undefined ? chain : withoutAcl(chain, victim.description)
  }
  if (chain.some((a) => a.description === op.add)) return chain
  return insertAcl(chain, acl(op.add), op.order)
}

describe("AclRules", () => {
  test.prop([arbOps])("orders are always 0..n-1 after any sequence of adds and removes", (ops) => {
    let chain: ReadonlyArray<Acl> = []
    for (const op of ops) {
      chain = apply(chain, op)
      const orders = [...chain].sort(compareAcls).map((a) => a.order)
      assert.deepStrictEqual(orders, orders.map((_, i) => i))
    }
  })

  test.prop([fc.array(fc.string({ minLength: 1, maxLength: 3 }), { maxLength: 12 }), fc.nat(15)])(
    "an added ACL lands at its order, or last when too large",
    (names, order) => {
      const chain = insertAcl([], acl("x"), undefined)
      const unique = [...new Set(names)].filter((n) => n !== "new" && n !== "x")
      const full = unique.reduce((c, n) => insertAcl(c, acl(n), undefined), chain)
      const after = insertAcl(full, acl("new"), order)
      assert.strictEqual(after.find((a) => a.description === "new")!.order, Math.min(order, full.length))
    }
  )

  it("compares orders as numbers", () => {
    const chain = [acl("ten", 10), acl("two", 2)]
    assert.deepStrictEqual([...chain].sort(compareAcls).map((a) => a.description), ["two", "ten"])
    assert.deepStrictEqual(insertAcl(chain, acl("new"), 1).map((a) => [a.description, a.order]), [
      ["two", 0],
      ["new", 1],
      ["ten", 2]
    ])
  })

  it("accepts only non-negative integer orders", () => {
    assert.strictEqual(Result.getOrThrow(parseOrder("3")), 3)
    assert.strictEqual(Result.getOrThrow(parseOrder(undefined)), undefined)
    for (const bad of ["-1", "1.5", "x", ""]) assert.isTrue(Result.isFailure(parseOrder(bad)), bad)
  })
})
