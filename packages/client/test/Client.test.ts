import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { demoCluster, domainXml } from "@pvc/testkit"
import { Effect, Exit } from "effect"
import { createServer, type Server } from "node:net"
import { type Api, startApi } from "../../http/test/support/Harness.ts"
import { AuthFailure, type ClientOptions, connect, layer, NoSuchEndpoint, PvcClient, PvcFailure, Unreachable } from "../src/index.ts"

const TOKEN = "client-test-token"
const run = <A, E>(options: ClientOptions, body: (client: PvcClient["Service"]) => Effect.Effect<A, E>) =>
  Effect.runPromiseExit(Effect.flatMap(Effect.service(PvcClient), body).pipe(Effect.provide(layer(options))))
const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  const error = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail") : undefined
  assert.isDefined(error, String(exit))
  return (error as { error: E }).error
}

describe("PvcClient over real HTTP", () => {
  let api: Api
  let secured: Api
  beforeAll(async () => {
    api = await startApi({ entities: demoCluster() })
    secured = await startApi({
      entities: demoCluster(),
      config: { auth: { enabled: true, secretKey: "a-long-secret-key", tokens: [{ description: "t", token: TOKEN }] } }
    })
  })
  afterAll(async () => {
    await api.close()
    await secured.close()
  })

  it("lists and reads typed values", async () => {
    const exit = await run({ url: api.url }, (client) =>
      Effect.all([client.vm.list({ query: { state: "start" } }), client.vm.get({ params: { vm: "web1" } }), client.network.list({ query: {} })]))
    assert.isTrue(Exit.isSuccess(exit), String(exit))
    const [vms, [web1], networks] = Exit.isSuccess(exit) ? exit.value : [[], [], []]
    assert.includeMembers(vms.map((vm) => vm.name), ["web1", "web2", "db1"])
    assert.notInclude(vms.map((vm) => vm.name), "mail1")
    assert.strictEqual(web1?.node, "hv1")
    assert.isAbove(networks.length, 0)
  })

  it("sends POST values as a form body: a 40 kB domain XML defines a VM", async () => {
    const xml = domainXml({ name: "big1", uuid: "11111111-2222-4333-8444-555555555556", memoryMiB: 512, vcpus: 1 })
      .replace("</domain>", `<!-- ${"x".repeat(40_000)} -->\n</domain>`)
    const exit = await run({ url: api.url }, (client) => client.vm.define({ params: { vm: "big1" }, query: { xml, node: "hv2" } }))
    assert.isTrue(Exit.isSuccess(exit), String(exit))
    assert.match(Exit.isSuccess(exit) ? exit.value.message : "", /Added new VM 'big1'/)
  })

  it("a 510 is a PvcFailure carrying the API's message", async () => {
    const error = failureOf(await run({ url: api.url }, (client) => client.vm.start({ params: { vm: "nope" } })))
    assert.instanceOf(error, PvcFailure)
    assert.strictEqual(error.message, "VM 'nope' not found.")
  })

  it("a token authenticates; without it a 401 is an AuthFailure", async () => {
    const denied = failureOf(await run({ url: secured.url }, (client) => client.node.list({ query: {} })))
    assert.instanceOf(denied, AuthFailure)
    assert.strictEqual(denied.message, "Authentication required")
    const exit = await run({ url: secured.url, token: TOKEN }, (client) => client.node.primary({ params: { node: "hv2" } }))
    assert.isTrue(Exit.isSuccess(exit), String(exit))
  })

  it("a wrong base URL is NoSuchEndpoint; a closed port is Unreachable", async () => {
    const wrong = failureOf(await run({ url: `${api.url}/elsewhere` }, (client) => client.vm.list({ query: {} })))
    assert.instanceOf(wrong, NoSuchEndpoint)
    assert.strictEqual(wrong.status, 404)
    const closed = failureOf(await run({ url: "http://127.0.0.1:9" }, (client) => client.vm.list({ query: {} })))
    assert.instanceOf(closed, Unreachable)
    assert.match(closed.message, /ECONNREFUSED/)
  })

  it("a server that never answers is Unreachable after the timeout", async () => {
    const silent: Server = createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve))
    const port = (silent.address() as { port: number }).port
    const error = failureOf(await run({ url: `http://127.0.0.1:${port}`, timeoutMs: 300 }, (client) => client.node.list({ query: {} })))
    silent.close()
    assert.instanceOf(error, Unreachable)
    assert.match(error.message, /no answer within 300 ms/)
  })

  it("the promise façade: same methods, rejections are the typed failures", async () => {
    const client = await connect({ url: api.url })
    try {
      const nodes = await client.node.list({ query: {} })
      assert.deepStrictEqual(nodes.map((n) => n.name).sort(), ["hv1", "hv2", "hv3"])
      const rejected = await client.vm.start({ params: { vm: "nope" } }).then(() => undefined, (e: unknown) => e)
      assert.instanceOf(rejected, PvcFailure)
    } finally {
      await client.close()
    }
  })
})
