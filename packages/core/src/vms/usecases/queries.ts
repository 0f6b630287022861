import { Effect, Schema } from "effect"
import type { NodeName } from "../../domain/Ids.ts"
import { VmState } from "../../domain/Vm.ts"
import { NodeNotFound } from "../../nodes/NodeErrors.ts"
import { ClusterStore } from "../../ports/ClusterStore.ts"
import { limitFilter } from "../../shared/Limit.ts"
import { InvalidVmState, VmNotFound } from "../VmErrors.ts"
import { findVm, findVms, sortedVms, sortedVmsOn } from "../VmLookup.ts"

export interface ListVmsOptions {
  readonly limit?: string | undefined
  readonly node?: string | undefined
  readonly state?: string | undefined
}

// The original list filter also accepts `unmigrate`, which no VM ever has (zk-layout §3).
const isStateFilter = Schema.is(Schema.Union([VmState, Schema.Literal("unmigrate")]))

const given = (value: string | undefined): value is string => value !== undefined && value !== ""

/** VMs sorted by name; `limit` (name or UUID), `node` and `state` filters are AND-ed. */
export const listVms = Effect.fn("Vm.list")(function*(options: ListVmsOptions = {}) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const { limit, node, state } = options
  if (given(node) && !snapshot.nodes.has(node as NodeName)) return yield* new NodeNotFound({ node })
  if (given(state) && !isStateFilter(state)) return yield* new InvalidVmState({ state })
  const matches = yield* limitFilter(limit)
  const candidates = given(node) ? sortedVmsOn(snapshot.vms, node) : sortedVms(snapshot.vms)
  if (limit === undefined && !given(state)) return candidates
  return candidates.filter((vm) => (!given(state) || vm.state === state) && (matches(vm.name) || matches(vm.uuid)))
})

/** The VM whose name or UUID is exactly `ref`, as a list (empty when there is none). */
export const getVm = Effect.fn("Vm.get")(function*(ref: string) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  return findVms(snapshot, ref)
})

/** The stored libvirt XML of a VM. */
export const dumpVm = Effect.fn("Vm.dump")(function*(ref: string) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const vm = findVm(snapshot, ref)
  if (vm === undefined) return yield* new VmNotFound({ vm: ref })
  return vm.xml
})
