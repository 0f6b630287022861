import type { ClusterSnapshot } from "../cluster/ClusterSnapshot.ts"
import type { VmUuid } from "../domain/Ids.ts"
import type { Vm } from "../domain/Vm.ts"
import { compareNames } from "../nodes/NodeSelector.ts"

type Vms = ReadonlyMap<VmUuid, Vm>

// Snapshots are immutable, so their maps can key derived indexes for as long as they live.
const sortedCache = new WeakMap<Vms, ReadonlyArray<Vm>>()
const byNameCache = new WeakMap<Vms, ReadonlyMap<string, ReadonlyArray<Vm>>>()

const byNameThenUuid = (a: Vm, b: Vm): number => compareNames(a.name, b.name) || compareNames(a.uuid, b.uuid)

/** All VMs sorted by name (then UUID), computed once per snapshot. */
export const sortedVms = (vms: Vms): ReadonlyArray<Vm> => {
  let sorted = sortedCache.get(vms)
  if (sorted === undefined) {
    sorted = resorted(vms) ?? [...vms.values()].sort(byNameThenUuid)
    sortedCache.set(vms, sorted)
    lastSorted = sorted
  }
  return sorted
}

// Most new snapshots change a VM's state or node, not its name: the previous order still holds and
// only its members are looked up again (a write at 10,000 VMs otherwise pays a full sort).
let lastSorted: ReadonlyArray<Vm> = []

const resorted = (vms: Vms): Array<Vm> | undefined => {
  if (lastSorted.length !== vms.size || vms.size === 0) return undefined
  const next: Array<Vm> = new Array(lastSorted.length)
  for (let i = 0; i < lastSorted.length; i++) {
    const before = lastSorted[i]!
    const now = vms.get(before.uuid)
    if (now === undefined || now.name !== before.name) return undefined
    next[i] = now
  }
  return next
}

const byNodeCache = new WeakMap<Vms, ReadonlyMap<string, ReadonlyArray<Vm>>>()

/** The VMs assigned to `node`, sorted by name, grouped once per snapshot. */
export const sortedVmsOn = (vms: Vms, node: string): ReadonlyArray<Vm> => {
  let index = byNodeCache.get(vms)
  if (index === undefined) {
    const built = new Map<string, Array<Vm>>()
    for (const vm of sortedVms(vms)) {
      const same = built.get(vm.node)
      if (same === undefined) built.set(vm.node, [vm])
      else same.push(vm)
    }
    index = built
    byNodeCache.set(vms, index)
  }
  return index.get(node) ?? []
}

const vmsByName = (vms: Vms): ReadonlyMap<string, ReadonlyArray<Vm>> => {
  let index = byNameCache.get(vms)
  if (index === undefined) {
    const built = new Map<string, Array<Vm>>()
    for (const vm of vms.values()) {
      const same = built.get(vm.name)
      if (same === undefined) built.set(vm.name, [vm])
      else same.push(vm)
    }
    for (const same of built.values()) same.sort(byNameThenUuid)
    index = built
    byNameCache.set(vms, index)
  }
  return index
}

// Every write yields a new snapshot that a write's decision looks a name up in once: building the
// whole name index for that one lookup made writes O(VMs) with a large constant (most of a write's
// CPU at 10,000 VMs). The first lookups in a snapshot (concurrent writes share one) scan; a snapshot
// that keeps being read gets the index.
const SCANS_BEFORE_INDEX = 8
const scans = new WeakMap<Vms, number>()

const named = (vms: Vms, name: string): ReadonlyArray<Vm> => {
  const index = byNameCache.get(vms)
  if (index !== undefined) return index.get(name) ?? []
  const scanned = scans.get(vms) ?? 0
  if (scanned >= SCANS_BEFORE_INDEX) return vmsByName(vms).get(name) ?? []
  scans.set(vms, scanned + 1)
  const found: Array<Vm> = []
  vms.forEach((vm) => {
    if (vm.name === name) found.push(vm)
  })
  return found.length > 1 ? found.sort(byNameThenUuid) : found
}

/** The VMs named exactly `name` (normally at most one). */
export const vmsNamed = (snapshot: ClusterSnapshot, name: string): ReadonlyArray<Vm> => named(snapshot.vms, name)

/** Every VM whose UUID or name is exactly `ref`, each once, sorted by name. */
export const findVms = (snapshot: ClusterSnapshot, ref: string): ReadonlyArray<Vm> => {
  const byUuid = snapshot.vms.get(ref as VmUuid)
  const withName = named(snapshot.vms, ref)
  if (byUuid === undefined) return withName
  return withName.includes(byUuid) ? withName : [...withName, byUuid].sort(byNameThenUuid)
}

/** The VM `ref` designates: a UUID match first, else the first VM of that name. */
export const findVm = (snapshot: ClusterSnapshot, ref: string): Vm | undefined =>
  snapshot.vms.get(ref as VmUuid) ?? named(snapshot.vms, ref)[0]

/**
 * Whether the daemon of any node reports the VM as running (`runningdomains`). A fenced (`dead`)
 * node was reset, so its stale list no longer means anything runs there.
 */
export const isListedRunning = (snapshot: ClusterSnapshot, uuid: VmUuid): boolean => {
  for (const node of snapshot.nodes.values()) {
    if (node.daemonState !== "dead" && node.runningDomains.includes(uuid)) return true
  }
  return false
}
