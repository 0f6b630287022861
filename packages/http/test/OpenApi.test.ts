import { assert, describe, it } from "@effect/vitest"
import { OpenApi } from "effect/http-api"
import { PvcApi } from "../src/api/PvcApi.ts"

/** Every method and route of api-manual.md, plus the original's storage root (`GET /api/v1/storage`). */
const MANUAL = `
GET /api/v1
GET /api/v1/auth/login
POST /api/v1/auth/login
GET /api/v1/auth/logout
POST /api/v1/auth/logout
GET /api/v1/node
GET /api/v1/node/{node}
POST /api/v1/node/{node}/secondary
POST /api/v1/node/{node}/primary
POST /api/v1/node/{node}/flush
POST /api/v1/node/{node}/unflush
POST /api/v1/node/{node}/ready
GET /api/v1/vm
GET /api/v1/vm/{vm}
POST /api/v1/vm/{vm}/define
POST /api/v1/vm/{vm}/modify
POST /api/v1/vm/{vm}/undefine
POST /api/v1/vm/{vm}/remove
GET /api/v1/vm/{vm}/dump
POST /api/v1/vm/{vm}/start
POST /api/v1/vm/{vm}/restart
POST /api/v1/vm/{vm}/shutdown
POST /api/v1/vm/{vm}/stop
POST /api/v1/vm/{vm}/move
POST /api/v1/vm/{vm}/migrate
POST /api/v1/vm/{vm}/unmigrate
GET /api/v1/network
GET /api/v1/network/{network}
POST /api/v1/network/{network}/add
POST /api/v1/network/{network}/modify
POST /api/v1/network/{network}/remove
GET /api/v1/network/{network}/dhcp
GET /api/v1/network/{network}/dhcp/{lease}
POST /api/v1/network/{network}/dhcp/{lease}/add
POST /api/v1/network/{network}/dhcp/{lease}/remove
GET /api/v1/network/{network}/acl
GET /api/v1/network/{network}/acl/{acl}
POST /api/v1/network/{network}/acl/{acl}/add
POST /api/v1/network/{network}/acl/{acl}/remove
GET /api/v1/storage
GET /api/v1/storage/ceph
GET /api/v1/storage/ceph/status
GET /api/v1/storage/ceph/df
GET /api/v1/storage/ceph/osd
GET /api/v1/storage/ceph/osd/{osd}
POST /api/v1/storage/ceph/osd/set
POST /api/v1/storage/ceph/osd/unset
POST /api/v1/storage/ceph/osd/{node}/add
POST /api/v1/storage/ceph/osd/{osd}/remove
POST /api/v1/storage/ceph/osd/{osd}/in
POST /api/v1/storage/ceph/osd/{osd}/out
GET /api/v1/storage/ceph/pool
GET /api/v1/storage/ceph/pool/{pool}
POST /api/v1/storage/ceph/pool/{pool}/add
POST /api/v1/storage/ceph/pool/{pool}/remove
GET /api/v1/storage/ceph/volume
GET /api/v1/storage/ceph/volume/{pool}/{volume}
POST /api/v1/storage/ceph/volume/{pool}/{volume}/add
POST /api/v1/storage/ceph/volume/{pool}/{volume}/remove
GET /api/v1/storage/ceph/volume/snapshot
GET /api/v1/storage/ceph/volume/snapshot/{pool}/{volume}/{snapshot}
POST /api/v1/storage/ceph/volume/snapshot/{pool}/{volume}/{snapshot}/add
POST /api/v1/storage/ceph/volume/snapshot/{pool}/{volume}/{snapshot}/remove
`.trim().split("\n")

type Operation = { parameters?: Array<{ name: string; in: string; required?: boolean }>; responses: Record<string, unknown>; security?: unknown }

describe("OpenAPI document derived from the HttpApi declarations", () => {
  const spec = OpenApi.fromApi(PvcApi)
  const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op }))
  )

  it("holds exactly the manual's 62 routes and the storage root", () => {
    assert.deepStrictEqual(operations.map((o) => o.key).sort(), [...MANUAL].sort())
    assert.strictEqual(operations.length, 63)
  })

  it("documents mandatory values as required and failures as 510", () => {
    const define = operations.find((o) => o.key === "POST /api/v1/vm/{vm}/define")!.op
    const required = (define.parameters ?? []).filter((p) => p.in === "query" && p.required === true).map((p) => p.name)
    assert.deepStrictEqual(required, ["xml"])
    for (const { key, op } of operations) {
      if (!key.includes("/auth/") && key !== "GET /api/v1" && key !== "GET /api/v1/storage") {
        assert.property(op.responses, "510", key)
      }
    }
    assert.property(operations.find((o) => o.key === "GET /api/v1")!.op.responses, "209")
  })

  const resolve = (schema: object): object =>
    "$ref" in schema ? (spec.components.schemas as Record<string, object>)[String(schema.$ref).split("/").pop()!]! : schema

  // zk-layout §9: the value types the original answers (strings stay strings).
  const itemOf = (path: string): Record<string, { type?: string; anyOf?: Array<{ type: string }> }> => {
    const ok = operations.find((o) => o.key === `GET ${path}`)!.op.responses["200"] as {
      content: { "application/json": { schema: { items?: { properties: object }; properties?: object } } }
    }
    const schema = resolve(ok.content["application/json"].schema) as { items?: object; properties?: object }
    const item = schema.items === undefined ? schema : resolve(schema.items) as { properties?: object }
    return item.properties as Record<string, { type?: string; anyOf?: Array<{ type: string }> }>
  }

  it("says network vni and ACL order are strings, VM memory an integer or a string, ceph_data a string", () => {
    assert.strictEqual(itemOf("/api/v1/network")["vni"]!.type, "string")
    assert.strictEqual(itemOf("/api/v1/network/{network}/acl")["order"]!.type, "string")
    assert.deepStrictEqual(itemOf("/api/v1/vm")["memory"]!.anyOf!.map((s) => s.type), ["integer", "string"])
    assert.strictEqual(itemOf("/api/v1/storage/ceph")["ceph_data"]!.type, "string")
    assert.deepStrictEqual(Object.keys(itemOf("/api/v1/storage")), ["message"])
  })
})
