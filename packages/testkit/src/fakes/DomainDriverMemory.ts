import {
  type DomainDefinition,
  DomainDriver,
  type DomainDriverShape,
  DomainNotFound,
  DomainNotRunning,
  DomainRejected,
  DomainRunning,
  type VmUuid
} from "@pvc/core"
import { Effect, Layer } from "effect"

/**
 * A hypervisor in memory that behaves as libvirt's test driver does: names and UUIDs are unique,
 * a graceful shutdown completes at once, undefine needs a stopped domain.
 */
export const makeDomainDriverMemory = (): DomainDriverShape => {
  const defined = new Map<VmUuid, DomainDefinition>()
  const active = new Set<VmUuid>()

  const known = (uuid: VmUuid) =>
    Effect.suspend(() => {
      const domain = defined.get(uuid)
      return domain === undefined ? Effect.fail(new DomainNotFound({ uuid })) : Effect.succeed(domain)
    })
  const whenRunning = (uuid: VmUuid) =>
    Effect.flatMap(known(uuid), (domain) =>
      active.has(uuid) ? Effect.succeed(domain) : Effect.fail(new DomainNotRunning({ uuid })))
  const whenStopped = (uuid: VmUuid) =>
    Effect.flatMap(known(uuid), (domain) =>
      active.has(uuid) ? Effect.fail(new DomainRunning({ uuid })) : Effect.succeed(domain))

  const define = (domain: DomainDefinition) =>
    Effect.suspend(() => {
      const sameName = [...defined.values()].find((d) => d.name === domain.name && d.uuid !== domain.uuid)
      const renamed = defined.get(domain.uuid)?.name
      if (sameName !== undefined) {
        return Effect.fail(new DomainRejected({ uuid: domain.uuid, reason: `domain '${domain.name}' already exists with uuid ${sameName.uuid}` }))
      }
      if (renamed !== undefined && renamed !== domain.name) {
        return Effect.fail(new DomainRejected({ uuid: domain.uuid, reason: `domain '${renamed}' is already defined with uuid ${domain.uuid}` }))
      }
      defined.set(domain.uuid, domain)
      return Effect.void
    })

  const driver: DomainDriverShape = {
    define,
    start: (uuid) => Effect.map(whenStopped(uuid), () => void active.add(uuid)),
    shutdown: (uuid) => Effect.map(whenRunning(uuid), () => void active.delete(uuid)),
    destroy: (uuid) => Effect.map(whenRunning(uuid), () => void active.delete(uuid)),
    undefine: (uuid) => Effect.map(whenStopped(uuid), () => void defined.delete(uuid)),
    running: Effect.sync(() => [...active].sort()),
    migrate: (uuid, to) =>
      Effect.gen(function*() {
        const domain = yield* whenRunning(uuid)
        if ((yield* to.running).includes(uuid)) return yield* new DomainRunning({ uuid })
        yield* to.define(domain)
        yield* to.start(uuid)
        active.delete(uuid)
        defined.delete(uuid)
      })
  }
  return driver
}

/** A fresh, empty in-memory hypervisor. */
export const layerMemory = (): Layer.Layer<DomainDriver> =>
  Layer.sync(DomainDriver, makeDomainDriverMemory)
