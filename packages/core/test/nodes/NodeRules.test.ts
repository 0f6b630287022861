import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import type { Node } from "../../src/domain/Node.ts"
import type { Revision } from "../../src/cluster/ClusterSnapshot.ts"
import { EntityIndex } from "../../src/cluster/EntityIndex.ts"
import { becomePrimary, becomeSecondary, decideFlush, decideUnflush, flush, isPrimary, unflush } from "../../src/nodes/NodeRules.ts"
import { node, primary } from "./Builders.ts"

const tagOf = <A, E extends { _tag: string }>(r: Result.Result<A, E>) => Result.isFailure(r) ? r.failure._tag : "ok"

describe("NodeRules", () => {
  const hv1 = node({ name: "hv1", daemonMode: "coordinator", routerState: "primary" })
  const hv2 = node({ name: "hv2", daemonMode: "coordinator", routerState: "secondary" })

  it("primary writes the node into /primary_node and refuses an already-primary node", () => {
    assert.strictEqual(Result.getOrThrow(becomePrimary(primary("hv1"), hv2)).node, "hv2")
    assert.strictEqual(tagOf(becomePrimary(primary("hv1"), hv1)), "AlreadyPrimary")
  })

  it("secondary writes none and refuses a non-primary node", () => {
    assert.strictEqual(Result.getOrThrow(becomeSecondary(primary("hv1"), hv1)).node, null)
    assert.strictEqual(tagOf(becomeSecondary(primary("hv1"), hv2)), "NotPrimary")
  })

  it("both are for running coordinators only", () => {
    const hv = node({ name: "hv3", daemonMode: "hypervisor" })
    const stopped = node({ name: "hv4", daemonMode: "coordinator", daemonState: "stop", routerState: "secondary" })
    assert.strictEqual(tagOf(becomePrimary(primary("hv1"), hv)), "NotCoordinator")
    assert.strictEqual(tagOf(becomePrimary(primary("hv1"), stopped)), "NodeNotRunning")
    assert.strictEqual(tagOf(becomeSecondary(primary("hv1"), hv)), "NotCoordinator")
    assert.strictEqual(tagOf(becomeSecondary(primary("hv1"), stopped)), "NodeNotRunning")
  })

  it("/primary_node decides who is primary; router state only while it is none", () => {
    assert.isFalse(isPrimary(primary("hv2"), hv1))
    assert.isTrue(isPrimary(primary("hv2"), hv2))
    assert.isTrue(isPrimary(primary(null), hv1))
    assert.isFalse(isPrimary(primary(null), hv2))
  })

  it("flush and unflush request a domain state and leave a pending request alone", () => {
    const states = (n: Node) => n.domainState
    assert.strictEqual(states(flush(node({ name: "a" }))), "flush")
    assert.strictEqual(states(flush(node({ name: "a", domainState: "flushed" }))), "flush")
    const pending = node({ name: "a", domainState: "flush" })
    assert.strictEqual(flush(pending), pending)
    assert.strictEqual(states(unflush(node({ name: "a", domainState: "flushed" }))), "unflush")
    const unflushing = node({ name: "a", domainState: "unflush" })
    assert.strictEqual(unflush(unflushing), unflushing)
  })

  it("a pending flush or unflush request is not written again", () => {
    const snapshot = EntityIndex.of(
      [node({ name: "a", domainState: "flush" }), node({ name: "b", domainState: "unflush" }), node({ name: "c" })]
        .map((n, i) => [n, String(i) as Revision] as const)
    ).toSnapshot()
    const written = (decided: ReturnType<ReturnType<typeof decideFlush>>) =>
      Result.getOrThrow(decided).changes.map((c) => `${(c.entity as Node).name} ${(c.entity as Node).domainState}`)
    assert.deepStrictEqual(written(decideFlush("a")(snapshot)), [])
    assert.deepStrictEqual(written(decideUnflush("b")(snapshot)), [])
    assert.deepStrictEqual(written(decideFlush("c")(snapshot)), ["c flush"])
    assert.deepStrictEqual(written(decideUnflush("a")(snapshot)), ["a unflush"])
  })
})
