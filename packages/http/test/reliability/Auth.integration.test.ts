import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { createHmac } from "node:crypto"
import { testZk } from "../../../adapters-zk/test/support.ts"
import { makeTokenMatcher } from "../../src/auth/Tokens.ts"
import { run, type Run, waitFor, writeConfig } from "../support/Process.ts"
import { isMessage, type RawReply, seededChroot, send } from "./support.ts"

const TOKEN = "Rel1able-tokén-4f9c2a"
const SECRET = "reliability-secret-key"
const ADMIN_ONLY = /"name":"vm0000/ // VM data in a body: must only ever follow a real credential

/** A spawned `main.ts` on its own chroot, authentication enabled, logging at Trace. */
let api: Run
let url: string
beforeAll(async () => {
  const chroot = await seededChroot()
  const [first, ...rest] = testZk().split(",")
  const config = writeConfig(
    `pvc:\n  coordinators:\n    - ${[first, ...rest].join("\n    - ")}${chroot}\n` +
      `  api:\n    listen_address: 127.0.0.1\n    listen_port: 0\n` +
      `    authentication:\n      enabled: true\n      secret_key: "${SECRET}"\n      tokens:\n        - description: admin\n          token: "${TOKEN}"\n`
  )
  api = run(["--config", config], { PVC_LOG_LEVEL: "Trace" })
  url = (await waitFor(api, /message=listening address=(\S+)/))[1]!
}, 120_000)
afterAll(() => void api?.child.kill("SIGTERM"))

const get = (path: string, headers: Record<string, string> = {}) => send(url, "GET", path, { headers, agent: false })
const refused = (reply: RawReply, what: string) => {
  assert.include([401, 404, 405], reply.status, `${what}: ${reply.status} ${reply.text.slice(0, 200)}`)
  assert.notMatch(reply.text, ADMIN_ONLY, what)
  if (reply.status !== 405 || reply.text !== "") assert.isTrue(isMessage(reply.text), `${what}: ${reply.text.slice(0, 200)}`)
}
const sessionOf = (reply: RawReply): string => {
  const cookie = ([] as Array<string>).concat(reply.headers["set-cookie"] ?? [])[0] ?? ""
  return cookie.split(";")[0]!.replace(/^pvc_session=/, "")
}
const login = async () => sessionOf(await send(url, "POST", "/api/v1/auth/login", { body: `token=${encodeURIComponent(TOKEN)}`, agent: false }))

describe("authentication cannot be bypassed", () => {
  it("the right token works (so the refusals below mean something)", async () => {
    const reply = await get(`/api/v1/vm?token=${encodeURIComponent(TOKEN)}`)
    assert.strictEqual(reply.status, 200)
    assert.match(reply.text, ADMIN_ONLY)
  })

  const NEAR_MISSES = [
    "", " ", TOKEN.slice(0, 1), TOKEN.slice(0, -1), `${TOKEN}x`, `${TOKEN} `, ` ${TOKEN}`, `${TOKEN}\u0000`,
    `${TOKEN}\n`, TOKEN.toUpperCase(), TOKEN.toLowerCase(), TOKEN.normalize("NFD"), TOKEN.replace("e", "\u0435"),
    TOKEN.replace("R", "\uff32"), TOKEN.replace("1", "l"), `${TOKEN}${TOKEN}`, TOKEN.split("").reverse().join(""),
    encodeURIComponent(TOKEN), "*", "%", "null", "undefined", "true", "[object Object]"
  ]
  it(`${NEAR_MISSES.length} near-miss tokens, in the query and in a form, are refused`, async () => {
    for (const token of NEAR_MISSES) {
      refused(await get(`/api/v1/vm?token=${encodeURIComponent(token)}`), `query token ${JSON.stringify(token)}`)
      refused(await send(url, "POST", "/api/v1/vm/vm00001/stop", { body: `token=${encodeURIComponent(token)}`, agent: false }), `form token ${JSON.stringify(token)}`)
      refused(await get(`/api/v1/vm?token=${encodeURIComponent(token)}&token=${encodeURIComponent(TOKEN)}`), `duplicate token, first ${JSON.stringify(token)}`)
    }
  })

  it("credentials in other places count for nothing", async () => {
    for (const headers of [{ authorization: `Bearer ${TOKEN}` }, { "x-api-key": TOKEN }, { token: TOKEN }, { cookie: `token=${TOKEN}` }]) {
      refused(await get("/api/v1/vm", headers), JSON.stringify(headers))
    }
  })

  const PATHS = [
    "//api/v1/vm", "/api/v1//vm", "/api/v1/vm/", "/api/v1/./vm", "/api/v1/%2e%2e/v1/vm", "/api/v1/vm%2f", "/api/v1/%76m",
    "/API/v1/vm", "/api/V1/vm", "/api/v1/VM", "/api/v1/vm;token=x", "/api/v1/vm%00", "/api/v1/vm%20", "/api/v1/openapi.json/../vm",
    "/api/v1/auth/login/../../v1/vm", "/api/v1/auth/login/%2e%2e/%2e%2e/vm", "/api/v1/vm/vm00001/../../vm", "/api/v1/vm#x",
    "/api/v1/vm?", "/./api/v1/vm", "/api/v1/vm/%2e", "/api/v1/vm/vm00001%2fstop", "/api/v1/vm/vm00001/stop/"
  ]
  it(`${PATHS.length} path tricks × GET/POST/HEAD/OPTIONS never reach data or a write`, async () => {
    for (const path of PATHS) {
      for (const method of ["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"]) {
        const reply = await send(url, method, path, { agent: false })
        assert.notInclude([200, 201, 204, 209], reply.status === 209 ? 0 : reply.status, `${method} ${path}: ${reply.status} ${reply.text.slice(0, 200)}`)
        if (method !== "HEAD") refused(reply, `${method} ${path}`)
      }
    }
    const [vm] = JSON.parse((await get(`/api/v1/vm/vm00001?token=${encodeURIComponent(TOKEN)}`)).text) as Array<{ state: string }>
    assert.strictEqual(vm!.state, "start", "no path trick stopped the VM")
  })

  it("a session cookie works; tampered, expired and logged-out cookies do not", async () => {
    const session = await login()
    assert.match(session, /^\d+\.[\w-]+\.[\w-]+$/)
    assert.strictEqual((await get("/api/v1/vm", { cookie: `pvc_session=${session}` })).status, 200)
    const [expiry, nonce, signature] = session.split(".") as [string, string, string]
    const sign = (payload: string) => createHmac("sha256", SECRET).update(payload).digest("base64url")
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1)
    const forged = [
      "", ".", "..", `${expiry}.${nonce}`, `${expiry}.${nonce}.`, `${expiry}.${nonce}.${signature}.x`,
      `${Number(expiry) + 1000}.${nonce}.${signature}`, `${expiry}.${flip(nonce, 0)}.${signature}`,
      `${expiry}.${nonce}.${flip(signature, 3)}`, `${expiry}.${nonce}.${signature.toUpperCase()}`,
      // (surrounding spaces are not padding: cookie parsing trims them, RFC 6265)
      `${session}x`, `x${session}`, `${session}%00`, `${expiry}.${nonce}.${signature.slice(0, -1)}`,
      // signed with the right key but expired
      `${Math.floor(Date.now() / 1000) - 1}.${nonce}.${sign(`${Math.floor(Date.now() / 1000) - 1}.${nonce}`)}`,
      // signed with the right key but not a number of seconds
      `1e99.${nonce}.${sign(`1e99.${nonce}`)}`, `-1.${nonce}.${sign(`-1.${nonce}`)}`,
      // signed with another key
      `${expiry}.${nonce}.${createHmac("sha256", "other").update(`${expiry}.${nonce}`).digest("base64url")}`
    ]
    for (const cookie of forged) refused(await get("/api/v1/vm", { cookie: `pvc_session=${cookie}` }), `cookie ${cookie}`)
    const logout = await send(url, "POST", "/api/v1/auth/logout", { headers: { cookie: `pvc_session=${session}` }, agent: false })
    assert.isBelow(logout.status, 400)
    refused(await get("/api/v1/vm", { cookie: `pvc_session=${session}` }), "cookie replayed after logout")
    const other = await login()
    assert.strictEqual((await get("/api/v1/vm", { cookie: `pvc_session=${other}` })).status, 200, "other sessions live on")
  })

  it("no token or cookie value ever reaches the log (Trace level)", async () => {
    const session = await login()
    await get("/api/v1/vm", { cookie: `pvc_session=${session}` })
    await get(`/api/v1/vm?token=${encodeURIComponent(TOKEN)}&limit=((`)
    await send(url, "POST", "/api/v1/vm/vm00001/define", { body: `token=${encodeURIComponent(TOKEN)}&xml=<bad`, agent: false })
    await send(url, "POST", "/api/v1/auth/login", { body: `token=${encodeURIComponent(`${TOKEN}x`)}`, agent: false })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const log = api.output()
    assert.match(log, /path=\/api\/v1\/vm/, "requests are logged")
    for (const secret of [TOKEN, encodeURIComponent(TOKEN), session, session.split(".")[2]!, SECRET]) {
      assert.notInclude(log, secret)
    }
  })
})

describe("token comparison is constant-time", () => {
  // The matcher hashes every candidate and compares fixed-length digests against every token; the
  // figure checked here is that a near-miss (same prefix) takes no longer than an unrelated value.
  it("a candidate sharing a long prefix is not slower to refuse than an unrelated one", () => {
    const match = makeTokenMatcher([{ description: "a", token: "x".repeat(64) }, { description: "b", token: TOKEN }])
    const near = `${"x".repeat(63)}y`
    const far = "y".repeat(64)
    const time = (candidate: string) => {
      const start = process.hrtime.bigint()
      for (let i = 0; i < 2_000; i++) match(candidate)
      return Number(process.hrtime.bigint() - start)
    }
    const nearTimes: Array<number> = []
    const farTimes: Array<number> = []
    for (let round = 0; round < 41; round++) {
      nearTimes.push(time(near))
      farTimes.push(time(far))
    }
    const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[20]!
    const ratio = median(nearTimes) / median(farTimes)
    console.log(`token timing: near/far median ratio ${ratio.toFixed(3)}`)
    assert.isTrue(ratio > 0.7 && ratio < 1.3, `ratio ${ratio}`)
    assert.isFalse(match(near))
    assert.isTrue(match(TOKEN))
  })
})
