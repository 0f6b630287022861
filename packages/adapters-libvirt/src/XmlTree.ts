import { Result } from "effect"
import { XMLParser, XMLValidator } from "fast-xml-parser"

/** Documents above this size are refused before any parsing. */
export const maxXmlBytes = 1024 * 1024
/** Deeper element nesting is refused (libvirt domain XML nests about 6 deep). */
export const maxXmlDepth = 48

/** One element as fast-xml-parser builds it: `@attr` strings, `#text`, `#cdata` and child arrays. */
export type XmlElement = { readonly [key: string]: unknown }


const attrPrefix = "@"
const textKey = "#text"
const cdataKey = "#cdata"
// typed as the `Symbol` wrapper by fast-xml-parser, it is a primitive symbol at run time
const metaData = XMLParser.getMetaDataSymbol() as unknown as symbol

// Entities stay undecoded in the tree (processEntities: false) so that this module alone decides
// which references exist: the five predefined ones and character references, nothing declared.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: attrPrefix,
  parseTagValue: false,
  parseAttributeValue: false,
  alwaysCreateTextNode: true,
  cdataPropName: cdataKey,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  captureMetaData: true,
  maxNestedTags: maxXmlDepth
})

const reference = /&(?:#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g
const predefined: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" }

const decodeReference = (ref: string): string => {
  const body = ref.slice(1, -1)
  if (!body.startsWith("#")) return predefined[body] ?? ref
  const code = body.startsWith("#x") ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10)
  return code <= 0x10ffff ? String.fromCodePoint(code) : ref
}

/** Replaces the XML references of a raw text or attribute value (already checked by `undeclaredReference`). */
export const decodeText = (raw: string): string => raw.replace(reference, decodeReference)

const hasUndeclaredReference = (raw: string): boolean => raw.replace(reference, "").includes("&")

const isElement = (value: unknown): value is XmlElement => typeof value === "object" && value !== null

const rawValues = (element: XmlElement): ReadonlyArray<string> =>
  Object.entries(element).flatMap(([key, value]) =>
    key.startsWith(attrPrefix) || key === textKey ? (typeof value === "string" ? [value] : []) : []
  )

/** The first raw value below `element` that uses an entity the document may not use, if any. */
const undeclaredReference = (element: XmlElement): string | undefined => {
  const stack: Array<XmlElement> = [element]
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const bad = rawValues(next).find(hasUndeclaredReference)
    if (bad !== undefined) return bad
    for (const [key, value] of Object.entries(next)) {
      if (key !== cdataKey && Array.isArray(value)) stack.push(...value.filter(isElement))
    }
  }
  return undefined
}

const validatorError = (xml: string): string | undefined => {
  const verdict = XMLValidator.validate(xml)
  return verdict === true ? undefined : `line ${verdict.err.line}, column ${verdict.err.col}: ${verdict.err.msg}`
}

const parseTree = (xml: string): Result.Result<XmlElement, string> => {
  try {
    const tree: unknown = parser.parse(xml)
    return isElement(tree) ? Result.succeed(tree) : Result.fail("no document element")
  } catch (error) {
    return Result.fail(`unreadable XML: ${error instanceof Error ? error.message : String(error)}`)
  }
}

const singleRoot = (tree: XmlElement): Result.Result<{ name: string; element: XmlElement }, string> => {
  const roots = Object.entries(tree).flatMap(([name, value]) =>
    Array.isArray(value) ? value.filter(isElement).map((element) => ({ name, element })) : []
  )
  const [root, ...others] = roots
  if (root === undefined) return Result.fail("no document element")
  if (others.length > 0) return Result.fail("more than one document element")
  return Result.succeed(root)
}

/**
 * Parses an XML document with the limits untrusted input needs: a size bound, a depth bound,
 * no DTD (so no external or expanding entities) and only the predefined entity references.
 */
export const readXml = (xml: string): Result.Result<{ name: string; element: XmlElement }, string> => {
  if (Buffer.byteLength(xml, "utf8") > maxXmlBytes) return Result.fail(`larger than ${maxXmlBytes} bytes`)
  // Refused outright: a DTD is the only way to declare entities, and libvirt domain XML has none.
  const upper = xml.toUpperCase()
  if (upper.includes("<!DOCTYPE") || upper.includes("<!ENTITY")) return Result.fail("DTDs and entity declarations are not accepted")
  const invalid = validatorError(xml)
  if (invalid !== undefined) return Result.fail(`not well-formed XML (${invalid})`)
  return parseTree(xml).pipe(
    Result.flatMap(singleRoot),
    Result.flatMap((root) => {
      const bad = undeclaredReference(root.element)
      return bad === undefined ? Result.succeed(root) : Result.fail(`undeclared entity reference in "${bad.slice(0, 64)}"`)
    })
  )
}

export const children = (element: XmlElement, tag: string): ReadonlyArray<XmlElement> => {
  const value = element[tag]
  return Array.isArray(value) ? value.filter(isElement) : []
}

export const child = (element: XmlElement, tag: string): XmlElement | undefined => children(element, tag)[0]

/** Follows a path of first children, e.g. `path(domain, "os", "type")`. */
export const path = (element: XmlElement | undefined, ...tags: ReadonlyArray<string>): XmlElement | undefined =>
  tags.reduce<XmlElement | undefined>((at, tag) => at === undefined ? undefined : child(at, tag), element)

export const attr = (element: XmlElement | undefined, name: string): string | undefined => {
  const value = element?.[attrPrefix + name]
  return typeof value === "string" ? decodeText(value) : undefined
}

/** The element's character data: its text, then its CDATA sections. */
export const text = (element: XmlElement | undefined): string | undefined => {
  if (element === undefined) return undefined
  const raw = element[textKey]
  const cdata = children(element, cdataKey).map((section) => section[textKey]).filter((v) => typeof v === "string")
  return (typeof raw === "string" ? decodeText(raw) : "") + cdata.join("")
}

/** Child element names in document order of first appearance. */
export const childNames = (element: XmlElement | undefined): ReadonlyArray<string> =>
  element === undefined
    ? []
    : Object.keys(element).filter((key) => !key.startsWith(attrPrefix) && key !== textKey && key !== cdataKey)

export const startIndexOf = (element: XmlElement): number | undefined => {
  const meta: unknown = Reflect.get(element, metaData)
  if (!isElement(meta)) return undefined
  const index = meta["startIndex"]
  return typeof index === "number" ? index : undefined
}
