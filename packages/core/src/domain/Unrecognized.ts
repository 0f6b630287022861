import type { Entity } from "../cluster/Entity.ts"
import { Schema } from "effect"
import { NetworkType } from "./Network.ts"
import { DaemonMode, DaemonState, DomainState, RouterState } from "./Node.ts"
import { VmState } from "./Vm.ts"

const DIGITS = /^[0-9]+$/

// Guards built once: the mirror checks every entity it decodes (10,000 VMs on a load).
const isNetworkType = Schema.is(NetworkType)
const isDaemonMode = Schema.is(DaemonMode)
const isDaemonState = Schema.is(DaemonState)
const isRouterState = Schema.is(RouterState)
const isDomainState = Schema.is(DomainState)
const isVmState = Schema.is(VmState)

const check = (known: (u: unknown) => boolean, field: string, value: string): ReadonlyArray<string> =>
  known(value) ? [] : [`${field} '${value}' is not one the API writes`]

/**
 * The values of `entity` outside what the API itself writes: another writer (the original CLI,
 * a newer daemon) stored them. The entity is still listed with them as stored; the store warns
 * once so an operator can see why a rule treats it as matching nothing.
 */
export const unrecognizedValues = (entity: Entity): ReadonlyArray<string> => {
  switch (entity._tag) {
    case "Network":
      return [
        ...(DIGITS.test(entity.vni) ? [] : [`VNI key '${entity.vni}' is not a number`]),
        ...check(isNetworkType, "nettype", entity.type)
      ]
    case "Node":
      return [
        ...check(isDaemonMode, "daemonmode", entity.daemonMode),
        ...check(isDaemonState, "daemonstate", entity.daemonState),
        ...check(isRouterState, "routerstate", entity.routerState),
        ...check(isDomainState, "domainstate", entity.domainState)
      ]
    case "Vm":
      return check(isVmState, "state", entity.state)
    case "Acl":
      return DIGITS.test(entity.order) ? [] : [`order '${entity.order}' is not a number`]
    default:
      return []
  }
}
