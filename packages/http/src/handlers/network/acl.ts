import { addAcl, getAcl, listAcls, removeAcl } from "@pvc/core"
import { Effect } from "effect"
import { message } from "../../api/Wire.ts"
import { onWire } from "../../errors/toWire.ts"
import { aclJson } from "../../views/NetworkView.ts"

type AclRequest = { readonly params: { readonly network: string; readonly acl: string } }

export const acls = Effect.fn("NetworkHttp.acls")(function*(
  { params, query }: {
    readonly params: { readonly network: string }
    readonly query: { readonly limit?: string | undefined; readonly direction?: string | undefined }
  }
) {
  return (yield* onWire(listAcls(params.network, { limit: query.limit, direction: query.direction }))).map(aclJson)
})

export const acl = Effect.fn("NetworkHttp.acl")(function*({ params }: AclRequest) {
  return (yield* onWire(getAcl(params.network, params.acl))).map(aclJson)
})

export const aclAdd = Effect.fn("NetworkHttp.aclAdd")(function*(
  { params, query }: AclRequest & {
    readonly query: {
      readonly direction?: string | undefined
      readonly rule?: string | undefined
      readonly order?: string | undefined
    }
  }
) {
  const fields = { direction: query.direction, rule: query.rule, order: query.order }
  const { acl: added } = yield* onWire(addAcl(params.network, params.acl, fields))
  return message(
    `Added ACL '${added.description}' (direction '${added.direction}', order ${added.order}) to network '${params.network}'.`
  )
})

export const aclRemove = Effect.fn("NetworkHttp.aclRemove")(function*(
  { params, query }: AclRequest & { readonly query: { readonly direction?: string | undefined } }
) {
  const { acl: removed } = yield* onWire(removeAcl(params.network, params.acl, { direction: query.direction }))
  return message(`Removed ACL '${removed.description}' (direction '${removed.direction}') from network '${params.network}'.`)
})
