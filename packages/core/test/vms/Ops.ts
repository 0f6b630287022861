import { Effect, Layer } from "effect"
import * as fc from "fast-check"
import type { Entity } from "../../src/cluster/Entity.ts"
import { ClusterStore } from "../../src/ports/ClusterStore.ts"
import type { DomainXml } from "../../src/ports/DomainXml.ts"
import {
  defineVm,
  migrateVm,
  modifyVm,
  moveVm,
  restartVm,
  shutdownVm,
  startVm,
  stopVm,
  unmigrateVm
} from "../../src/vms/index.ts"
import { makeClusterStoreMemory } from "../../../testkit/src/memory/ClusterStoreMemory.ts"
import { uuidFor } from "../nodes/Builders.ts"
import { layerDomainXmlStub, stubXml } from "./DomainXmlStub.ts"

// Write operations as data, so fast-check shows readable counterexamples.

export interface Placement {
  readonly node?: string
  readonly selector?: string
}

export type Op =
  | { readonly op: "start" | "stop" | "restart" | "shutdown" | "unmigrate"; readonly vm: string }
  | { readonly op: "move"; readonly vm: string; readonly placement: Placement }
  | { readonly op: "migrate"; readonly vm: string; readonly placement: Placement; readonly force: boolean }
  | { readonly op: "define"; readonly name: string; readonly placement: Placement }
  | { readonly op: "modify"; readonly vm: string; readonly name: string; readonly restart: boolean }

export const arbPlacement = (nodes: ReadonlyArray<string>): fc.Arbitrary<Placement> =>
  fc.record(
    {
      node: fc.constantFrom(...nodes, "ghost"),
      selector: fc.constantFrom("mem", "load", "vcpus", "vms", "bogus")
    },
    { requiredKeys: [] }
  )

export const arbOp = (vms: ReadonlyArray<string>, nodes: ReadonlyArray<string>): fc.Arbitrary<Op> => {
  const vm = fc.oneof(fc.constantFrom(...vms), fc.constantFrom(...vms).map(uuidFor), fc.constant("nope"))
  const name = fc.constantFrom(...vms, "fresh1", "fresh2")
  return fc.oneof(
    fc.record({ op: fc.constantFrom("start", "stop", "restart", "shutdown", "unmigrate"), vm }) as fc.Arbitrary<Op>,
    fc.record({ op: fc.constant("move" as const), vm, placement: arbPlacement(nodes) }),
    fc.record({ op: fc.constant("migrate" as const), vm, placement: arbPlacement(nodes), force: fc.boolean() }),
    fc.record({ op: fc.constant("define" as const), name, placement: arbPlacement(nodes) }),
    fc.record({ op: fc.constant("modify" as const), vm, name, restart: fc.boolean() })
  )
}

export const runOp = (op: Op): Effect.Effect<unknown, unknown, ClusterStore | DomainXml> => {
  switch (op.op) {
    case "start":
      return startVm(op.vm)
    case "stop":
      return stopVm(op.vm)
    case "restart":
      return restartVm(op.vm)
    case "shutdown":
      return shutdownVm(op.vm)
    case "unmigrate":
      return unmigrateVm(op.vm)
    case "move":
      return moveVm(op.vm, op.placement)
    case "migrate":
      return migrateVm(op.vm, { ...op.placement, force: op.force })
    case "define":
      return defineVm({ xml: stubXml(op.name, uuidFor(op.name)), ...op.placement })
    case "modify":
      return modifyVm(op.vm, { xml: stubXml(op.name, op.vm.startsWith("0000") ? op.vm : uuidFor(op.vm)), restart: op.restart })
  }
}

export interface Interference {
  /** Commits refused as stale so far. */
  stale: number
  /** Whether the interloper has run (only when the code under test tried to commit). */
  fired: boolean
}

/**
 * A memory store where `interloper` commits just before the first commit of the code under test,
 * so that commit is based on a stale snapshot.
 */
export const layerInterfering = (
  entities: ReadonlyArray<Entity>,
  interloper: Effect.Effect<unknown, unknown, ClusterStore | DomainXml>,
  stats: Interference
): Layer.Layer<ClusterStore | DomainXml> =>
  Layer.merge(
    Layer.effect(
      ClusterStore,
      Effect.gen(function*() {
        const inner = yield* makeClusterStoreMemory(entities)
        let pending = true
        return ClusterStore.of({
          ...inner,
          commit: (plan) =>
            Effect.gen(function*() {
              if (pending) {
                pending = false
                stats.fired = true
                yield* interloper.pipe(
                  Effect.provideService(ClusterStore, inner),
                  Effect.provide(layerDomainXmlStub),
                  Effect.ignore
                )
              }
              return yield* inner.commit(plan).pipe(Effect.tapError(() => Effect.sync(() => stats.stale++)))
            })
        })
      })
    ),
    layerDomainXmlStub
  )
