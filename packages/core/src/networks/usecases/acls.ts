import { Effect } from "effect"
import { ClusterStore } from "../../ports/ClusterStore.ts"
import { decideAndCommit } from "../../shared/decideAndCommit.ts"
import { limitFilter } from "../../shared/Limit.ts"
import { type AclFields, aclsOf, decideAddAcl, decideRemoveAcl, parseDirection } from "../AclRules.ts"
import { requireNetwork } from "../NetworkRules.ts"

export interface ListAclsOptions {
  readonly limit?: string | undefined
  readonly direction?: string | undefined
}

/** ACLs of a network, `in` before `out`, by order; `limit` matches the description. */
export const listAcls = Effect.fn("Network.listAcls")(function*(networkRef: string, options: ListAclsOptions = {}) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const network = yield* Effect.fromResult(requireNetwork(snapshot, networkRef))
  const direction = options.direction === undefined
    ? undefined
    : yield* Effect.fromResult(parseDirection(options.direction))
  const matches = yield* limitFilter(options.limit)
  return aclsOf(snapshot, network).filter((acl) =>
    (direction === undefined || acl.direction === direction) && matches(acl.description)
  )
})

/** The ACL with exactly this description, as a list of zero or one. */
export const getAcl = Effect.fn("Network.getAcl")(function*(networkRef: string, description: string) {
  const snapshot = yield* (yield* ClusterStore).snapshot
  const network = yield* Effect.fromResult(requireNetwork(snapshot, networkRef))
  return aclsOf(snapshot, network).filter((acl) => acl.description === description)
})

/** Inserts at `order` (default and too large: appended) and renumbers the direction 0..n-1. */
export const addAcl = Effect.fn("Network.addAcl")(function*(
  networkRef: string,
  description: string,
  fields: AclFields
) {
  return yield* decideAndCommit(decideAddAcl(networkRef, description, fields))
})

/** Removes by description (in either direction unless one is given) and renumbers. */
export const removeAcl = Effect.fn("Network.removeAcl")(function*(
  networkRef: string,
  description: string,
  options: { readonly direction?: string | undefined } = {}
) {
  return yield* decideAndCommit(decideRemoveAcl(networkRef, description, options))
})
