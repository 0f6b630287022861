import { demoCluster } from "@pvc/testkit"
import { afterEach, assert, beforeEach, describe, it } from "@effect/vitest"
import { type Api, startApi } from "./support/Harness.ts"
import { expectFailure, expectOk, getJson, names } from "./support/Routes.ts"

describe("node routes", () => {
  let api: Api
  beforeEach(async () => {
    api = await startApi({ entities: demoCluster() })
  })
  afterEach(() => api.close())

  it("GET /node lists nodes sorted by name, in the zk-layout §9 shape", async () => {
    const body = await getJson(api, "/api/v1/node")
    assert.deepStrictEqual(names(body), ["hv1", "hv2", "hv3"])
    const hv1 = (body as Array<Record<string, unknown>>)[0]!
    assert.strictEqual(hv1["coordinator_state"], "primary")
    assert.isString(hv1["cpu_count"])
    assert.isNumber((hv1["memory"] as Record<string, unknown>)["total"])
    assert.isArray(hv1["running_domains"])
  })

  it("GET /node?limit is fuzzy; an invalid limit is 510", async () => {
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/node?limit=v2")), ["hv2"])
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/node?limit=^hv")), ["hv1", "hv2", "hv3"])
    await expectFailure(api, "GET", "/api/v1/node?limit=(", /^Invalid limit '\('/)
  })

  it("GET /node/<node> is exact; unknown gives []", async () => {
    assert.deepStrictEqual(names(await getJson(api, "/api/v1/node/hv3")), ["hv3"])
    assert.deepStrictEqual(await getJson(api, "/api/v1/node/hv"), [])
  })

  it("primary / secondary follow the router rules", async () => {
    await expectFailure(api, "POST", "/api/v1/node/hv1/primary", "Node 'hv1' is already primary.")
    await expectFailure(api, "POST", "/api/v1/node/hv2/secondary", "Node 'hv2' is not primary.")
    await expectFailure(api, "POST", "/api/v1/node/hv3/primary", "Node 'hv3' is not a coordinator.")
    await expectFailure(api, "POST", "/api/v1/node/nope/primary", "Node 'nope' not found.")
    assert.strictEqual(await expectOk(api, "/api/v1/node/hv2/primary"), "Set node 'hv2' in primary router mode.")
    assert.strictEqual(await expectOk(api, "/api/v1/node/hv2/secondary"), "Set node 'hv2' in secondary router mode.")
  })

  it("flush / unflush / ready write the domain state, idempotently", async () => {
    await expectOk(api, "/api/v1/node/hv3/flush")
    await expectOk(api, "/api/v1/node/hv3/flush")
    const [hv3] = (await getJson(api, "/api/v1/node/hv3")) as Array<Record<string, unknown>>
    assert.strictEqual(hv3!["domain_state"], "flush")
    await expectOk(api, "/api/v1/node/hv3/unflush")
    await expectOk(api, "/api/v1/node/hv3/ready")
    await expectFailure(api, "POST", "/api/v1/node/nope/flush", "Node 'nope' not found.")
    await expectFailure(api, "POST", "/api/v1/node/nope/unflush", "Node 'nope' not found.")
    await expectFailure(api, "POST", "/api/v1/node/nope/ready", "Node 'nope' not found.")
  })
})
