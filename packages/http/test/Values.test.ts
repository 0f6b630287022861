import { demoCluster } from "@pvc/testkit"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { type Api, call, getWithForm, startApi } from "./support/Harness.ts"
import { getJson, names } from "./support/Routes.ts"

describe("values from the query string and the form body", () => {
  let api: Api
  beforeAll(async () => {
    api = await startApi({ entities: demoCluster() })
  })
  afterAll(() => api.close())

  it("a GET takes its values from a form body too", async () => {
    const reply = await getWithForm(api, "/api/v1/node", { limit: "hv2" })
    assert.strictEqual(reply.status, 200)
    assert.deepStrictEqual(names(JSON.parse(reply.text)), ["hv2"])
  })

  it("the form body wins over the query string", async () => {
    const reply = await getWithForm(api, "/api/v1/node?limit=hv1", { limit: "hv3" })
    assert.deepStrictEqual(names(JSON.parse(reply.text)), ["hv3"])
  })

  it("a repeated value counts once (the first), never a 400", async () => {
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/node?limit=hv1&limit=hv2")), ["hv1"])
  })

  it("unknown extra values are ignored", async () => {
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/node?limit=hv1&colour=blue")), ["hv1"])
  })

  it("flags count by presence whatever their value", async () => {
    for (const value of ["", "0", "false", "no"]) {
      const reply = await call(api, "GET", `/api/v1/network/cluster-net/dhcp?flag_static=${value}`)
      assert.strictEqual((reply.body as Array<unknown>).length, 3)
    }
  })

  it("a body over 16 MiB is refused with 510, not read", async () => {
    const reply = await call(api, "POST", "/api/v1/vm/x/define", { form: { xml: "x".repeat(17 * 1024 * 1024) } })
    assert.strictEqual(reply.status, 510)
    assert.match(String((reply.body as { message: string }).message), /at most 16 MiB/)
  })

  it("percent-encoded path values and multi-line form values arrive intact", async () => {
    assert.deepStrictEqual(await getJson(api, "/api/v1/vm/a%20b"), [])
    const reply = await call(api, "POST", "/api/v1/vm/x/define", { form: { xml: "<domain>\n  <name>\n" } })
    assert.strictEqual(reply.status, 510)
  })
})
