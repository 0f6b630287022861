import { NAME_MAX_LENGTH } from "@pvc/core"
import {
  demoCluster,
  domainXml,
  makeAcl,
  makeNetwork,
  makeNode,
  makeOsd,
  makePool,
  makeSnapshot,
  makeVm,
  makeVolume
} from "@pvc/testkit"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { declaredRoutes } from "../src/server/RouteTable.ts"
import { type Api, call, startApi } from "./support/Harness.ts"
import { expectFailure, expectOk, getJson, names } from "./support/Routes.ts"

// Issue 13: every name the API accepts is reachable; a route that exists never answers 404.
// The router used to cut path parameters at 100 characters; names it creates are capped at NAME_MAX_LENGTH.

const name = (length: number, prefix = "n") => (prefix + "x".repeat(length)).slice(0, length)
// Three-byte UTF-8 characters: each is nine characters once percent-encoded, the most per UTF-16 unit.
const wide = (length: number) => "€".repeat(length)
const enc = encodeURIComponent

// Around the old router limit, at our cap, and (written by other tools) well beyond it.
const REACHABLE = [100, 101, NAME_MAX_LENGTH, 3000]

const uuidOf = (i: number) => `10000000-0000-4000-8000-${String(i).padStart(12, "0")}`

const seeded = () => [
  ...demoCluster(),
  ...REACHABLE.flatMap((length, i) => [
    makeNode(name(length, "hv")),
    makeVm(name(length, "vm"), uuidOf(i), "hv1"),
    makeOsd(String(10 ** (length > 200 ? 3 : 1)).padEnd(length, "7"), "hv1"),
    makePool(name(length, "pool")),
    makeVolume(name(length, "pool"), name(length, "vol")),
    makeSnapshot(name(length, "pool"), name(length, "vol"), name(length, "snap")),
    makeNetwork(1000 + i, name(length, "net")),
    makeAcl(1000 + i, "in", name(length, "acl"), 0)
  ]),
  // Three names of the cap in non-ASCII: the longest URL the API's own names can make.
  makePool(wide(NAME_MAX_LENGTH)),
  makeVolume(wide(NAME_MAX_LENGTH), wide(NAME_MAX_LENGTH)),
  makeSnapshot(wide(NAME_MAX_LENGTH), wide(NAME_MAX_LENGTH), wide(NAME_MAX_LENGTH))
]

describe("long names", () => {
  let api: Api
  beforeAll(async () => {
    api = await startApi({ entities: seeded() })
  })
  afterAll(() => api.close())

  it("no declared route answers 404 for a 2,000-character segment", async () => {
    const long = name(2000)
    for (const route of declaredRoutes) {
      const path = route.path.split("/").map((s) => (s.startsWith(":") ? long : s)).join("/")
      const reply = await call(api, route.method, path)
      assert.notInclude([404, 405, 500], reply.status, `${route.method} ${route.path}: ${reply.text.slice(0, 200)}`)
    }
  })

  for (const length of REACHABLE) {
    it(`${length}-character names are reachable on every route family`, async () => {
      const i = REACHABLE.indexOf(length)
      const [node, vm, pool, vol, snap, net, acl] = ["hv", "vm", "pool", "vol", "snap", "net", "acl"].map((p) => name(length, p))
      const osd = String(10 ** (length > 200 ? 3 : 1)).padEnd(length, "7")
      assert.deepStrictEqual(names(await getJson(api, `/api/v1/node/${enc(node!)}`)), [node])
      const vms = (await getJson(api, `/api/v1/vm/${enc(vm!)}`)) as Array<Record<string, unknown>>
      assert.deepStrictEqual(names(vms), [vm])
      // Its details are read from its XML whatever the length (the cap applies to what the API writes).
      assert.strictEqual(vms[0]!["memory"], "1024")
      assert.deepStrictEqual(names(await getJson(api, `/api/v1/storage/ceph/osd/${osd}`), "id"), [osd])
      assert.deepStrictEqual(names(await getJson(api, `/api/v1/storage/ceph/pool/${enc(pool!)}`)), [pool])
      assert.deepStrictEqual(names(await getJson(api, `/api/v1/storage/ceph/volume/${enc(pool!)}/${enc(vol!)}`)), [vol])
      assert.deepStrictEqual(
        names(await getJson(api, `/api/v1/storage/ceph/volume/snapshot/${enc(pool!)}/${enc(vol!)}/${enc(snap!)}`), "snapshot"),
        [snap]
      )
      assert.deepStrictEqual(names(await getJson(api, `/api/v1/network/${enc(net!)}`), "vni"), [String(1000 + i)])
      assert.deepStrictEqual(names(await getJson(api, `/api/v1/network/${enc(net!)}/acl/${enc(acl!)}`), "description"), [acl])
      assert.deepStrictEqual(await getJson(api, `/api/v1/network/${enc(net!)}/dhcp/${name(length, "lease")}`), [])
      // Actions reach them too.
      assert.match(await expectOk(api, `/api/v1/node/${enc(node!)}/flush`), /flush/i)
      assert.match(await expectOk(api, `/api/v1/vm/${enc(vm!)}/start`), /start/i)
      await expectOk(api, `/api/v1/storage/ceph/osd/${osd}/out`)
      await expectOk(api, `/api/v1/storage/ceph/volume/snapshot/${enc(pool!)}/${enc(vol!)}/${enc(snap!)}/remove`)
      await expectFailure(api, "POST", `/api/v1/network/${enc(net!)}/dhcp/${name(length, "lease")}/add`, /MAC/i, { ipaddress: "10.0.0.1" })
    })
  }

  it("the longest URL of the API's own names (three non-ASCII names at the cap) is served", async () => {
    const w = enc(wide(NAME_MAX_LENGTH))
    assert.isAbove(`/api/v1/storage/ceph/volume/snapshot/${w}/${w}/${w}`.length, 27_000)
    assert.deepStrictEqual(
      names(await getJson(api, `/api/v1/storage/ceph/volume/snapshot/${w}/${w}/${w}`), "snapshot"),
      [wide(NAME_MAX_LENGTH)]
    )
  })

  it("a name too long for any request line is refused by the HTTP server (431), not answered 404", async () => {
    const reply = await call(api, "GET", `/api/v1/node/${name(70_000)}`)
    assert.strictEqual(reply.status, 431)
  })
})

describe("creation at and beyond the name cap", () => {
  let api: Api
  beforeAll(async () => {
    api = await startApi({ entities: [...demoCluster(), makePool(name(NAME_MAX_LENGTH, "pool")), makeVolume(name(NAME_MAX_LENGTH, "pool"), name(NAME_MAX_LENGTH, "vol"))] })
  })
  afterAll(() => api.close())

  const pool = name(NAME_MAX_LENGTH, "pool")
  const vol = name(NAME_MAX_LENGTH, "vol")
  const tooLong = new RegExp(`longer than ${NAME_MAX_LENGTH} characters`)

  for (const length of [100, 101, NAME_MAX_LENGTH]) {
    it(`${length}-character names are created and then reachable`, async () => {
      const vm = name(length, `vm${length}-`)
      const uuid = uuidOf(50 + length)
      await expectOk(api, "/api/v1/vm/x/define", { xml: domainXml({ name: vm, uuid, memoryMiB: 512, vcpus: 1 }) })
      assert.deepStrictEqual(names(await getJson(api, `/api/v1/vm/${enc(vm)}`)), [vm])
      await expectOk(api, `/api/v1/vm/${enc(vm)}/start`)
      const net = name(length, `net${length}-`)
      await expectOk(api, `/api/v1/network/${enc(net)}/add`, { vni: String(2000 + length), nettype: "bridged" })
      assert.deepStrictEqual(names(await getJson(api, `/api/v1/network/${enc(net)}`), "description"), [net])
      const acl = name(length, `acl${length}-`)
      await expectOk(api, `/api/v1/network/${enc(net)}/acl/${enc(acl)}/add`, { direction: "out", rule: "accept" })
      assert.deepStrictEqual(names(await getJson(api, `/api/v1/network/${enc(net)}/acl/${enc(acl)}`), "description"), [acl])
      await expectOk(api, `/api/v1/network/${enc(net)}/acl/${enc(acl)}/remove`)
      // Ceph creations are sent to Ceph (recorded here) once the name passes.
      await expectOk(api, `/api/v1/storage/ceph/pool/${enc(name(length, "p"))}/add`, { pgs: "8" })
      await expectOk(api, `/api/v1/storage/ceph/volume/${enc(pool)}/${enc(name(length, "v"))}/add`, { size: "1G" })
      await expectOk(api, `/api/v1/storage/ceph/volume/snapshot/${enc(pool)}/${enc(vol)}/${enc(name(length, "s"))}/add`)
    })
  }

  it(`names over ${NAME_MAX_LENGTH} characters are refused with a 510 on every creation`, async () => {
    const over = NAME_MAX_LENGTH + 1
    await expectFailure(api, "POST", "/api/v1/vm/x/define", tooLong, {
      xml: domainXml({ name: name(over, "vm"), uuid: uuidOf(99), memoryMiB: 512, vcpus: 1 })
    })
    await expectFailure(api, "POST", `/api/v1/network/${name(over, "net")}/add`, tooLong, { vni: "3999", nettype: "bridged" })
    await expectFailure(api, "POST", `/api/v1/network/cluster-net/acl/${name(over, "acl")}/add`, tooLong, { direction: "in", rule: "accept" })
    await expectFailure(api, "POST", `/api/v1/storage/ceph/pool/${name(over, "p")}/add`, tooLong, { pgs: "8" })
    await expectFailure(api, "POST", `/api/v1/storage/ceph/volume/${enc(pool)}/${name(over, "v")}/add`, tooLong, { size: "1G" })
    await expectFailure(api, "POST", `/api/v1/storage/ceph/volume/snapshot/${enc(pool)}/${enc(vol)}/${name(over, "s")}/add`, tooLong)
    const vms = (await getJson(api, "/api/v1/vm")) as Array<Record<string, unknown>>
    assert.isFalse(vms.some((v) => String(v["name"]).length > NAME_MAX_LENGTH))
  })
})
