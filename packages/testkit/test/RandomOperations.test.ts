import { assert, describe, it } from "@effect/vitest"
import { fc } from "@fast-check/vitest"
import { ClusterStore, DomainDefinition, DomainXml, InvalidDomainXml, RbdDisk, VmDetails, VmName, VmUuid } from "@pvc/core"
import { Cause, Effect, Exit, Layer } from "effect"
import {
  arbCluster,
  arbClusterWithOperations,
  entitiesOf,
  type Operation,
  runOperation,
  safetyViolations
} from "../src/arbitraries/index.ts"
import { layerMemory } from "../src/memory/ClusterStoreMemory.ts"

// Reads what `domainXml` writes; the real libvirt codec has its own tests in adapters-libvirt.
const parse = (xml: string) =>
  Effect.suspend(() => {
    const name = /<name>([^<]+)<\/name>/.exec(xml)?.[1]
    const uuid = /<uuid>([^<]+)<\/uuid>/.exec(xml)?.[1]
    if (name === undefined || uuid === undefined) return Effect.fail(new InvalidDomainXml({ reason: "no name or uuid" }))
    const rbd = [...xml.matchAll(/protocol='rbd' name='([^']+)'/g)].map((m) => RbdDisk.make(m[1]!))
    return Effect.succeed(
      new DomainDefinition({
        uuid: VmUuid.make(uuid),
        name: VmName.make(name),
        xml,
        rbdList: rbd,
        details: new VmDetails({
          name: VmName.make(name), uuid: VmUuid.make(uuid), description: "N/A", memory: 1024, vcpu: "1",
          vcpuTopology: "N/A", networks: [], type: "hvm", arch: "x86_64", machine: "pc-i440fx-2.12", console: "pty",
          emulator: "/usr/bin/kvm", features: ["acpi"], disks: [], controllers: []
        })
      })
    )
  })

const layerDomainXml = Layer.succeed(DomainXml, DomainXml.of({ parse }))

interface Tally {
  run: number
  accepted: number
}

/** Runs the operations in order; refusals are fine, defects and broken rules are not. */
const runAll = (operations: ReadonlyArray<Operation>, tally: Tally) =>
  Effect.gen(function*() {
    const store = yield* ClusterStore
    for (const [i, op] of operations.entries()) {
      const exit = yield* Effect.exit(runOperation(op))
      if (Exit.isFailure(exit) && !Cause.hasFails(exit.cause)) {
        assert.fail(`operation ${i} ${JSON.stringify(op)} died: ${Cause.pretty(exit.cause)}`)
      }
      tally.run++
      if (Exit.isSuccess(exit)) tally.accepted++
      const problems = safetyViolations(entitiesOf(yield* store.snapshot))
      assert.deepStrictEqual(problems, [], `after operation ${i} ${JSON.stringify(op)}`)
    }
  })

describe("random operations through the core use-cases", () => {
  it("keep VMs on existing nodes, VM names unique and ACL orders 0..n-1, and accept a fair share (not vacuous)", async () => {
    const tally: Tally = { run: 0, accepted: 0 }
    await fc.assert(
      fc.asyncProperty(
        arbClusterWithOperations(arbCluster({ minNodes: 2, minVms: 2, minNetworks: 1, mostlyReady: true }), 30),
        ({ cluster, operations }) =>
          Effect.runPromise(runAll(operations, tally).pipe(Effect.provide(Layer.merge(layerMemory(cluster), layerDomainXml))))
      ),
      { numRuns: 200 }
    )
    assert.isAbove(tally.run, 500)
    assert.isAbove(tally.accepted / tally.run, 0.1)
  })
})
