import SwaggerParser from "@apidevtools/swagger-parser"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { type Api, call, startApi } from "./support/Harness.ts"

type Parameter = { name: string; in: string; required?: boolean; schema?: { type?: string; enum?: Array<string> }; description?: string }
type Operation = {
  operationId: string
  summary?: string
  parameters?: Array<Parameter>
  requestBody?: { content: Record<string, { schema: { properties: Record<string, { type?: string }>; required?: Array<string> } }> }
}
type Document = { servers?: Array<{ url: string }>; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, { properties?: Record<string, { properties?: object }> }> } }

describe("the served OpenAPI document", () => {
  let api: Api
  let document: Document
  beforeAll(async () => {
    api = await startApi()
    const reply = await call(api, "GET", "/api/v1/openapi.json")
    assert.strictEqual(reply.status, 200)
    document = reply.body as Document
  })
  afterAll(() => api.close())

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })))
  const byId = (id: string) => operations().find((o) => o.op.operationId === id)!.op
  const query = (id: string, name: string) => byId(id).parameters!.find((p) => p.in === "query" && p.name === name)!

  it("passes an independent OpenAPI validator (@apidevtools/swagger-parser)", async () => {
    const copy = structuredClone(document) as unknown as Parameters<typeof SwaggerParser.validate>[0]
    const validated = await SwaggerParser.validate(copy)
    assert.strictEqual((validated as { openapi?: string }).openapi, "3.1.0")
  })

  it("declares a urlencoded form body on every POST, with the same values as its query", () => {
    const posts = operations().filter((o) => o.method === "post")
    assert.strictEqual(posts.length, 37)
    for (const { path, op } of posts) {
      const form = op.requestBody?.content["application/x-www-form-urlencoded"]
      assert.isDefined(form, path)
      const names = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name)
      assert.deepStrictEqual(Object.keys(form!.schema.properties), names, path)
    }
    assert.deepStrictEqual(byId("vm.define").requestBody!.content["application/x-www-form-urlencoded"]!.schema.required, ["xml"])
  })

  it("types request values: integers, a number, enumerations", () => {
    assert.strictEqual(query("network.add", "vni").schema!.type, "integer")
    assert.strictEqual(query("network.aclAdd", "order").schema!.type, "integer")
    assert.strictEqual(query("storage.poolAdd", "pgs").schema!.type, "integer")
    assert.strictEqual(query("storage.osdAdd", "weight").schema!.type, "number")
    assert.deepStrictEqual(query("network.add", "nettype").schema!.enum, ["managed", "bridged"])
    assert.deepStrictEqual(query("network.acls", "direction").schema!.enum, ["in", "out"])
    assert.deepStrictEqual(query("vm.migrate", "selector").schema!.enum, ["mem", "load", "vcpus", "vms"])
    assert.include(query("vm.list", "state").schema!.enum!, "start")
    assert.include(query("storage.osdSet", "option").schema!.enum!, "noout")
  })

  it("says flags count by presence, and the confirmation flag is mandatory where the manual says so", () => {
    assert.match(query("vm.migrate", "flag_force").description!, /presence/)
    assert.isTrue(query("storage.osdRemove", "flag_yes_i_really_mean_it").required)
    assert.isTrue(query("storage.poolRemove", "flag_yes_i_really_mean_it").required)
    assert.isFalse(query("vm.migrate", "flag_force").required)
  })

  it("has a summary per operation, servers, named component schemas and typed stats", () => {
    for (const { path, op } of operations()) assert.isString(op.summary, path)
    assert.strictEqual(document.servers![0]!.url, "http://127.0.0.1:7370")
    for (const name of ["Vm", "Node", "Network", "Lease", "Acl", "Osd", "Pool", "Volume", "Snapshot", "Ceph", "Message"]) {
      assert.property(document.components.schemas, name)
    }
    for (const name of ["Osd", "Pool", "Volume"]) {
      assert.isNotEmpty(Object.keys(document.components.schemas[name]!.properties!["stats"]!.properties!), name)
    }
  })
})
