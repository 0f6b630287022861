import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { connect, type Socket } from "node:net"
import { seedDomainXml } from "../../../adapters-zk/src/Bootstrap.ts"
import { BILLION_LAUGHS, deepXml, EXTERNAL_ENTITY } from "./Fuzz.ts"
import { isMessage, json, seededChroot, send, startZkApi, type ZkApi } from "./support.ts"

const form = (values: Record<string, string>) => new URLSearchParams(values).toString()
const domain = (name: string, uuid: string, padding = 0) =>
  seedDomainXml(name, uuid, 512, 1, "vms/limits_disk0", "52:54:00:fe:00:02", 100)
    .replace("</description>", `${"x".repeat(padding)}</description>`)

let api: ZkApi
beforeAll(async () => {
  api = await startZkApi({
    chroot: await seededChroot(["--nodes", "3", "--vms", "300"]),
    timeouts: { headersMs: 2_000, requestMs: 5_000 }
  })
}, 120_000)
afterAll(() => api.close())

describe("request size", () => {
  it("a domain XML of 900 KiB is defined and dumped whole", async () => {
    const xml = domain("bigxml", "0badc0de-0000-4000-8000-000000000001", 900 * 1024)
    const reply = await send(api.url, "POST", "/api/v1/vm/bigxml/define", { body: form({ xml, node: "hv1" }) })
    assert.strictEqual(reply.status, 200, reply.text.slice(0, 300))
    const dump = await send(api.url, "GET", "/api/v1/vm/bigxml/dump")
    assert.strictEqual(dump.status, 200)
    assert.isAbove(dump.text.length, 900 * 1024)
  })

  it("a domain XML bigger than a ZooKeeper value can hold is refused with a message", async () => {
    const xml = domain("hugexml", "0badc0de-0000-4000-8000-000000000002", 2 * 1024 * 1024)
    const reply = await send(api.url, "POST", "/api/v1/vm/hugexml/define", { body: form({ xml, node: "hv1" }) })
    assert.strictEqual(reply.status, 510, reply.text.slice(0, 300))
    assert.isTrue(isMessage(reply.text), reply.text.slice(0, 300))
    assert.deepStrictEqual(json((await send(api.url, "GET", "/api/v1/vm/hugexml")).text), [])
  })

  it("a body over the 16 MiB limit is refused quickly with a message", async () => {
    const started = performance.now()
    const reply = await send(api.url, "POST", "/api/v1/vm/x/define", { body: `xml=${"a".repeat(17 * 1024 * 1024)}`, agent: false })
    assert.strictEqual(reply.status, 510)
    assert.isTrue(isMessage(reply.text), reply.text)
    assert.isBelow(performance.now() - started, 5_000)
  })
})

describe("hostile XML", () => {
  const CASES = {
    "billion laughs": BILLION_LAUGHS,
    "external entity": EXTERNAL_ENTITY,
    "nesting 100000 deep": deepXml(100_000),
    "nesting 1000 deep": deepXml(1_000),
  }
  for (const [what, xml] of Object.entries(CASES)) {
    it(`${what}: refused with a message, quickly, for define and modify`, async () => {
      for (const path of ["/api/v1/vm/hostile/define", "/api/v1/vm/vm00001/modify"]) {
        const started = performance.now()
        const reply = await send(api.url, "POST", path, { body: form({ xml, node: "hv1" }) })
        const millis = performance.now() - started
        console.log(`limits: ${what} ${path} -> ${reply.status} in ${millis.toFixed(0)} ms`)
        assert.strictEqual(reply.status, 510, reply.text.slice(0, 300))
        assert.isTrue(isMessage(reply.text))
        assert.notInclude(reply.text, "root:x:0:0")
        assert.isBelow(millis, 1_000)
      }
    })
  }
})

it("10000 attributes (well-formed, merely large): answered quickly either way", async () => {
  const xml = `<domain type="kvm" ${Array.from({ length: 10_000 }, (_, i) => `a${i}="x"`).join(" ")}><name>attrs</name></domain>`
  const reply = await send(api.url, "POST", "/api/v1/vm/attrs/define", { body: form({ xml, node: "hv1" }) })
  console.log(`limits: 10000 attributes -> ${reply.status} in ${reply.millis.toFixed(0)} ms`)
  assert.include([200, 510], reply.status)
  assert.isTrue(isMessage(reply.text))
  assert.isBelow(reply.millis, 2_000)
})

describe("pathological limit patterns", () => {
  const PATTERNS = ["(a+)+$", "(.*a){25}", "^(a|a?)+$", "(x+x+)+y", "((a*)*)*b", "(\\w+\\s?)+$", "(.*){1000}", "([a-z0-9]+)*[A-Z]$", "(vm0+)+1$"]
  it(`${PATTERNS.length} patterns over 300 VMs (and nodes, networks) each answer in about 100 ms`, async () => {
    for (const pattern of PATTERNS) {
      for (const path of ["/api/v1/vm", "/api/v1/node", "/api/v1/network", "/api/v1/storage/ceph/volume"]) {
        const times: Array<number> = []
        for (let i = 0; i < 5; i++) {
          const reply = await send(api.url, "GET", `${path}?limit=${encodeURIComponent(pattern)}`)
          times.push(reply.millis)
          assert.include([200, 510], reply.status)
        }
        const median = times.sort((a, b) => a - b)[2]!
        if (path === "/api/v1/vm") console.log(`limits: limit=${pattern} on ${path}: median ${median.toFixed(1)} ms`)
        assert.isBelow(median, 250, `${pattern} on ${path}`)
      }
    }
  })
})

/** A raw socket that sends `head` and then one byte every `everyMs`, never finishing. */
const trickle = (url: string, head: string, everyMs: number) => {
  const { hostname, port } = new URL(url)
  const socket: Socket = connect(Number(port), hostname)
  let closedAt: number | undefined
  let answer = ""
  const opened = performance.now()
  socket.on("data", (d) => (answer += String(d)))
  socket.on("close", () => (closedAt = performance.now() - opened))
  socket.on("error", () => {})
  socket.write(head)
  const timer = setInterval(() => socket.writable && socket.write("a"), everyMs)
  return {
    closedAfter: () => closedAt,
    answer: () => answer,
    stop: () => {
      clearInterval(timer)
      socket.destroy()
    }
  }
}

describe("slow clients", () => {
  it("300 slow-header and 100 slow-body clients do not starve others, and are cut off by the timeouts", async () => {
    const slowHeaders = Array.from({ length: 300 }, () => trickle(api.url, "GET /api/v1/vm HTTP/1.1\r\nHost: x\r\nX-Slow: ", 200))
    const slowBodies = Array.from({ length: 100 }, () =>
      trickle(api.url, "POST /api/v1/vm/vm00001/define HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nxml=", 200))
    try {
      await new Promise((resolve) => setTimeout(resolve, 500))
      const times: Array<number> = []
      for (let i = 0; i < 40; i++) {
        const reply = await send(api.url, "GET", i % 2 === 0 ? "/api/v1/node" : "/api/v1/vm/vm00002")
        assert.strictEqual(reply.status, 200)
        times.push(reply.millis)
      }
      const slowest = Math.max(...times)
      console.log(`limits: 400 slow clients held; other requests: slowest ${slowest.toFixed(0)} ms`)
      assert.isBelow(slowest, 2_000)
      await new Promise((resolve) => setTimeout(resolve, 7_500))
      const headerCut = slowHeaders.map((c) => c.closedAfter())
      const bodyCut = slowBodies.map((c) => c.closedAfter())
      console.log(`limits: slow headers closed after ≤ ${Math.max(...headerCut.map((t) => t ?? Infinity)).toFixed(0)} ms, ` +
        `slow bodies after ≤ ${Math.max(...bodyCut.map((t) => t ?? Infinity)).toFixed(0)} ms`)
      assert.isTrue(headerCut.every((t) => t !== undefined && t < 4_500), "slow headers cut within headersTimeout + check interval")
      assert.isTrue(bodyCut.every((t) => t !== undefined && t < 7_500), "slow bodies cut within requestTimeout + check interval")
    } finally {
      for (const c of [...slowHeaders, ...slowBodies]) c.stop()
    }
  }, 60_000)
})
