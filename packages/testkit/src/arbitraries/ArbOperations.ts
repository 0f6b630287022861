import {
  addAcl,
  addReservation,
  type ClusterStore,
  defineVm,
  type DomainXml,
  type Entity,
  flushNode,
  migrateVm,
  modifyVm,
  moveVm,
  removeAcl,
  removeReservation,
  restartVm,
  shutdownVm,
  startVm,
  stopVm,
  unflushNode,
  unmigrateVm
} from "@pvc/core"
import type { Effect } from "effect"
import * as fc from "fast-check"
import { domainXml } from "../demo/DomainXml.ts"
import { arbMac, arbNodeName, arbUuid, arbVmName, arbWord } from "./ArbEntities.ts"

/*
 * The one vocabulary of write operations for property tests (core's and the testkit's): operations
 * as an API client sends them, as data (fast-check shows readable counterexamples), with raw strings
 * referring to objects that may or may not exist, so sequences exercise both the accepting and the
 * refusing paths of the use-cases; `runOperation` runs one through the core use-cases.
 */

export const SELECTORS = ["mem", "load", "vcpus", "vms"] as const

export type ComputeOp =
  | { readonly _tag: "StartVm" | "StopVm" | "ShutdownVm" | "RestartVm" | "UnmigrateVm"; readonly vm: string }
  | { readonly _tag: "MoveVm"; readonly vm: string; readonly node: string | undefined; readonly selector: string | undefined }
  | {
    readonly _tag: "MigrateVm"
    readonly vm: string
    readonly node: string | undefined
    readonly selector: string | undefined
    readonly force: boolean
  }
  | { readonly _tag: "FlushNode" | "UnflushNode"; readonly node: string }

/** Defining and renaming VMs: the operations that could break name uniqueness. */
export type DefinitionOp =
  | {
    readonly _tag: "DefineVm"
    readonly name: string
    readonly uuid: string
    readonly node: string | undefined
    readonly selector: string | undefined
  }
  | { readonly _tag: "ModifyVm"; readonly uuid: string; readonly name: string; readonly restart: boolean }

export type NetworkOp =
  | {
    readonly _tag: "AddAcl"
    readonly network: string
    readonly description: string
    readonly direction: string | undefined
    readonly rule: string | undefined
    readonly order: string | undefined
  }
  | { readonly _tag: "RemoveAcl"; readonly network: string; readonly description: string; readonly direction: string | undefined }
  | {
    readonly _tag: "AddReservation"
    readonly network: string
    readonly mac: string
    readonly ipaddress: string | undefined
    readonly hostname: string | undefined
  }
  | { readonly _tag: "RemoveReservation"; readonly network: string; readonly mac: string }

/** The names an operation may refer to: those of a cluster, plus some that do not exist. */
export interface OperationTargets {
  /** Names and UUIDs of the VMs. */
  readonly vms: ReadonlyArray<string>
  readonly uuids: ReadonlyArray<string>
  readonly nodes: ReadonlyArray<string>
  readonly networks: ReadonlyArray<string>
  readonly acls: ReadonlyArray<string>
  readonly macs: ReadonlyArray<string>
  /** IPv4 addresses worth trying for reservations (inside and outside the networks). */
  readonly addresses: ReadonlyArray<string>
}

export const targetsOf = (entities: ReadonlyArray<Entity>): OperationTargets => {
  const of = <T extends Entity["_tag"]>(tag: T) => entities.filter((e): e is Extract<Entity, { _tag: T }> => e._tag === tag)
  const networks = of("Network")
  return {
    vms: of("Vm").flatMap((vm) => [vm.name, vm.uuid]),
    uuids: of("Vm").map((vm) => vm.uuid),
    nodes: of("Node").map((n) => n.name),
    networks: networks.flatMap((n) => [n.description, String(n.vni)]),
    acls: of("Acl").map((a) => a.description),
    macs: [...of("DhcpReservation").map((r) => r.mac), ...of("DhcpLease").map((l) => l.mac)],
    addresses: networks.flatMap((n) => {
      const prefix = n.ip4.network?.replace(/\.0\/\d+$/, "")
      return prefix === undefined ? [] : [`${prefix}.20`, `${prefix}.21`, `${prefix}.250`]
    })
  }
}

/** Mostly an existing name, sometimes an arbitrary (probably unknown) one. */
const pick = (known: ReadonlyArray<string>, other: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  known.length === 0 ? other : fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 4 }, { arbitrary: other, weight: 1 })

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })

export interface Placement {
  readonly node: string | undefined
  readonly selector: string | undefined
}

/** Where to put a VM: a node (mostly existing), a selector (sometimes unknown), both or neither. */
export const arbPlacement = (targets: Pick<OperationTargets, "nodes">): fc.Arbitrary<Placement> =>
  fc.record({
    node: optional(pick(targets.nodes, arbNodeName)),
    selector: optional(fc.oneof({ arbitrary: fc.constantFrom(...SELECTORS), weight: 6 }, { arbitrary: fc.constant("cpu"), weight: 1 }))
  })

export const arbComputeOp = (targets: OperationTargets): fc.Arbitrary<ComputeOp> => {
  const vm = pick(targets.vms, arbVmName)
  const node = pick(targets.nodes, arbNodeName)
  const plain = fc.constantFrom("StartVm", "StopVm", "ShutdownVm", "RestartVm", "UnmigrateVm") satisfies fc.Arbitrary<
    ComputeOp["_tag"]
  >
  return fc.oneof(
    fc.record({ _tag: plain, vm }),
    fc.tuple(vm, arbPlacement(targets)).map(([vm, p]): ComputeOp => ({ _tag: "MoveVm", vm, ...p })),
    fc.tuple(vm, arbPlacement(targets), fc.boolean()).map(([vm, p, force]): ComputeOp => ({ _tag: "MigrateVm", vm, ...p, force })),
    fc.record({ _tag: fc.constantFrom("FlushNode" as const, "UnflushNode" as const), node })
  )
}

export const arbNetworkOp = (targets: OperationTargets): fc.Arbitrary<NetworkOp> => {
  const network = pick(targets.networks, arbWord(8, "-"))
  const description = pick(targets.acls, fc.constantFrom("ssh", "web", "dns", "icmp", "deny-all", "mgmt"))
  const direction = optional(fc.oneof({ arbitrary: fc.constantFrom("in", "out"), weight: 8 }, { arbitrary: fc.constant("sideways"), weight: 1 }))
  const order = optional(fc.oneof(fc.nat(6).map(String), fc.constantFrom("-1", "10", "x")))
  const mac = pick(targets.macs, arbMac)
  const ipaddress = optional(pick(targets.addresses, fc.constantFrom("192.168.1.10", "not-an-ip")))
  return fc.oneof(
    fc.record({
      _tag: fc.constant("AddAcl" as const),
      network,
      description,
      direction,
      rule: optional(fc.constantFrom("tcp dport 22 accept", "udp dport 53 accept", "drop")),
      order
    }),
    fc.record({ _tag: fc.constant("RemoveAcl" as const), network, description, direction }),
    fc.record({
      _tag: fc.constant("AddReservation" as const),
      network,
      mac,
      ipaddress,
      hostname: optional(fc.constantFrom("db1", "web1", "printer"))
    }),
    fc.record({ _tag: fc.constant("RemoveReservation" as const), network, mac })
  )
}

export const arbDefinitionOp = (targets: OperationTargets): fc.Arbitrary<DefinitionOp> => {
  const names = pick(targets.vms.filter((v) => !targets.uuids.includes(v)), arbVmName)
  // Half new UUIDs, so that definitions get through as often as they collide.
  const uuid = targets.uuids.length === 0 ? arbUuid : fc.oneof(fc.constantFrom(...targets.uuids), arbUuid)
  return fc.oneof(
    fc.record({
      _tag: fc.constant("DefineVm" as const),
      name: names,
      uuid,
      node: optional(pick(targets.nodes, arbNodeName)),
      selector: optional(fc.constantFrom(...SELECTORS))
    }),
    fc.record({ _tag: fc.constant("ModifyVm" as const), uuid, name: names, restart: fc.boolean() })
  )
}

export type Operation = ComputeOp | NetworkOp | DefinitionOp

/** A cluster together with a sequence of compute and network operations against its names. */
export const arbClusterWithOperations = (
  cluster: fc.Arbitrary<ReadonlyArray<Entity>>,
  maxOperations = 20
): fc.Arbitrary<{ readonly cluster: ReadonlyArray<Entity>; readonly operations: ReadonlyArray<Operation> }> =>
  cluster.chain((entities) => {
    const targets = targetsOf(entities)
    return fc.array(
      fc.oneof(
        { arbitrary: arbComputeOp(targets), weight: 3 },
        { arbitrary: arbNetworkOp(targets), weight: 2 },
        { arbitrary: arbDefinitionOp(targets), weight: 1 }
      ),
      { maxLength: maxOperations }
    )
      .map((operations) => ({ cluster: entities, operations }))
  })

/** Runs one operation through the core use-cases; defines and modifies send a `domainXml` definition. */
export const runOperation = (op: Operation): Effect.Effect<unknown, unknown, ClusterStore | DomainXml> => {
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
      return modifyVm(op.uuid, { xml: domainXml({ name: op.name, uuid: op.uuid, memoryMiB: 2048, vcpus: 2 }), restart: op.restart })
  }
}
