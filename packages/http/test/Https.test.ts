import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { request } from "node:https"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { startApi } from "./support/Harness.ts"

const selfSigned = () => {
  const dir = mkdtempSync(join(tmpdir(), "pvc-tls-"))
  const cert = join(dir, "cert.pem")
  const key = join(dir, "key.pem")
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert
  ], { stdio: "ignore" })
  return { certFile: cert, keyFile: key, cert: readFileSync(cert), key: readFileSync(key) }
}

const get = (url: string, ca: Buffer, method = "GET") =>
  new Promise<{ status: number; text: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(url, { ca, method }, (res) => {
      let text = ""
      res.setEncoding("utf8")
      res.on("data", (c: string) => (text += c))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }))
    })
    req.on("error", reject)
    req.end()
  })

describe("HTTPS", () => {
  it("serves the API with the configured certificate and key; session cookies are Secure", async () => {
    const tls = selfSigned()
    const api = await startApi({
      tls: { cert: tls.cert, key: tls.key },
      config: {
        ssl: { enabled: true, certFile: tls.certFile, keyFile: tls.keyFile },
        auth: { enabled: true, secretKey: "k", tokens: [{ description: "", token: "t0k3n" }] }
      }
    })
    try {
      assert.match(api.url, /^https:/)
      const root = await get(`${api.url}/api/v1`, tls.cert)
      assert.strictEqual(root.status, 209)
      assert.deepStrictEqual(JSON.parse(root.text), { message: "PVC API version 1.0" })
      const nodes = await get(`${api.url}/api/v1/node?token=t0k3n`, tls.cert)
      assert.strictEqual(nodes.status, 200)
      const login = await get(`${api.url}/api/v1/auth/login?token=t0k3n`, tls.cert, "POST")
      assert.strictEqual(login.status, 302)
      assert.match(String(login.headers["set-cookie"]), /; Secure/)
      const plain = await fetch(`${api.url.replace("https", "http")}/api/v1`).then(() => "answered", () => "refused")
      assert.strictEqual(plain, "refused")
    } finally {
      await api.close()
    }
  })
})
