import { Context, type Effect, Schema } from "effect"
import type { DomainDefinition } from "../domain/VmDetails.ts"

export class InvalidDomainXml extends Schema.TaggedError<InvalidDomainXml>()("InvalidDomainXml", {
  reason: Schema.String
}) {}

/** libvirt domain XML: validation and the details the API shows. */
export class DomainXml extends Context.Service<DomainXml, {
  /** Validate a domain XML; a missing `<uuid>` is generated and inserted into the returned XML. */
  readonly parse: (xml: string) => Effect.Effect<DomainDefinition, InvalidDomainXml>
}>()("pvc/core/DomainXml") {}
