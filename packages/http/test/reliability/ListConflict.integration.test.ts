import { assert, describe, it } from "@effect/vitest"
import { type ClusterStore as Store, ClusterStore, type Entity, put } from "@pvc/core"
import { layerMemory, makeAcl, makeNetwork, makeReservation } from "@pvc/testkit"
import { Effect, Exit, type Layer } from "effect"
import { freshStoreLayer } from "../../../adapters-zk/test/support.ts"

/*
 * Both stores, at the port: two plans based on the same snapshot that each add one member to the
 * same (empty) ACL direction or reservation list. Only one may commit; the other is stale.
 */
const network = makeNetwork(300, "lists")

const race = (first: Entity, second: Entity) =>
  Effect.gen(function*() {
    const store = yield* ClusterStore
    const base0 = yield* store.snapshot
    yield* store.commit({ base: base0, changes: [put(network)], guards: [] })
    const base = yield* store.snapshot
    const a = yield* Effect.exit(store.commit({ base, changes: [put(first)], guards: [] }))
    const b = yield* Effect.exit(store.commit({ base, changes: [put(second)], guards: [] }))
    return [Exit.isSuccess(a), Exit.isSuccess(b) ? "committed" : Exit.isFailure(b) ? String(b.cause).slice(0, 80) : "?"] as const
  })

const stores: ReadonlyArray<readonly [string, () => Layer.Layer<Store, unknown>]> = [
  ["in-memory", () => layerMemory([])],
  ["ZooKeeper", () => freshStoreLayer()]
]

describe.each(stores)("%s store: adds to one list from one base conflict", (_name, layer) => {
  it.live("two ACLs into an empty direction", () =>
    Effect.gen(function*() {
      const [first, second] = yield* race(makeAcl(300, "out", "a", 0), makeAcl(300, "out", "b", 0))
      assert.isTrue(first)
      assert.match(second, /StaleSnapshot/)
    }).pipe(Effect.provide(layer())))

  it.live("two reservations of one IP with different MACs", () =>
    Effect.gen(function*() {
      const [first, second] = yield* race(
        makeReservation(300, "52:54:00:00:00:01", "10.0.0.9"),
        makeReservation(300, "52:54:00:00:00:02", "10.0.0.9")
      )
      assert.isTrue(first)
      assert.match(second, /StaleSnapshot/)
    }).pipe(Effect.provide(layer())))
})
