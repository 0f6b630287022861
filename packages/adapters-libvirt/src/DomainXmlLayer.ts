import { randomUUID } from "node:crypto"
import { DomainXml, InvalidDomainXml } from "@pvc/core"
import { Effect, Layer } from "effect"
import { decodeDomainXml } from "./DomainXmlCodec.ts"
import { virtXmlValidate } from "./VirtXmlValidate.ts"

export interface DomainXmlOptions {
  /** Also validate against libvirt's RelaxNG schema with `virt-xml-validate` (needs the tool installed). */
  readonly schemaValidation?: boolean
}

const parseOnly = (xml: string) => Effect.suspend(() => Effect.fromResult(decodeDomainXml(xml, randomUUID)))

const schemaChecked = (xml: string) =>
  Effect.flatMap(parseOnly(xml), (definition) =>
    virtXmlValidate(definition.xml).pipe(
      Effect.flatMap((complaint) =>
        complaint === undefined
          ? Effect.succeed(definition)
          : Effect.fail(new InvalidDomainXml({ reason: `libvirt schema: ${complaint}` }))
      )
    ))

export const make = (options: DomainXmlOptions = {}): DomainXml["Service"] =>
  DomainXml.of({ parse: options.schemaValidation === true ? schemaChecked : parseOnly })

/** The DomainXml codec (fast-xml-parser, no external tools). */
export const layer: Layer.Layer<DomainXml> = Layer.succeed(DomainXml, make())

/** The codec plus libvirt's RelaxNG schema through `virt-xml-validate`. */
export const layerSchemaValidated: Layer.Layer<DomainXml> = Layer.succeed(DomainXml, make({ schemaValidation: true }))
