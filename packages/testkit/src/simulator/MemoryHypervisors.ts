import {
  type DomainDefinition,
  DomainDriverUnavailable,
  type DomainDriverShape,
  DomainNotFound,
  DomainNotRunning,
  DomainRejected,
  DomainRunning,
  DomainShutdownTimedOut,
  type NodeName,
  type VmUuid
} from "@pvc/core"
import { Duration, Effect } from "effect"

/*
 * The hypervisors of all simulated nodes, in memory. One place holds every node's domains, so it
 * can notice what no single libvirt can: a domain running on two hosts at once.
 */

interface Host {
  readonly defined: Map<VmUuid, DomainDefinition>
  readonly running: Set<VmUuid>
  up: boolean
}

export interface HypervisorTiming {
  /** How long a live migration takes. */
  readonly migrate: Duration.Input
  /** How long a guest takes to power off when asked. */
  readonly shutdown: Duration.Input
}

export interface MemoryHypervisors {
  readonly driver: (node: NodeName) => DomainDriverShape
  /** Running domains per node, as the hosts see them. */
  readonly placements: () => ReadonlyMap<NodeName, ReadonlyArray<VmUuid>>
  /** The host loses power: its domains stop and its hypervisor stops answering. */
  readonly crash: (node: NodeName) => void
  readonly powerOn: (node: NodeName) => void
  /** Every time a domain was started or migrated onto a host while it ran on another. */
  readonly violations: () => ReadonlyArray<string>
}

export const makeMemoryHypervisors = (timing: HypervisorTiming): MemoryHypervisors => {
  const hosts = new Map<NodeName, Host>()
  const drivers = new Map<NodeName, DomainDriverShape>()
  const owners = new WeakMap<DomainDriverShape, NodeName>()
  const violations: Array<string> = []

  const host = (node: NodeName): Host => {
    let h = hosts.get(node)
    if (h === undefined) {
      h = { defined: new Map(), running: new Set(), up: true }
      hosts.set(node, h)
    }
    return h
  }
  const checkSingle = (node: NodeName, uuid: VmUuid) => {
    for (const [other, h] of hosts) {
      if (other !== node && h.running.has(uuid)) violations.push(`${uuid} started on ${node} while running on ${other}`)
    }
  }
  const reachable = (node: NodeName): Effect.Effect<Host, DomainDriverUnavailable> =>
    Effect.suspend(() =>
      host(node).up
        ? Effect.succeed(host(node))
        : Effect.fail(new DomainDriverUnavailable({ reason: `${node} is down`, cause: undefined }))
    )

  const makeDriver = (node: NodeName): DomainDriverShape => {
    const runningHost = Effect.fnUntraced(function*(uuid: VmUuid) {
      const h = yield* reachable(node)
      if (!h.defined.has(uuid)) return yield* new DomainNotFound({ uuid })
      if (!h.running.has(uuid)) return yield* new DomainNotRunning({ uuid })
      return h
    })
    const driver: DomainDriverShape = {
      define: Effect.fnUntraced(function*(domain) {
        const h = yield* reachable(node)
        const clash = [...h.defined.values()].find((d) => (d.uuid === domain.uuid) !== (d.name === domain.name))
        if (clash !== undefined) {
          return yield* new DomainRejected({
            uuid: domain.uuid,
            reason: `operation failed: domain '${clash.name}' already exists with uuid ${clash.uuid}`
          })
        }
        h.defined.set(domain.uuid, domain)
      }),
      start: Effect.fnUntraced(function*(uuid) {
        const h = yield* reachable(node)
        if (!h.defined.has(uuid)) return yield* new DomainNotFound({ uuid })
        if (h.running.has(uuid)) return yield* new DomainRunning({ uuid })
        checkSingle(node, uuid)
        h.running.add(uuid)
      }),
      shutdown: Effect.fnUntraced(function*(uuid, timeout) {
        const h = yield* runningHost(uuid)
        if (Duration.isLessThan(Duration.fromInputUnsafe(timeout), Duration.fromInputUnsafe(timing.shutdown))) {
          yield* Effect.sleep(timeout)
          return yield* new DomainShutdownTimedOut({ uuid, millis: Duration.toMillis(timeout) })
        }
        yield* Effect.sleep(timing.shutdown)
        h.running.delete(uuid)
      }),
      destroy: Effect.fnUntraced(function*(uuid) {
        const h = yield* runningHost(uuid)
        h.running.delete(uuid)
      }),
      undefine: Effect.fnUntraced(function*(uuid) {
        const h = yield* reachable(node)
        if (h.running.has(uuid)) return yield* new DomainRunning({ uuid })
        if (!h.defined.delete(uuid)) return yield* new DomainNotFound({ uuid })
      }),
      running: Effect.map(reachable(node), (h) => [...h.running].sort()),
      migrate: Effect.fnUntraced(function*(uuid, to) {
        const target = owners.get(to)
        if (target === undefined) {
          return yield* new DomainDriverUnavailable({ reason: "unknown target hypervisor", cause: undefined })
        }
        yield* runningHost(uuid)
        yield* Effect.sleep(timing.migrate)
        const h = yield* runningHost(uuid)
        const t = yield* reachable(target)
        if (t.running.has(uuid)) return yield* new DomainRunning({ uuid })
        // Like `virsh migrate --persistent --undefinesource`: the source forgets the domain.
        const domain = h.defined.get(uuid)!
        h.running.delete(uuid)
        h.defined.delete(uuid)
        checkSingle(target, uuid)
        t.defined.set(uuid, domain)
        t.running.add(uuid)
      })
    }
    owners.set(driver, node)
    return driver
  }

  return {
    driver: (node) => {
      let d = drivers.get(node)
      if (d === undefined) {
        d = makeDriver(node)
        drivers.set(node, d)
      }
      return d
    },
    placements: () => new Map([...hosts].map(([node, h]) => [node, [...h.running].sort()] as const)),
    crash: (node) => {
      const h = host(node)
      h.running.clear()
      h.up = false
    },
    powerOn: (node) => {
      host(node).up = true
    },
    violations: () => [...violations]
  }
}
