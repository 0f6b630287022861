/** IP addresses as integers, enough to validate networks, gateways and DHCP ranges. */
export interface IpAddress {
  readonly version: 4 | 6
  readonly value: bigint
}

export interface IpNetwork {
  readonly version: 4 | 6
  /** The network address (host bits zero). */
  readonly address: bigint
  readonly prefix: number
}

const bits = (version: 4 | 6) => (version === 4 ? 32 : 128)

const OCTET = /^(0|[1-9][0-9]{0,2})$/

export const parseIpv4 = (text: string): IpAddress | undefined => {
  const parts = text.split(".")
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p) && Number(p) <= 255)) return undefined
  return { version: 4, value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) }
}

const HEXTET = /^[0-9a-fA-F]{1,4}$/

/** Colon-separated groups; the last may be an embedded IPv4 address when it ends the address. */
const parseGroups = (text: string, endsAddress: boolean): ReadonlyArray<bigint> | undefined => {
  if (text === "") return []
  const parts = text.split(":")
  const groups: Array<bigint> = []
  for (const [i, part] of parts.entries()) {
    if (endsAddress && i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part)
      if (v4 === undefined) return undefined
      groups.push(v4.value >> 16n, v4.value & 0xffffn)
    } else if (HEXTET.test(part)) {
      groups.push(BigInt(parseInt(part, 16)))
    } else {
      return undefined
    }
  }
  return groups
}

export const parseIpv6 = (text: string): IpAddress | undefined => {
  const halves = text.split("::")
  if (halves.length > 2) return undefined
  const head = parseGroups(halves[0]!, halves.length === 1)
  const tail = halves.length === 2 ? parseGroups(halves[1]!, true) : []
  if (head === undefined || tail === undefined) return undefined
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  const groups = [...head, ...Array<bigint>(missing).fill(0n), ...tail]
  return { version: 6, value: groups.reduce((acc, g) => (acc << 16n) | g, 0n) }
}

export const parseIp = (text: string, version: 4 | 6): IpAddress | undefined =>
  version === 4 ? parseIpv4(text) : parseIpv6(text)

/** Why a CIDR is refused, or the network it denotes. */
export type CidrParse = { readonly network: IpNetwork } | { readonly error: string }

export const parseCidr = (text: string, version: 4 | 6): CidrParse => {
  const slash = text.indexOf("/")
  if (slash < 0) return { error: "missing prefix length" }
  const ip = parseIp(text.slice(0, slash), version)
  if (ip === undefined) return { error: `not an IPv${version} address` }
  const prefixText = text.slice(slash + 1)
  const prefix = Number(prefixText)
  if (!/^[0-9]{1,3}$/.test(prefixText) || prefix > bits(version)) return { error: "invalid prefix length" }
  const network = { version, address: ip.value, prefix }
  if ((ip.value & ~mask(network)) !== 0n) return { error: "host bits set" }
  return { network }
}

const mask = (network: IpNetwork): bigint => {
  const width = BigInt(bits(network.version))
  const hostBits = width - BigInt(network.prefix)
  return ((1n << width) - 1n) ^ ((1n << hostBits) - 1n)
}

export const contains = (network: IpNetwork, ip: IpAddress): boolean =>
  network.version === ip.version && (ip.value & mask(network)) === network.address

export const formatIpv4 = (value: bigint): string =>
  [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".")

/** RFC 5952 text: lower case, no leading zeros, the longest run of zero groups as `::`. */
export const formatIpv6 = (value: bigint): string => {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn))
  // The first of the longest runs of at least two zero groups.
  let best = { start: -1, length: 1 }
  let run = 0
  groups.forEach((group, i) => {
    run = group === 0 ? run + 1 : 0
    if (run > best.length) best = { start: i - run + 1, length: run }
  })
  const hex = (gs: ReadonlyArray<number>) => gs.map((g) => g.toString(16)).join(":")
  if (best.start < 0) return hex(groups)
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`
}

export const formatIp = (ip: IpAddress): string => (ip.version === 4 ? formatIpv4(ip.value) : formatIpv6(ip.value))
