import { Effect } from "effect"
import type { Placement } from "../../nodes/NodeSelector.ts"
import { DomainXml } from "../../ports/DomainXml.ts"
import { decideAndCommit } from "../../shared/decideAndCommit.ts"
import { decideDefine, decideModify } from "../VmPlans.ts"

export interface DefineOptions extends Placement {
  readonly xml: string
}

export interface ModifyOptions {
  readonly xml: string
  readonly restart: boolean
}

/** The `<vm>` of the route is ignored: name and UUID come from the XML (the manual). */
export const defineVm = Effect.fn("Vm.define")(function*(options: DefineOptions) {
  const definition = yield* (yield* DomainXml).parse(options.xml)
  return yield* decideAndCommit(decideDefine(definition, options))
})

export const modifyVm = Effect.fn("Vm.modify")(function*(ref: string, options: ModifyOptions) {
  const definition = yield* (yield* DomainXml).parse(options.xml)
  return yield* decideAndCommit(decideModify(ref, definition, options.restart))
})
