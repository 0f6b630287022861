import { demoCluster } from "@pvc/testkit"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { type Api, call, getWithForm, messageOf, startApi } from "./support/Harness.ts"

const TOKEN = "6f1c0b1e-8a55-4b0c-9a57-3f5d2c1e9b77"
const OTHER = "0a0b0c0d-1111-2222-3333-444455556666"

const sessionCookie = (setCookie: string | null): string => {
  assert.isNotNull(setCookie)
  const [pair] = setCookie!.split(";")
  return pair!
}

describe("authentication enabled", () => {
  let api: Api
  beforeAll(async () => {
    api = await startApi({
      entities: demoCluster(),
      config: {
        auth: {
          enabled: true,
          secretKey: "a-long-secret-key",
          tokens: [{ description: "admin", token: TOKEN }, { description: "webui", token: OTHER }]
        }
      }
    })
  })
  afterAll(() => api.close())

  it("GET /api/v1 stays open", async () => {
    assert.strictEqual((await call(api, "GET", "/api/v1")).status, 209)
  })

  it("no token: 401 Authentication required", async () => {
    const reply = await call(api, "GET", "/api/v1/node")
    assert.strictEqual(reply.status, 401)
    assert.deepStrictEqual(reply.body, { message: "Authentication required" })
  })

  it("wrong, partial, extended and empty tokens: 401 Authentication failed", async () => {
    for (const token of ["nope", TOKEN.slice(0, 10), `${TOKEN}x`, "", TOKEN.toUpperCase()]) {
      const reply = await call(api, "GET", `/api/v1/node?token=${encodeURIComponent(token)}`)
      assert.strictEqual(reply.status, 401, token)
      assert.deepStrictEqual(reply.body, { message: "Authentication failed" })
    }
  })

  it("the one-time token value works in the query string and in the form body, for any of the tokens", async () => {
    assert.strictEqual((await call(api, "GET", `/api/v1/node?token=${TOKEN}`)).status, 200)
    assert.strictEqual((await getWithForm(api, "/api/v1/node", { token: OTHER })).status, 200)
    const post = await call(api, "POST", "/api/v1/node/hv3/flush", { form: { token: TOKEN } })
    assert.strictEqual(post.status, 200)
  })

  it("a failing call behind a valid token still answers 510", async () => {
    const reply = await call(api, "POST", `/api/v1/vm/nope/start?token=${TOKEN}`)
    assert.strictEqual(reply.status, 510)
    assert.strictEqual(messageOf(reply), "VM 'nope' not found.")
  })

  it("GET login shows an HTML form", async () => {
    const reply = await call(api, "GET", "/api/v1/auth/login")
    assert.strictEqual(reply.status, 200)
    assert.match(reply.contentType ?? "", /text\/html/)
    assert.include(reply.text, "name=\"token\"")
  })

  it("POST login with a wrong or missing token: 401 Authentication failed, no cookie", async () => {
    for (const form of [{ token: "bad" }, {}]) {
      const reply = await call(api, "POST", "/api/v1/auth/login", { form })
      assert.strictEqual(reply.status, 401)
      assert.deepStrictEqual(reply.body, { message: "Authentication failed" })
      assert.isNull(reply.headers.get("set-cookie"))
    }
  })

  it("session: login sets a signed HttpOnly cookie and redirects; the cookie authenticates; logout ends it", async () => {
    const login = await call(api, "POST", "/api/v1/auth/login", { form: { token: TOKEN } })
    assert.strictEqual(login.status, 302)
    assert.strictEqual(login.headers.get("location"), "/api/v1")
    const setCookie = login.headers.get("set-cookie")
    assert.match(setCookie ?? "", /HttpOnly/i)
    assert.match(setCookie ?? "", /SameSite=Lax/i)
    assert.notMatch(setCookie ?? "", /Secure/)
    const cookie = sessionCookie(setCookie)
    assert.strictEqual((await call(api, "GET", "/api/v1/vm", { headers: { cookie } })).status, 200)
    // A valid session is enough even with a wrong token value (the token is only checked without one).
    assert.strictEqual((await call(api, "GET", "/api/v1/vm?token=bad", { headers: { cookie } })).status, 200)
    const logout = await call(api, "POST", "/api/v1/auth/logout", { headers: { cookie } })
    assert.strictEqual(logout.status, 200)
    assert.match(logout.headers.get("set-cookie") ?? "", /Max-Age=0|Expires=Thu, 01 Jan 1970/i)
    assert.strictEqual((await call(api, "GET", "/api/v1/vm", { headers: { cookie } })).status, 401)
  })

  it("GET logout works too", async () => {
    const login = await call(api, "POST", "/api/v1/auth/login", { form: { token: OTHER } })
    const cookie = sessionCookie(login.headers.get("set-cookie"))
    assert.strictEqual((await call(api, "GET", "/api/v1/auth/logout", { headers: { cookie } })).status, 200)
    assert.strictEqual((await call(api, "GET", "/api/v1/vm", { headers: { cookie } })).status, 401)
  })

  it("a tampered or forged cookie does not authenticate", async () => {
    const login = await call(api, "POST", "/api/v1/auth/login", { form: { token: TOKEN } })
    const cookie = sessionCookie(login.headers.get("set-cookie"))
    const [name, value] = cookie.split("=") as [string, string]
    const [expiry, nonce, signature] = value.split(".") as [string, string, string]
    const forged = [
      `${name}=${Number(expiry) + 1000}.${nonce}.${signature}`,
      `${name}=${expiry}.${nonce}x.${signature}`,
      `${name}=${expiry}.${nonce}.${signature.slice(0, -2)}AA`,
      `${name}=${expiry}.${nonce}`,
      `${name}=`
    ]
    for (const bad of forged) {
      const reply = await call(api, "GET", "/api/v1/vm", { headers: { cookie: bad } })
      assert.strictEqual(reply.status, 401, bad)
    }
  })

  it("a cookie signed with another secret does not authenticate", async () => {
    const other = await startApi({
      config: { auth: { enabled: true, secretKey: "another-secret", tokens: [{ description: "", token: TOKEN }] } }
    })
    const login = await call(other, "POST", "/api/v1/auth/login", { form: { token: TOKEN } })
    await other.close()
    const cookie = sessionCookie(login.headers.get("set-cookie"))
    assert.strictEqual((await call(api, "GET", "/api/v1/vm", { headers: { cookie } })).status, 401)
  })

  it("the OpenAPI document declares both security schemes", async () => {
    const doc = (await call(api, "GET", "/api/v1/openapi.json")).body as {
      components: { securitySchemes: Record<string, { type: string; in: string; name: string }> }
    }
    const schemes = Object.values(doc.components.securitySchemes).map((s) => `${s.in}:${s.name}`).sort()
    assert.deepStrictEqual(schemes, ["cookie:pvc_session", "query:token"])
  })
})
