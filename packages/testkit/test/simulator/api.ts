import { type ClusterSnapshot, decideAndCommit, Node, type NodeName, put, Vm, type VmState, type VmUuid } from "@pvc/core"
import { Effect, Result } from "effect"

/*
 * The writes the API makes (zk-layout §6 "API writes"), kept minimal so the simulator tests do not
 * depend on the use-cases being written alongside.
 */

const onVm = (uuid: VmUuid, f: (vm: Vm, snapshot: ClusterSnapshot) => Vm | undefined) =>
  decideAndCommit((snapshot) => {
    const vm = snapshot.vms.get(uuid)
    const next = vm === undefined ? undefined : f(vm, snapshot)
    return Result.succeed({ changes: next === undefined ? [] : [put(next)], outcome: next !== undefined })
  })

const onNode = (name: NodeName, f: (node: Node) => Node | undefined) =>
  decideAndCommit((snapshot) => {
    const node = snapshot.nodes.get(name)
    const next = node === undefined ? undefined : f(node)
    return Result.succeed({ changes: next === undefined ? [] : [put(next)], outcome: next !== undefined })
  })

export const flush = (node: NodeName) => onNode(node, (n) => new Node({ ...n, domainState: "flush" }))
export const unflush = (node: NodeName) => onNode(node, (n) => new Node({ ...n, domainState: "unflush" }))

/** start/stop always; restart/shutdown only from `start`, as the API checks. */
export const setState = (uuid: VmUuid, state: VmState) =>
  onVm(uuid, (vm) =>
    (state === "restart" || state === "shutdown") && vm.state !== "start" ? undefined : new Vm({ ...vm, state }))

/** `migrate` without force: only a VM not migrated yet, to another node. */
export const migrate = (uuid: VmUuid, target: NodeName) =>
  onVm(uuid, (vm) =>
    vm.lastNode !== null || vm.node === target
      ? undefined
      : new Vm({ ...vm, state: "migrate", node: target, lastNode: vm.node }))

export const runIgnoringConflicts = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.ignore(effect)
