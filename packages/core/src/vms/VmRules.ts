import { Result } from "effect"
import type { ClusterSnapshot } from "../cluster/ClusterSnapshot.ts"
import type { NodeName } from "../domain/Ids.ts"
import { Vm, type VmState } from "../domain/Vm.ts"
import type { DomainDefinition } from "../domain/VmDetails.ts"
import { AlreadyOnNode } from "../nodes/NodeErrors.ts"
import {
  VmAlreadyMigrated,
  VmNameExists,
  VmNotMigrated,
  VmNotRunning,
  VmUuidChanged,
  VmUuidExists
} from "./VmErrors.ts"
import { vmsNamed } from "./VmLookup.ts"

/** Running as far as the API is concerned: state `start` (decisions.md "VMs"). */
export const isRunning = (vm: Vm): boolean => vm.state === "start"

export const withState = (vm: Vm, state: VmState): Vm => new Vm({ ...vm, state })

/** A running VM is live-migrated by its daemons; a stopped one only changes its assignment. */
const placedOn = (vm: Vm, node: NodeName, lastNode: NodeName | null): Vm =>
  new Vm({ ...vm, node, lastNode, state: isRunning(vm) ? "migrate" : vm.state })

export const start = (vm: Vm): Vm => new Vm({ ...vm, state: "start" })

export const stop = (vm: Vm): Vm => new Vm({ ...vm, state: "stop" })

const whenRunning = (vm: Vm, state: VmState): Result.Result<Vm, VmNotRunning> =>
  isRunning(vm)
    ? Result.succeed(new Vm({ ...vm, state }))
    : Result.fail(new VmNotRunning({ vm: vm.name, state: vm.state }))

export const restart = (vm: Vm): Result.Result<Vm, VmNotRunning> => whenRunning(vm, "restart")

export const shutdown = (vm: Vm): Result.Result<Vm, VmNotRunning> => whenRunning(vm, "shutdown")

/** Permanent move: the VM forgets where it came from. */
export const move = (vm: Vm, target: NodeName): Result.Result<Vm, AlreadyOnNode> =>
  target === vm.node
    ? Result.fail(new AlreadyOnNode({ vm: vm.name, node: target }))
    : Result.succeed(placedOn(vm, target, null))

/** Only `force` migrates a VM that is already away from its home node. */
export const checkMigratable = (vm: Vm, force: boolean): Result.Result<Vm, VmAlreadyMigrated> =>
  vm.lastNode !== null && !force
    ? Result.fail(new VmAlreadyMigrated({ vm: vm.name, lastNode: vm.lastNode }))
    : Result.succeed(vm)

/** Temporary move: `lastNode` records the home node; a forced re-migration keeps the first home. */
export const migrate = (
  vm: Vm,
  target: NodeName,
  force: boolean
): Result.Result<Vm, VmAlreadyMigrated | AlreadyOnNode> =>
  Result.flatMap(checkMigratable(vm, force), () =>
    target === vm.node
      ? Result.fail(new AlreadyOnNode({ vm: vm.name, node: target }))
      : Result.succeed(placedOn(vm, target, vm.lastNode ?? vm.node)))

/** Back to `lastNode`; a VM already there (forced back home) only forgets it. */
export const unmigrate = (vm: Vm): Result.Result<Vm, VmNotMigrated> => {
  if (vm.lastNode === null) return Result.fail(new VmNotMigrated({ vm: vm.name }))
  if (vm.lastNode === vm.node) return Result.succeed(new Vm({ ...vm, lastNode: null }))
  return Result.succeed(placedOn(vm, vm.lastNode, null))
}

/** A new VM: neither its name nor its UUID may exist; nothing is overwritten. */
export const define = (
  snapshot: ClusterSnapshot,
  definition: DomainDefinition,
  target: NodeName
): Result.Result<Vm, VmNameExists | VmUuidExists> => {
  if (snapshot.vms.has(definition.uuid)) return Result.fail(new VmUuidExists({ uuid: definition.uuid }))
  if (vmsNamed(snapshot, definition.name).length > 0) return Result.fail(new VmNameExists({ name: definition.name }))
  return Result.succeed(
    new Vm({
      uuid: definition.uuid,
      name: definition.name,
      state: "stop",
      node: target,
      lastNode: null,
      failedReason: "",
      consoleLog: "",
      rbdList: definition.rbdList,
      xml: definition.xml
    })
  )
}

/**
 * A new definition for an existing VM. The name may change (not to another VM's); `restart`
 * only restarts a running VM. The RBD list follows the new XML so `remove` removes its disks.
 */
export const modify = (
  snapshot: ClusterSnapshot,
  vm: Vm,
  definition: DomainDefinition,
  restartIt: boolean
): Result.Result<Vm, VmUuidChanged | VmNameExists> => {
  if (definition.uuid !== vm.uuid) {
    return Result.fail(new VmUuidChanged({ vm: vm.name, uuid: vm.uuid, newUuid: definition.uuid }))
  }
  if (vmsNamed(snapshot, definition.name).some((other) => other.uuid !== vm.uuid)) {
    return Result.fail(new VmNameExists({ name: definition.name }))
  }
  return Result.succeed(
    new Vm({
      ...vm,
      name: definition.name,
      xml: definition.xml,
      rbdList: definition.rbdList,
      state: restartIt && isRunning(vm) ? "restart" : vm.state
    })
  )
}
