import { HttpApiBuilder } from "effect/http-api"
import { PvcApi } from "../../api/PvcApi.ts"
import { acl, aclAdd, aclRemove, acls } from "./acl.ts"
import { lease, leaseAdd, leaseRemove, leases } from "./dhcp.ts"
import { add, get, list, modify, remove } from "./networks.ts"

export const NetworkHandlers = HttpApiBuilder.group(PvcApi, "network", (handlers) =>
  handlers.handleAll({ list, get, add, modify, remove, leases, lease, leaseAdd, leaseRemove, acls, acl, aclAdd, aclRemove }))
