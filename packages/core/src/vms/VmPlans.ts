import { Result } from "effect"
import { put, remove } from "../cluster/ClusterPlan.ts"
import type { ClusterSnapshot } from "../cluster/ClusterSnapshot.ts"
import type { NodeName, VmUuid } from "../domain/Ids.ts"
import type { Node } from "../domain/Node.ts"
import type { Vm } from "../domain/Vm.ts"
import type { DomainDefinition } from "../domain/VmDetails.ts"
import { NodeNotFound, NodeNotReady } from "../nodes/NodeErrors.ts"
import { isReady, type Placement, resolveTarget } from "../nodes/NodeSelector.ts"
import type { Decision } from "../shared/decideAndCommit.ts"
import { VmNotFound } from "./VmErrors.ts"
import { findVm } from "./VmLookup.ts"
import * as VmRules from "./VmRules.ts"

// Pure decisions over a snapshot, committed by the use-cases through `decideAndCommit`.

export const lookupVm = (snapshot: ClusterSnapshot, ref: string): Result.Result<Vm, VmNotFound> => {
  const vm = findVm(snapshot, ref)
  return vm === undefined ? Result.fail(new VmNotFound({ vm: ref })) : Result.succeed(vm)
}

export interface VmOutcome {
  readonly vm: Vm
}

export interface PlacedOutcome {
  readonly vm: Vm
  readonly target: NodeName
}

const written = (vm: Vm): Decision<VmOutcome> => ({ changes: [put(vm)], outcome: { vm } })

/** A decision that only rewrites the VM itself. */
const onVm = <E>(rule: (vm: Vm) => Result.Result<Vm, E>) =>
(ref: string) =>
(snapshot: ClusterSnapshot): Result.Result<Decision<VmOutcome>, VmNotFound | E> =>
  Result.map(Result.flatMap(lookupVm(snapshot, ref), rule), written)

export const decideStart = onVm((vm) => Result.succeed(VmRules.start(vm)))
export const decideStop = onVm((vm) => Result.succeed(VmRules.stop(vm)))
export const decideRestart = onVm(VmRules.restart)
export const decideShutdown = onVm(VmRules.shutdown)

/** The target node is a guard: a flush or a new figure on it invalidates the choice. */
const placed = (vm: Vm, target: Node): Decision<PlacedOutcome> => ({
  changes: [put(vm)],
  guards: [target],
  outcome: { vm, target: target.name }
})

export const decideMove = (ref: string, placement: Placement) => (snapshot: ClusterSnapshot) =>
  Result.gen(function*() {
    const vm = yield* lookupVm(snapshot, ref)
    const target = yield* resolveTarget(snapshot.nodes, vm, placement)
    return placed(yield* VmRules.move(vm, target.name), target)
  })

export const decideMigrate = (ref: string, placement: Placement, force: boolean) => (snapshot: ClusterSnapshot) =>
  Result.gen(function*() {
    const vm = yield* lookupVm(snapshot, ref)
    // Refuse an already-migrated VM before choosing a target: that is the failure that matters.
    yield* VmRules.checkMigratable(vm, force)
    const target = yield* resolveTarget(snapshot.nodes, vm, placement)
    return placed(yield* VmRules.migrate(vm, target.name, force), target)
  })

/** The home node must still exist and take VMs, unless the VM is already there. */
const homeNode = (snapshot: ClusterSnapshot, vm: Vm, home: NodeName): Result.Result<Node, NodeNotFound | NodeNotReady> => {
  const node = snapshot.nodes.get(home)
  if (node === undefined) return Result.fail(new NodeNotFound({ node: home }))
  if (home !== vm.node && !isReady(node)) {
    return Result.fail(new NodeNotReady({ node: home, daemonState: node.daemonState, domainState: node.domainState }))
  }
  return Result.succeed(node)
}

export const decideUnmigrate = (ref: string) => (snapshot: ClusterSnapshot) =>
  Result.gen(function*() {
    const vm = yield* lookupVm(snapshot, ref)
    const next = yield* VmRules.unmigrate(vm)
    const target = yield* homeNode(snapshot, vm, next.node)
    return placed(next, target)
  })

export const decideDefine = (definition: DomainDefinition, placement: Placement) => (snapshot: ClusterSnapshot) =>
  Result.gen(function*() {
    const target = yield* resolveTarget(snapshot.nodes, { name: definition.name, node: null }, placement)
    const vm = yield* VmRules.define(snapshot, definition, target.name)
    return { changes: [put(vm)], guards: [target], outcome: { vm } } satisfies Decision<VmOutcome>
  })

export const decideModify = (ref: string, definition: DomainDefinition, restart: boolean) =>
(snapshot: ClusterSnapshot) =>
  Result.gen(function*() {
    const vm = yield* lookupVm(snapshot, ref)
    return written(yield* VmRules.modify(snapshot, vm, definition, restart))
  })

/** First step of undefine: stop the VM unless it is stopped already. */
export const decideStopForRemoval = (ref: string) => (snapshot: ClusterSnapshot) =>
  Result.map(lookupVm(snapshot, ref), (vm): Decision<VmOutcome> =>
    vm.state === "stop" ? { changes: [], outcome: { vm } } : written(VmRules.stop(vm)))

const byUuid = (snapshot: ClusterSnapshot, uuid: VmUuid) => lookupVm(snapshot, uuid)

/** Tells the daemons to drop the VM (pvcd's watchers end with its keys). */
export const decideDeleteState = (uuid: VmUuid) => (snapshot: ClusterSnapshot) =>
  Result.map(byUuid(snapshot, uuid), (vm) => written(VmRules.withState(vm, "delete")))

export const decideRemoveVm = (uuid: VmUuid) => (snapshot: ClusterSnapshot) =>
  Result.map(byUuid(snapshot, uuid), (vm): Decision<VmOutcome> => ({ changes: [remove(vm)], outcome: { vm } }))
