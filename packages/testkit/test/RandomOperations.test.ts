import { assert, describe, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import {
  addAcl,
  addReservation,
  ClusterStore,
  defineVm,
  DomainDefinition,
  DomainXml,
  flushNode,
  InvalidDomainXml,
  migrateVm,
  modifyVm,
  moveVm,
  RbdDisk,
  removeAcl,
  removeReservation,
  restartVm,
  shutdownVm,
  startVm,
  stopVm,
  unflushNode,
  unmigrateVm,
  VmDetails,
  VmName,
  VmUuid
} from "@pvc/core"
import { Cause, Effect, Exit, Layer } from "effect"
import { arbCluster, arbClusterWithOperations, entitiesOf, type Operation, safetyViolations } from "../src/arbitraries/index.ts"
import { domainXml } from "../src/demo/DomainXml.ts"
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

const run = (op: Operation) => {
  switch (op._tag) {
    case "StartVm":
      return startVm(op.vm)
    case "StopVm":
      return stopVm(op.vm)
    case "ShutdownVm":
      return shutdownVm(op.vm)
    case "RestartVm":
      return restartVm(op.vm)
    case "UnmigrateVm":
      return unmigrateVm(op.vm)
    case "MoveVm":
      return moveVm(op.vm, { node: op.node, selector: op.selector })
    case "MigrateVm":
      return migrateVm(op.vm, { node: op.node, selector: op.selector, force: op.force })
    case "FlushNode":
      return flushNode(op.node)
    case "UnflushNode":
      return unflushNode(op.node)
    case "AddAcl":
      return addAcl(op.network, op.description, { direction: op.direction, rule: op.rule, order: op.order })
    case "RemoveAcl":
      return removeAcl(op.network, op.description, { direction: op.direction })
    case "AddReservation":
      return addReservation(op.network, op.mac, { ipaddress: op.ipaddress, hostname: op.hostname })
    case "RemoveReservation":
      return removeReservation(op.network, op.mac)
    case "DefineVm":
      return defineVm({ xml: domainXml({ name: op.name, uuid: op.uuid, memoryMiB: 1024, vcpus: 1 }), node: op.node, selector: op.selector })
    case "ModifyVm":
      return modifyVm(op.uuid, { xml: domainXml({ name: op.name, uuid: op.uuid, memoryMiB: 2048, vcpus: 2 }), restart: false })
  }
}

const tally = { run: 0, accepted: 0 }

/** Runs the operations in order; refusals are fine, defects and broken rules are not. */
const runAll = (operations: ReadonlyArray<Operation>) =>
  Effect.gen(function*() {
    const store = yield* ClusterStore
    for (const [i, op] of operations.entries()) {
      const exit = yield* Effect.exit(run(op) as Effect.Effect<unknown, unknown, ClusterStore | DomainXml>)
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
  test.prop([arbClusterWithOperations(arbCluster({ minNodes: 2, minVms: 2, minNetworks: 1, mostlyReady: true }), 30)], { numRuns: 200 })(
    "keep VMs on existing nodes, VM names unique and ACL orders 0..n-1",
    ({ cluster, operations }) =>
      Effect.runPromise(
        runAll(operations).pipe(Effect.provide(Layer.merge(layerMemory(cluster), layerDomainXml)))
      )
  )

  it("accept a fair share of the operations (the property is not vacuous)", () => {
    assert.isAbove(tally.run, 500)
    assert.isAbove(tally.accepted / tally.run, 0.1)
  })
})
