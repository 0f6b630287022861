import { execFileSync } from "node:child_process"
import { assert, describe, it } from "@effect/vitest"
import { type DomainDefinition, type DomainDriverShape, DomainXml, VmUuid } from "@pvc/core"
import { Effect } from "effect"
import * as fc from "fast-check"
import { makeDomainDriverMemory } from "../../testkit/src/fakes/DomainDriverMemory.ts"
import { layer, makeTestDriverSession, makeVirshDomainDriver } from "../src/index.ts"

execFileSync("virsh", ["--version"])

const uuids = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"].map((u) => VmUuid.make(u))
const names = ["one", "two"]

type Op =
  | { readonly op: "define"; readonly uuid: number; readonly name: number }
  | { readonly op: "start" | "shutdown" | "destroy" | "undefine" | "migrate"; readonly uuid: number }

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("define" as const), uuid: fc.nat(1), name: fc.nat(1) }),
  fc.record({ op: fc.constantFrom("start", "shutdown", "destroy", "undefine", "migrate"), uuid: fc.nat(1) })
)

const definitionOf = (uuid: number, name: number) =>
  DomainXml.use((codec) =>
    codec.parse(
      `<domain type='kvm'><name>${names[name]}</name><uuid>${uuids[uuid]}</uuid><memory unit='MiB'>64</memory>` +
        `<os><type>hvm</type></os></domain>`
    )
  ).pipe(Effect.provide(layer))

const apply = (
  driver: DomainDriverShape,
  other: DomainDriverShape,
  op: Op,
  definition: DomainDefinition | undefined
): Effect.Effect<void, { readonly _tag: string }> => {
  const uuid = uuids[op.uuid]!
  switch (op.op) {
    case "define":
      return driver.define(definition!)
    case "start":
      return driver.start(uuid)
    case "shutdown":
      return driver.shutdown(uuid, "5 seconds")
    case "destroy":
      return driver.destroy(uuid)
    case "undefine":
      return driver.undefine(uuid)
    case "migrate":
      return driver.migrate(uuid, other)
  }
}

const tag = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.match(effect, { onFailure: (e) => e._tag, onSuccess: () => "ok" })

describe("the in-memory DomainDriver behaves as libvirt's test driver", () => {
  it.live("random operation sequences give the same outcomes and running sets", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(arbOp, fc.boolean()), { minLength: 1, maxLength: 12 }), (ops) =>
          Effect.runPromise(Effect.scoped(Effect.gen(function*() {
            const real = [makeVirshDomainDriver(yield* makeTestDriverSession), makeVirshDomainDriver(yield* makeTestDriverSession)] as const
            const fake = [makeDomainDriverMemory(), makeDomainDriverMemory()] as const
            for (const [op, second] of ops) {
              const definition = op.op === "define" ? yield* definitionOf(op.uuid, op.name) : undefined
              const [i, j] = second ? ([1, 0] as const) : ([0, 1] as const)
              const realTag = yield* tag(apply(real[i], real[j], op, definition))
              const fakeTag = yield* tag(apply(fake[i], fake[j], op, definition))
              assert.strictEqual(fakeTag, realTag, JSON.stringify(op))
              for (const k of [0, 1] as const) {
                assert.deepStrictEqual(yield* fake[k].running, yield* real[k].running, `running on ${k} after ${JSON.stringify(op)}`)
              }
            }
          })))
        ),
        { numRuns: 20 }
      )
    ))
})

