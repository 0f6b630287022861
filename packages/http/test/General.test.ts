import { demoCluster } from "@pvc/testkit"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { type Api, call, messageOf, startApi } from "./support/Harness.ts"

describe("general routes", () => {
  let api: Api
  beforeAll(async () => {
    api = await startApi({ entities: demoCluster() })
  })
  afterAll(() => api.close())

  it("GET /api/v1 answers 209 with the description", async () => {
    const reply = await call(api, "GET", "/api/v1")
    assert.strictEqual(reply.status, 209)
    assert.strictEqual(messageOf(reply), "PVC API version 1.0")
  })

  it("unknown route is 404 with a JSON message", async () => {
    const reply = await call(api, "GET", "/api/v1/nothing")
    assert.strictEqual(reply.status, 404)
    assert.include(messageOf(reply), "/api/v1/nothing")
  })

  it("wrong method is 405 with a JSON message and Allow", async () => {
    const reply = await call(api, "POST", "/api/v1/node")
    assert.strictEqual(reply.status, 405)
    assert.strictEqual(reply.headers.get("allow"), "GET")
    assert.include(messageOf(reply), "POST")
  })

  it("serves the OpenAPI 3.1 document", async () => {
    const reply = await call(api, "GET", "/api/v1/openapi.json")
    assert.strictEqual(reply.status, 200)
    const doc = reply.body as { openapi: string; paths: Record<string, unknown> }
    assert.strictEqual(doc.openapi, "3.1.0")
    assert.property(doc.paths, "/api/v1/vm/{vm}/migrate")
  })

  it("login and logout with authentication disabled", async () => {
    for (const [method, path] of [["GET", "/api/v1/auth/login"], ["POST", "/api/v1/auth/login"], ["POST", "/api/v1/auth/logout"]] as const) {
      const reply = await call(api, method, path)
      assert.strictEqual(reply.status, 200)
      assert.strictEqual(messageOf(reply), "Authentication is disabled.")
    }
  })

  it("lists nodes", async () => {
    const reply = await call(api, "GET", "/api/v1/node")
    assert.strictEqual(reply.status, 200)
    console.log(reply.text.slice(0, 400))
    const vms = await call(api, "GET", "/api/v1/vm")
    console.log(vms.status, vms.text.slice(0, 600))
  })
})
