import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { connect, Unreachable } from "@pvc/client"
import { demoCluster } from "@pvc/testkit"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Api, startApi } from "../../http/test/support/Harness.ts"
import { pvc } from "./support.ts"

describe("client and pvc over HTTPS", () => {
  let api: Api
  let dir: string
  let ca: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pvc-cli-tls-"))
    ca = join(dir, "cert.pem")
    const key = join(dir, "key.pem")
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", ca
    ], { stdio: "ignore" })
    api = await startApi({
      entities: demoCluster(),
      tls: { cert: readFileSync(ca), key: readFileSync(key) },
      config: { ssl: { enabled: true, certFile: ca, keyFile: key } }
    })
  })
  afterAll(async () => {
    await api.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it("the client trusts the given CA, accepts anything when insecure, and refuses an unknown certificate", async () => {
    assert.match(api.url, /^https:/)
    for (const options of [{ caFile: ca }, { insecure: true }]) {
      const client = await connect({ url: api.url, ...options })
      try {
        assert.include((await client.vm.list({ query: {} })).map((vm) => vm.name), "web1")
      } finally {
        await client.close()
      }
    }
    const untrusting = await connect({ url: api.url })
    try {
      const error = await untrusting.vm.list({ query: {} }).then(() => undefined, (e: unknown) => e)
      assert.instanceOf(error, Unreachable)
    } finally {
      await untrusting.close()
    }
    const noCa = await connect({ url: api.url, caFile: join(dir, "missing.pem") }).then(() => undefined, (e: unknown) => e)
    assert.instanceOf(noCa, Unreachable)
  })

  it("pvc: --ca-file / PVC_CA_FILE / --insecure; an untrusted certificate is exit 3", async () => {
    assert.strictEqual((await pvc(["--url", api.url, "--ca-file", ca, "node", "list"])).code, 0)
    assert.strictEqual((await pvc(["--url", api.url, "node", "list"], { PVC_CA_FILE: ca })).code, 0)
    assert.strictEqual((await pvc(["--url", api.url, "--insecure", "node", "list"])).code, 0)
    const untrusted = await pvc(["--url", api.url, "node", "list"])
    assert.strictEqual(untrusted.code, 3)
    assert.match(untrusted.stderr, /^pvc: cannot reach the API at https:/)
  })
})
