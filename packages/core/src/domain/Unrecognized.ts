import type { Entity } from "../cluster/Entity.ts"
import { Schema } from "effect"
import { NetworkType } from "./Network.ts"
import { DaemonMode, DaemonState, DomainState, RouterState } from "./Node.ts"
import { VmState } from "./Vm.ts"

const DIGITS = /^[0-9]+$/

const check = <S extends Schema.Top>(known: S, field: string, value: string): ReadonlyArray<string> =>
  Schema.is(known)(value) ? [] : [`${field} '${value}' is not one the API writes`]

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
        ...check(NetworkType, "nettype", entity.type)
      ]
    case "Node":
      return [
        ...check(DaemonMode, "daemonmode", entity.daemonMode),
        ...check(DaemonState, "daemonstate", entity.daemonState),
        ...check(RouterState, "routerstate", entity.routerState),
        ...check(DomainState, "domainstate", entity.domainState)
      ]
    case "Vm":
      return check(VmState, "state", entity.state)
    case "Acl":
      return DIGITS.test(entity.order) ? [] : [`order '${entity.order}' is not a number`]
    default:
      return []
  }
}
