import fc from "fast-check"
import { seedDomainXml } from "../../../adapters-zk/src/Bootstrap.ts"
import { isMessage, json, type RawReply, send } from "./support.ts"

/** A route of the served OpenAPI document with its value names (path parameters aside). */
export interface FuzzRoute {
  readonly method: string
  readonly path: string
  readonly values: ReadonlyArray<string>
}

export const routesOf = async (url: string): Promise<ReadonlyArray<FuzzRoute>> => {
  const doc = json((await send(url, "GET", "/api/v1/openapi.json")).text) as {
    paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>
  }
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      values: (op.parameters ?? []).filter((p) => p.in !== "path").map((p) => p.name)
    }))
  )
}

/** Names the cluster really holds, so that a share of the requests reaches the use-cases and writes. */
export interface Known {
  readonly names: ReadonlyArray<string>
}

export const knownNames = async (url: string): Promise<Known> => {
  const list = async (path: string, field: string) =>
    (json((await send(url, "GET", path)).text) as Array<Record<string, unknown>>).map((x) => String(x[field]))
  const networks = await list("/api/v1/network", "vni")
  const acls = (await Promise.all(networks.map((n) => list(`/api/v1/network/${n}/acl`, "description")))).flat()
  const leases = (await Promise.all(networks.map((n) => list(`/api/v1/network/${n}/dhcp`, "mac_address")))).flat()
  return {
    names: [
      ...(await list("/api/v1/node", "name")),
      ...(await list("/api/v1/vm", "name")),
      ...networks,
      ...acls,
      ...leases,
      ...(await list("/api/v1/storage/ceph/pool", "name")),
      ...(await list("/api/v1/storage/ceph/volume", "name")),
      ...(await list("/api/v1/storage/ceph/osd", "id"))
    ]
  }
}

export const NUMBERS = [
  "0", "-0", "1", "-1", "2", "7", "8", "255", "256", "4095", "4096", "65535", "65536", "2147483647", "2147483648",
  "-2147483649", "4294967296", "16777215", "16777216", "9007199254740993", "1e308", "1e-308", "Infinity", "-Infinity",
  "NaN", "0x10", "0o7", "1_000", " 1", "1 ", "+1", "01", "1.5", "١٢", "１"
]

export const HOSTILE = [
  "", " ", ".", "..", "../..", "/", "a/b", "/etc/passwd", "%2F", "%2e%2e", "%00", "\u0000", "a\u0000b",
  "\u0001\u001f\u007f", "\r\nX-Injected: 1", "\t", "\u202e", "\ufeff", "\u200b", "Ａｄｍｉｎ", "é", "e\u0301", "💥",
  "\ud800", "null", "None", "True", "False", "undefined", "__proto__", "constructor", "prototype", "toString",
  "<x>", "]]>", "&amp;", "'\"", "$(id)", "`id`", "(a+)+$", "(.*a){25}", "^(a|a?)+$", "(x+x+)+y", ".*", "[", "(", "\\",
  "*", "?", "#", "&", "=", "+", ";", ",", "a".repeat(256), "a".repeat(4_000), "hv1/../hv2", "in", "out", "both",
  "managed", "bridged", "mem", "vcpus", "load", "vms", "none", "start", "stop", "disable", "migrate", "noout",
  "10.0.0.0/8", "10.0.0.0/33", "10.0.0.1", "256.1.1.1", "fd00::/64", "fd00::1", "::", "52:54:00:00:00:01",
  "52:54:00:zz:00:01", "1G", "1T", "1P", "-1G", "0G", "10M", "/dev/sdb", "/dev/../etc", "1.0", "0.5"
]

const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** XML for define/modify: real domains with hostile names, bombs, deep nesting, garbage. */
export const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`).join("") +
  `]><domain type="kvm"><name>&lol9;</name></domain>`
export const EXTERNAL_ENTITY = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><domain type="kvm"><name>&x;</name></domain>`
export const deepXml = (depth: number) => `<domain type="kvm"><name>deep</name>${"<a>".repeat(depth)}${"</a>".repeat(depth)}</domain>`

const uuid = fc.uuid({ version: 4 })
const domainXml = (name: string, id: string) => seedDomainXml(xmlEscape(name), id, 512, 1, "vms/fuzz_disk0", "52:54:00:fe:00:01", 100)

export const hostileString = (known: Known) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known.names) },
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 2, arbitrary: fc.constantFrom(...NUMBERS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 10 }) },
    { weight: 1, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.double().map(String) }
  )

const xmlValue = (known: Known) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.tuple(hostileString(known), uuid).map(([n, id]) => domainXml(n, id)) },
    { weight: 1, arbitrary: fc.constantFrom(BILLION_LAUGHS, EXTERNAL_ENTITY, deepXml(200), deepXml(200), BILLION_LAUGHS, deepXml(3_000), "<domain/>", "<", "") },
    { weight: 1, arbitrary: hostileString(known) }
  )

/** One value per name; a third of the time the value is sent twice, sometimes with a different second value. */
const valuesFor = (names: ReadonlyArray<string>, known: Known) =>
  fc.tuple(...names.map((name) =>
    fc.record({
      present: fc.integer({ min: 0, max: 9 }).map((n) => n < 8),
      value: name === "xml" ? xmlValue(known) : hostileString(known),
      duplicate: fc.option(hostileString(known), { nil: undefined, freq: 3 })
    }).map((v) => ({ name, ...v }))
  )).map((vs) => vs.filter((v) => v.present).flatMap((v) =>
    v.duplicate === undefined ? [[v.name, v.value] as const] : [[v.name, v.value] as const, [v.name, v.duplicate] as const]
  ))

/** Path segments: known names, hostile text percent-encoded, and raw traversal forms. */
const pct = (s: string) =>
  [...Buffer.from(s, "utf8")].map((b) => /[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, "0")}`).join("")

const segment = (known: Known) =>
  fc.oneof(
    { weight: 6, arbitrary: hostileString(known).map(pct) },
    { weight: 1, arbitrary: fc.constantFrom("..", ".", "%2e%2e", "%2E%2E", "..%2F..", "%2F", "a%00b", "%", "%zz", "%c0%ae", "%ff%fe", "") }
  )

export interface FuzzRequest {
  readonly method: string
  readonly path: string
  readonly body: string | undefined
  readonly route: string
}

const requestFor = (route: FuzzRoute, known: Known): fc.Arbitrary<FuzzRequest> =>
  fc.record({
    segments: fc.array(segment(known), { minLength: 3, maxLength: 3 }),
    values: valuesFor([...route.values, ...(route.values.length === 0 ? [] : ["unknown_value"])], known),
    placement: fc.constantFrom("query", "form", "both"),
    tweak: fc.integer({ min: 0, max: 1999 })
  }).map(({ segments, values, placement, tweak }) => {
    const method = tweak % 20 === 0 ? (route.method === "GET" ? "POST" : "GET") : tweak % 20 === 1 ? "HEAD" : tweak % 20 === 2 ? "OPTIONS" : route.method
    let i = 0
    const path = route.path.replace(/\{[a-z_]+\}/g, () => segments[i++] ?? "x") + (tweak % 20 === 3 ? "/" : "")
    const encoded = new URLSearchParams(values.map(([k, v]): [string, string] => [k, v])).toString()
    const big = tweak === 1999 ? `&${new URLSearchParams({ xml: "x".repeat(1_500_000) })}` : ""
    const inQuery = placement !== "form" && encoded.length > 0 && encoded.length < 6_000
    const inForm = placement !== "query" || encoded.length >= 6_000
    const body = inForm && method !== "GET" && method !== "HEAD" ? `${encoded}${big}` : undefined
    return { method, path: `${path}${inQuery ? `?${encoded}` : ""}`, body, route: `${route.method} ${route.path}` }
  })

export const fuzzRequest = (routes: ReadonlyArray<FuzzRoute>, known: Known): fc.Arbitrary<FuzzRequest> =>
  fc.oneof(...routes.map((route) => requestFor(route, known)))

/** What a reply may be: never a 5xx but 510, failures `{"message"}` in JSON. */
export const replyProblem = (request: FuzzRequest, reply: RawReply): string | undefined => {
  const where = `${request.method} ${request.path.slice(0, 300)} body=${JSON.stringify(request.body?.slice(0, 200))}`
  if (reply.status >= 500 && reply.status !== 510) return `${where} -> ${reply.status} ${reply.text.slice(0, 300)}`
  if (request.method === "HEAD") return undefined
  if (reply.status >= 400 || request.method === "POST") {
    if (!/application\/json/.test(String(reply.headers["content-type"]))) {
      if (reply.status === 302 || reply.status === 200 && request.path.startsWith("/api/v1/auth/login")) return undefined
      return `${where} -> ${reply.status} content-type ${reply.headers["content-type"]}`
    }
    if (!isMessage(reply.text)) return `${where} -> ${reply.status} not a {message}: ${reply.text.slice(0, 300)}`
  }
  return undefined
}

export interface FuzzReport {
  requests: number
  millis: number
  statuses: Record<string, number>
  slowestMillis: number
  problems: Array<string>
}

/** Send `total` generated requests, `batch` at a time; every problem is kept (none expected). */
export const fuzz = async (
  url: string,
  options: { readonly total: number; readonly batch: number; readonly seed: number }
): Promise<FuzzReport> => {
  const routes = await routesOf(url)
  const known = await knownNames(url)
  const report: FuzzReport = { requests: 0, millis: 0, statuses: {}, slowestMillis: 0, problems: [] }
  const started = performance.now()
  await fc.assert(
    fc.asyncProperty(fc.array(fuzzRequest(routes, known), { minLength: options.batch, maxLength: options.batch }), async (batch) => {
      const replies = await Promise.all(batch.map(async (request) => {
        try {
          return { request, reply: await send(url, request.method, request.path, request.body === undefined ? { timeoutMs: 20_000 } : { body: request.body, timeoutMs: 20_000 }) }
        } catch (error) {
          return { request, error: String(error) }
        }
      }))
      let failed = false
      for (const r of replies) {
        report.requests++
        if ("error" in r) {
          report.problems.push(`${r.request.method} ${r.request.path.slice(0, 200)}: ${r.error}`)
          failed = true
          continue
        }
        const key = `${r.reply.status}`
        report.statuses[key] = (report.statuses[key] ?? 0) + 1
        report.slowestMillis = Math.max(report.slowestMillis, r.reply.millis)
        const problem = replyProblem(r.request, r.reply)
        if (problem !== undefined) {
          report.problems.push(problem)
          failed = true
        }
      }
      return !failed
    }),
    { numRuns: Math.ceil(options.total / options.batch), seed: options.seed, endOnFailure: true }
  ).catch((error: unknown) => {
    report.problems.push(`fast-check: ${String(error).slice(0, 2_000)}`)
  })
  report.millis = performance.now() - started
  return report
}
