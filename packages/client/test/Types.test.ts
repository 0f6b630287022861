import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { demoCluster } from "@pvc/testkit"
import { Effect, Exit } from "effect"
import { type Api, startApi } from "../../http/test/support/Harness.ts"
import { type Client, connect, encodeRequest, layer, PvcClient, PvcFailure } from "../src/index.ts"

/** Type-level checks: they fail `pnpm typecheck` if the request values become plain strings again. */
export const typeChecks = (client: Client) => [
  client.network.add({ params: { network: "n" }, query: { vni: 300, nettype: "managed" } }),
  // @ts-expect-error: a VNI is a number, not a string
  client.network.add({ params: { network: "n" }, query: { vni: "300", nettype: "managed" } }),
  // @ts-expect-error: a network type is "managed" or "bridged"
  client.network.add({ params: { network: "n" }, query: { vni: 300, nettype: "routed" } }),
  // @ts-expect-error: an ACL order is a number
  client.network.aclAdd({ params: { network: "n", acl: "a" }, query: { direction: "in", rule: "r", order: "1" } }),
  // @ts-expect-error: a direction is "in" or "out"
  client.network.acls({ params: { network: "n" }, query: { direction: "sideways" } }),
  // @ts-expect-error: pgs is a number
  client.storage.poolAdd({ params: { pool: "p" }, query: { pgs: "64" } }),
  // @ts-expect-error: weight is a number
  client.storage.osdAdd({ params: { node: "hv1" }, query: { device: "/dev/sdb", weight: "1.0" } }),
  // @ts-expect-error: not a `ceph osd set` option
  client.storage.osdSet({ query: { option: "nosuchflag" } }),
  // @ts-expect-error: not a VM state
  client.vm.list({ query: { state: "running" } }),
  // @ts-expect-error: not a selector
  client.vm.move({ params: { vm: "web1" }, query: { selector: "random" } })
]

/** Response VNIs and orders stay strings (2019 compatibility, docs/acl-order.md). */
export const responseChecks = (client: Client) =>
  Effect.map(client.network.get({ params: { network: "100" } }), (rows) => {
    const vni: string = rows[0]!.vni
    return vni
  })

describe("typed request values, string wire", () => {
  let api: Api
  beforeAll(async () => {
    api = await startApi({ entities: demoCluster() })
  })
  afterAll(async () => {
    await api.close()
  })

  it("encodeRequest sends numbers as their decimal strings and leaves the rest", () => {
    assert.deepStrictEqual(
      encodeRequest({ params: { network: "n" }, query: { vni: 300, nettype: "managed", domain: undefined } }),
      { params: { network: "n" }, query: { vni: "300", nettype: "managed", domain: undefined } }
    )
    assert.deepStrictEqual(encodeRequest({ params: { vm: "x" } }), { params: { vm: "x" } })
    assert.strictEqual(encodeRequest(undefined), undefined)
  })

  it("a numeric VNI and ACL order reach the server and come back as strings", async () => {
    const exit = await Effect.runPromiseExit(Effect.gen(function*() {
      const client = yield* PvcClient
      yield* client.network.add({ params: { network: "typed" }, query: { vni: 4242, nettype: "managed" } })
      yield* client.network.aclAdd({ params: { network: "4242", acl: "typed-acl" }, query: { direction: "in", rule: "drop", order: 0 } })
      const [network] = yield* client.network.get({ params: { network: "4242" } })
      const acls = yield* client.network.acls({ params: { network: "4242" }, query: { direction: "in" } })
      return { network, acls }
    }).pipe(Effect.provide(layer({ url: api.url }))))
    assert.isTrue(Exit.isSuccess(exit), String(exit))
    const { network, acls } = Exit.isSuccess(exit) ? exit.value : { network: undefined, acls: [] }
    assert.strictEqual(network?.vni, "4242")
    assert.strictEqual(network?.description, "typed")
    const acl = acls.find((a) => a.description === "typed-acl")
    assert.isDefined(acl)
    assert.strictEqual(typeof acl?.order, "string")
  })

  it("the server still validates: a negative VNI is refused with the manual's 510 message", async () => {
    const client = await connect({ url: api.url })
    try {
      const error = await client.network.add({ params: { network: "bad" }, query: { vni: -1, nettype: "managed" } }).then(
        () => undefined,
        (e: unknown) => e
      )
      assert.instanceOf(error, PvcFailure)
      assert.match(error instanceof PvcFailure ? error.message : "", /'-1'.*vni/)
    } finally {
      await client.close()
    }
  })
})
