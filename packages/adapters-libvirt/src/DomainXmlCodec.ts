import {
  DomainDefinition,
  InvalidDomainXml,
  RbdDisk,
  VmController,
  VmDetails,
  VmDisk,
  VmName,
  VmNetworkInterface,
  VmUuid
} from "@pvc/core"
import { Result } from "effect"
import { memoryJson } from "./MemoryUnits.ts"
import { attr, children, childNames, path, readXml, startIndexOf, text, type XmlElement } from "./XmlTree.ts"

/** Shown for absent descriptive values (description, memory, vcpu, topology). */
export const notAvailable = "N/A"
/** Shown for absent machine facts (os type, arch, machine, console, emulator, interface and disk fields). */
export const absent = ""

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const invalid = (reason: string) => Result.fail(new InvalidDomainXml({ reason }))

const memory = (domain: XmlElement): number | string => {
  const element = path(domain, "memory")
  const value = text(element)
  if (value === undefined) return notAvailable
  return memoryJson(value, attr(element, "unit"))
}

const vcpuTopology = (domain: XmlElement): string => {
  const topology = path(domain, "cpu", "topology")
  if (topology === undefined) return notAvailable
  // libvirt counts an unspecified level as 1
  return ["sockets", "cores", "threads"].map((level) => attr(topology, level) ?? "1").join("/")
}

const network = (iface: XmlElement): VmNetworkInterface => {
  const type = attr(iface, "type") ?? absent
  return new VmNetworkInterface({
    type,
    mac: attr(path(iface, "mac"), "address") ?? absent,
    source: attr(path(iface, "source"), type) ?? absent,
    model: attr(path(iface, "model"), "type") ?? absent
  })
}

const diskSource = (type: string, source: XmlElement | undefined): { type: string; name: string } => {
  switch (type) {
    case "network":
      return { type: attr(source, "protocol") ?? absent, name: attr(source, "name") ?? absent }
    case "block":
      return { type, name: attr(source, "dev") ?? absent }
    case "dir":
      return { type, name: attr(source, "dir") ?? absent }
    case "volume": {
      const pool = attr(source, "pool")
      const volume = attr(source, "volume")
      return { type, name: pool !== undefined && volume !== undefined ? `${pool}/${volume}` : absent }
    }
    default:
      return { type, name: attr(source, "file") ?? absent }
  }
}

const disk = (element: XmlElement): VmDisk => {
  const target = path(element, "target")
  // libvirt's default disk type is `file`
  const source = diskSource(attr(element, "type") ?? "file", path(element, "source"))
  return new VmDisk({ ...source, dev: attr(target, "dev") ?? absent, bus: attr(target, "bus") ?? absent })
}

const controller = (element: XmlElement): VmController =>
  new VmController({ type: attr(element, "type") ?? absent, model: attr(element, "model") ?? "none" })

/** `pool/volume` of every `<disk type='network'>` whose source protocol is `rbd` (zk-layout §3 `rbdlist`). */
export const rbdList = (domain: XmlElement): ReadonlyArray<RbdDisk> =>
  children(path(domain, "devices") ?? {}, "disk").flatMap((element) => {
    const source = path(element, "source")
    const name = attr(source, "name")
    return attr(element, "type") === "network" && attr(source, "protocol") === "rbd" && name
      ? [RbdDisk.make(name)]
      : []
  })

/** The VM details of zk-layout §3; absent optional elements give `notAvailable`, `absent` or `[]`. */
export const vmDetails = (domain: XmlElement, name: VmName, uuid: VmUuid): VmDetails => {
  const devices = path(domain, "devices") ?? {}
  const osType = path(domain, "os", "type")
  return new VmDetails({
    name,
    uuid,
    description: text(path(domain, "description")) ?? notAvailable,
    memory: memory(domain),
    vcpu: text(path(domain, "vcpu"))?.trim() ?? notAvailable,
    vcpuTopology: vcpuTopology(domain),
    networks: children(devices, "interface").map(network),
    type: text(osType)?.trim() ?? absent,
    arch: attr(osType, "arch") ?? absent,
    machine: attr(osType, "machine") ?? absent,
    console: attr(path(devices, "console"), "type") ?? absent,
    emulator: text(path(devices, "emulator"))?.trim() ?? absent,
    features: childNames(path(domain, "features")),
    disks: children(devices, "disk").map(disk),
    controllers: children(devices, "controller").map(controller)
  })
}

const domainName = (domain: XmlElement): Result.Result<VmName, InvalidDomainXml> => {
  const name = text(path(domain, "name"))?.trim()
  if (name === undefined) return invalid("the domain has no <name>")
  if (name === "") return invalid("the domain <name> is empty")
  if (name.includes("/")) return invalid("the domain <name> may not contain '/'")
  return Result.succeed(VmName.make(name))
}

/** Puts `<uuid>` in front of `<name>`, indented like it, leaving the rest of the text as it was. */
const insertUuid = (xml: string, nameStart: number, uuid: string): string => {
  let lineStart = nameStart
  while (lineStart > 0 && " \t\r\n".includes(xml.charAt(lineStart - 1))) lineStart--
  const separator = xml.slice(lineStart, nameStart)
  return `${xml.slice(0, nameStart)}<uuid>${uuid}</uuid>${separator}${xml.slice(nameStart)}`
}

const withUuid = (
  xml: string,
  domain: XmlElement,
  newUuid: () => string
): Result.Result<{ uuid: VmUuid; xml: string }, InvalidDomainXml> => {
  const given = text(path(domain, "uuid"))?.trim()
  if (given !== undefined) {
    return uuidShape.test(given)
      ? Result.succeed({ uuid: VmUuid.make(given.toLowerCase()), xml })
      : invalid(`the domain <uuid> "${given.slice(0, 64)}" is not a UUID (8-4-4-4-12 hex digits)`)
  }
  const nameElement = path(domain, "name")
  const nameStart = nameElement === undefined ? undefined : startIndexOf(nameElement)
  if (nameStart === undefined) return invalid("the domain has no <name>")
  const uuid = newUuid().toLowerCase()
  return Result.succeed({ uuid: VmUuid.make(uuid), xml: insertUuid(xml, nameStart, uuid) })
}

/**
 * Validates a libvirt domain XML and derives what the API stores and shows. `newUuid` is used
 * only when the document has no `<uuid>`; the generated one is inserted into the returned XML.
 */
export const decodeDomainXml = (
  xml: string,
  newUuid: () => string
): Result.Result<DomainDefinition, InvalidDomainXml> =>
  Result.gen(function*() {
    const root = yield* Result.mapError(readXml(xml), (reason) => new InvalidDomainXml({ reason }))
    if (root.name !== "domain") return yield* invalid(`the document element is <${root.name}>, not <domain>`)
    const name = yield* domainName(root.element)
    const stored = yield* withUuid(xml, root.element, newUuid)
    return new DomainDefinition({
      uuid: stored.uuid,
      name,
      xml: stored.xml,
      rbdList: rbdList(root.element),
      details: vmDetails(root.element, name, stored.uuid)
    })
  })
