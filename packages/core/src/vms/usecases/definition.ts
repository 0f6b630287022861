import { Effect } from "effect"
import type { Placement } from "../../nodes/NodeSelector.ts"
import { isNameTooLong, NAME_MAX_LENGTH } from "../../domain/Ids.ts"
import { DomainXml, InvalidDomainXml } from "../../ports/DomainXml.ts"
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
/**
 * The XML of a define or modify: parsed, and its name short enough for every VM route to reach it
 * (VMs other tools stored with longer names are still read and shown).
 */
const parseToWrite = Effect.fnUntraced(function*(xml: string) {
  const definition = yield* (yield* DomainXml).parse(xml)
  if (isNameTooLong(definition.name)) {
    return yield* new InvalidDomainXml({ reason: `the domain <name> is longer than ${NAME_MAX_LENGTH} characters` })
  }
  return definition
})

export const defineVm = Effect.fn("Vm.define")(function*(options: DefineOptions) {
  const definition = yield* parseToWrite(options.xml)
  return yield* decideAndCommit(decideDefine(definition, options))
})

export const modifyVm = Effect.fn("Vm.modify")(function*(ref: string, options: ModifyOptions) {
  const definition = yield* parseToWrite(options.xml)
  return yield* decideAndCommit(decideModify(ref, definition, options.restart))
})
