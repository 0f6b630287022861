import { Result } from "effect"
import { put, remove } from "../cluster/ClusterPlan.ts"
import type { ClusterSnapshot } from "../cluster/ClusterSnapshot.ts"
import { AclDescription, isNameTooLong, NAME_MAX_LENGTH } from "../domain/Ids.ts"
import { Acl, type AclDirection, type Network } from "../domain/Network.ts"
import type { Decision } from "../shared/decideAndCommit.ts"
import { AclExists, AclNotFound, InvalidNetworkValue, MissingNetworkValue } from "./NetworkErrors.ts"
import { requireNetwork } from "./NetworkRules.ts"

export const parseDirection = (text: string): Result.Result<AclDirection, InvalidNetworkValue> =>
  text === "in" || text === "out"
    ? Result.succeed(text)
    : Result.fail(new InvalidNetworkValue({ field: "direction", value: text, reason: "not in or out" }))

/** `order`: a non-negative integer; undefined when not given. */
export const parseOrder = (text: string | undefined): Result.Result<number | undefined, InvalidNetworkValue> => {
  if (text === undefined) return Result.succeed(undefined)
  return /^[0-9]+$/.test(text)
    ? Result.succeed(Number(text))
    : Result.fail(new InvalidNetworkValue({ field: "order", value: text, reason: "not a non-negative integer" }))
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The order the node daemons apply (zk-layout §4): in before out, then `order` compared as
 * stored strings (`'10' < '2'`), then description for stored ties. See docs/acl-order.md.
 */
export const compareAcls = (a: Acl, b: Acl): number =>
  a.direction !== b.direction
    ? (a.direction === "in" ? -1 : 1)
    : byText(a.order, b.order) || byText(a.description, b.description)

export const aclsOf = (snapshot: ClusterSnapshot, network: Network): ReadonlyArray<Acl> =>
  [...snapshot.acls.values()].filter((acl) => acl.vni === network.vni).sort(compareAcls)

/**
 * The `order` value of position `index` in a chain of `length` ACLs: decimal, zero-padded to the
 * width of the last position, so the daemons' string order equals the position order. Chains of up
 * to ten ACLs get exactly the original values (`'0'` … `'9'`).
 */
export const orderText = (index: number, length: number): string =>
  String(index).padStart(String(Math.max(length - 1, 0)).length, "0")

const renumber = (chain: ReadonlyArray<Acl>): ReadonlyArray<Acl> =>
  chain.map((acl, i) => new Acl({ ...acl, order: orderText(i, chain.length) }))

/**
 * Inserts `acl` into its direction's chain at position `order` of the daemons' order (absent or
 * past the end: appended) and renumbers the chain, keeping the others in the order they apply.
 */
export const insertAcl = (chain: ReadonlyArray<Acl>, acl: Acl, order: number | undefined): ReadonlyArray<Acl> => {
  const sorted = [...chain].sort(compareAcls)
  const at = order === undefined ? sorted.length : Math.min(order, sorted.length)
  return renumber([...sorted.slice(0, at), acl, ...sorted.slice(at)])
}

export const withoutAcl = (chain: ReadonlyArray<Acl>, description: string): ReadonlyArray<Acl> =>
  renumber([...chain].sort(compareAcls).filter((acl) => acl.description !== description))

export interface AclFields {
  readonly direction?: string | undefined
  readonly rule?: string | undefined
  readonly order?: string | undefined
}

/** Every ACL of the direction is written with its new order, so concurrent edits conflict. */
export const decideAddAcl = (networkRef: string, description: string, fields: AclFields) =>
(snapshot: ClusterSnapshot) =>
  Result.gen(function*() {
    const network = yield* requireNetwork(snapshot, networkRef)
    if (description.trim() === "" || description.includes("/")) {
      return yield* Result.fail(
        new InvalidNetworkValue({ field: "description", value: description, reason: "empty or contains /" })
      )
    }
    if (isNameTooLong(description)) {
      return yield* Result.fail(
        new InvalidNetworkValue({ field: "description", value: description, reason: `longer than ${NAME_MAX_LENGTH} characters` })
      )
    }
    if (fields.direction === undefined) return yield* Result.fail(new MissingNetworkValue({ field: "direction" }))
    const direction = yield* parseDirection(fields.direction)
    if (fields.rule === undefined || fields.rule.trim() === "") {
      return yield* Result.fail(new MissingNetworkValue({ field: "rule" }))
    }
    const order = yield* parseOrder(fields.order)
    const all = aclsOf(snapshot, network)
    if (all.some((acl) => acl.description === description)) {
      return yield* Result.fail(new AclExists({ network: network.description, description }))
    }
    const acl = new Acl({
      vni: network.vni,
      direction,
      description: AclDescription.make(description),
      order: "",
      rule: fields.rule
    })
    const chain = insertAcl(all.filter((a) => a.direction === direction), acl, order)
    const added = chain.find((a) => a.description === description)!
    return {
      changes: chain.map(put),
      guards: [network],
      outcome: { acl: added }
    } satisfies Decision<{ acl: Acl }>
  })

export const decideRemoveAcl = (networkRef: string, description: string, options: { direction?: string | undefined }) =>
(snapshot: ClusterSnapshot) =>
  Result.gen(function*() {
    const network = yield* requireNetwork(snapshot, networkRef)
    const direction = options.direction === undefined ? undefined : yield* parseDirection(options.direction)
    const acl = aclsOf(snapshot, network).find((a) =>
      a.description === description && (direction === undefined || a.direction === direction)
    )
    if (acl === undefined) return yield* Result.fail(new AclNotFound({ network: network.description, description }))
    const rest = withoutAcl(aclsOf(snapshot, network).filter((a) => a.direction === acl.direction), description)
    return {
      changes: [remove(acl), ...rest.map(put)],
      guards: [network],
      outcome: { acl }
    } satisfies Decision<{ acl: Acl }>
  })
