import { demoCluster } from "@pvc/testkit"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { declaredRoutes } from "../src/server/RouteTable.ts"
import { type Api, call, startApi } from "./support/Harness.ts"

const VALUE_NAMES = [
  "limit", "node", "state", "xml", "selector", "flag_restart", "flag_force", "vni", "nettype", "domain",
  "ip4_network", "ip4_gateway", "ip6_network", "ip6_gateway", "flag_dhcp4", "dhcp4_start", "dhcp4_end",
  "flag_static", "ipaddress", "hostname", "direction", "rule", "order", "option", "device", "weight",
  "flag_yes_i_really_mean_it", "pgs", "size", "pool", "volume", "token", "__proto__", "constructor"
]

const KNOWN = [
  "hv1", "hv2", "hv3", "web1", "mail1", "build1", "cluster-net", "100", "200", "vms", "backup", "db1_disk0",
  "before-upgrade", "0", "1", "52:54:00:a1:00:01", "allow-ssh", "in", "out", "mem", "managed", "bridged"
]
const NASTY = ["", " ", "(", "[", ".*", "^$", "(a+)+$", "-1", "0x10", "1e99", "99999999999999999999", "NaN", "null",
  "<domain/>", "<domain><name>x</name></domain>", "10.0.0.0/33", "%", "%zz", "..", "/", "\u0000", "é", "💥"]

const value = fc.oneof(
  fc.constantFrom(...KNOWN),
  fc.constantFrom(...NASTY),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 })
)

const pathValue = fc.oneof(fc.constantFrom(...KNOWN), fc.constantFrom(...NASTY), fc.string({ maxLength: 20 }))
  .map(encodeURIComponent)

const request = fc.record({
  route: fc.constantFrom(...declaredRoutes),
  params: fc.array(pathValue, { minLength: 3, maxLength: 3 }),
  values: fc.dictionary(fc.constantFrom(...VALUE_NAMES), value, { maxKeys: 6 }),
  inForm: fc.boolean(),
  otherMethod: fc.integer({ min: 0, max: 9 }).map((n) => n === 0)
})

describe("random values to every route", () => {
  let api: Api
  beforeAll(async () => {
    api = await startApi({ entities: demoCluster(), stopTimeoutSeconds: 0.2 })
  })
  afterAll(() => api.close())

  it("never a 5xx other than 510, and every failure is a JSON {message}", async () => {
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(request, async ({ route, params, values, inForm, otherMethod }) => {
        let i = 0
        const path = route.path.replace(/:[a-z]+/g, () => params[i++] ?? "x")
        const method = otherMethod ? (route.method === "GET" ? "POST" : "GET") : route.method
        const form = inForm && method === "POST" ? values : undefined
        const query = form === undefined && Object.keys(values).length > 0 ? `?${new URLSearchParams(values)}` : ""
        const reply = await call(api, method, `${path}${query}`, form === undefined ? {} : { form })
        const where = `${method} ${path}${query} form=${JSON.stringify(form)} -> ${reply.status} ${reply.text.slice(0, 200)}`
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1)
        assert.isTrue(reply.status < 500 || reply.status === 510, where)
        if (reply.status >= 400) {
          assert.match(reply.contentType ?? "", /application\/json/, where)
          const body = reply.body as Record<string, unknown>
          assert.isString(body["message"], where)
        }
      }),
      { numRuns: 600 }
    )
    // The run must reach handlers (200/510), not only routing failures.
    assert.isAbove(statuses.get(200) ?? 0, 20)
    assert.isAbove(statuses.get(510) ?? 0, 20)
  })

  it("with authentication enabled too: failures (401 included) are JSON {message}, never a 5xx but 510", async () => {
    const secured = await startApi({
      entities: demoCluster(),
      stopTimeoutSeconds: 0.2,
      config: { auth: { enabled: true, secretKey: "k", tokens: [{ description: "", token: "hv1" }] } }
    })
    try {
      await fc.assert(
        fc.asyncProperty(request, async ({ route, params, values }) => {
          let i = 0
          const path = route.path.replace(/:[a-z]+/g, () => params[i++] ?? "x")
          const query = Object.keys(values).length > 0 ? `?${new URLSearchParams(values)}` : ""
          const reply = await call(secured, route.method, `${path}${query}`)
          const where = `${route.method} ${path}${query} -> ${reply.status} ${reply.text.slice(0, 200)}`
          assert.isTrue(reply.status < 500 || reply.status === 510, where)
          if (reply.status >= 400) assert.isString((reply.body as Record<string, unknown>)["message"], where)
        }),
        { numRuns: 200 }
      )
    } finally {
      await secured.close()
    }
  })
})
