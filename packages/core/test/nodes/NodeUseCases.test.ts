import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { Entity } from "../../src/cluster/Entity.ts"
import { flushNode, getNode, listNodes, setPrimaryNode, setSecondaryNode, unflushNode } from "../../src/nodes/index.ts"
import { ClusterStore } from "../../src/ports/ClusterStore.ts"
import { layerRegexEngine } from "../support/RegexEngine.ts"
import type { RegexEngine } from "../../src/ports/RegexEngine.ts"
import { layerMemory } from "../../../testkit/src/memory/ClusterStoreMemory.ts"
import { node, primary } from "./Builders.ts"

const cluster: ReadonlyArray<Entity> = [
  node({ name: "hv2", daemonMode: "coordinator", routerState: "secondary" }),
  node({ name: "hv1", daemonMode: "coordinator", routerState: "primary" }),
  node({ name: "hv3", daemonMode: "hypervisor", domainState: "flushed" }),
  primary("hv1")
]

const run = <A, E>(effect: Effect.Effect<A, E, ClusterStore | RegexEngine>) =>
  effect.pipe(Effect.provide(Layer.merge(layerMemory(cluster), layerRegexEngine)))

describe("node use-cases", () => {
  it.effect("listNodes sorts by name and applies limit", () =>
    run(Effect.gen(function*() {
      assert.deepStrictEqual((yield* listNodes()).map((n) => n.name), ["hv1", "hv2", "hv3"])
      assert.deepStrictEqual((yield* listNodes({ limit: "[23]" })).map((n) => n.name), ["hv2", "hv3"])
      assert.deepStrictEqual((yield* listNodes({ limit: "^hv1$" })).map((n) => n.name), ["hv1"])
    })))

  it.effect("listNodes with an invalid limit fails with InvalidLimit", () =>
    run(Effect.gen(function*() {
      const error = yield* listNodes({ limit: "(" }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "InvalidLimit")
    })))

  it.effect("getNode is exact and empty for an unknown node", () =>
    run(Effect.gen(function*() {
      assert.deepStrictEqual((yield* getNode("hv1")).map((n) => n.name), ["hv1"])
      assert.deepStrictEqual(yield* getNode("hv"), [])
    })))

  it.effect("primary then secondary switch /primary_node", () =>
    run(Effect.gen(function*() {
      const store = yield* ClusterStore
      assert.strictEqual((yield* setPrimaryNode("hv2")).node.name, "hv2")
      assert.strictEqual((yield* store.snapshot).primaryNode.node, "hv2")
      assert.strictEqual((yield* setPrimaryNode("hv2").pipe(Effect.flip))._tag, "AlreadyPrimary")
      yield* setSecondaryNode("hv2")
      assert.strictEqual((yield* store.snapshot).primaryNode.node, null)
    })))

  it.effect("router errors: unknown node, hypervisor, non-primary", () =>
    run(Effect.gen(function*() {
      assert.strictEqual((yield* setPrimaryNode("nope").pipe(Effect.flip))._tag, "NodeNotFound")
      assert.strictEqual((yield* setPrimaryNode("hv3").pipe(Effect.flip))._tag, "NotCoordinator")
      assert.strictEqual((yield* setSecondaryNode("hv2").pipe(Effect.flip))._tag, "NotPrimary")
      assert.strictEqual((yield* setSecondaryNode("nope").pipe(Effect.flip))._tag, "NodeNotFound")
    })))

  it.effect("flush and unflush write the domain state and are idempotent", () =>
    run(Effect.gen(function*() {
      const store = yield* ClusterStore
      assert.strictEqual((yield* flushNode("hv1")).node.domainState, "flush")
      assert.strictEqual((yield* flushNode("hv1")).node.domainState, "flush")
      assert.strictEqual((yield* store.snapshot).nodes.get("hv1" as never)?.domainState, "flush")
      assert.strictEqual((yield* unflushNode("hv3")).node.domainState, "unflush")
      assert.strictEqual((yield* unflushNode("hv3")).node.domainState, "unflush")
      assert.strictEqual((yield* flushNode("nope").pipe(Effect.flip))._tag, "NodeNotFound")
      assert.strictEqual((yield* unflushNode("nope").pipe(Effect.flip))._tag, "NodeNotFound")
    })))
})
