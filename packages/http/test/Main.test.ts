import { assert, describe, it } from "@effect/vitest"
import { run, waitFor, writeConfig } from "./support/Process.ts"

describe("main (the composition root)", () => {
  it("a config with no coordinators serves the embedded demo cluster, logs per request, stops on SIGTERM", async () => {
    const config = writeConfig("pvc:\n  coordinators: []\n  api:\n    listen_address: 127.0.0.1\n    listen_port: 0\n")
    const api = run(["--config", config])
    try {
      await waitFor(api, /store="embedded in-memory demo cluster/)
      const [, address] = await waitFor(api, /message=listening address=(\S+)/)
      const reply = await fetch(`${address}/api/v1/node?token=secret-must-not-be-logged`)
      assert.strictEqual(reply.status, 200)
      assert.strictEqual(((await reply.json()) as Array<unknown>).length, 3)
      const line = (await waitFor(api, /message=request .*path=\/api\/v1\/node.*/))[0]
      assert.match(line, /method=GET/)
      assert.match(line, /status=200/)
      assert.match(line, /duration_ms=\d+/)
      assert.notInclude(api.output(), "secret-must-not-be-logged")
      api.child.kill("SIGTERM")
      assert.strictEqual(await api.exited, 0)
    } finally {
      api.child.kill("SIGKILL")
    }
  })

  it("PVC_CONFIG_FILE is read too; a bad file is refused at start naming the bad key", async () => {
    const config = writeConfig("pvc:\n  api:\n    listen_address: 127.0.0.1\n    listen_port: nope\n")
    const bad = run([], { PVC_CONFIG_FILE: config })
    assert.strictEqual(await bad.exited, 1)
    assert.include(bad.output(), "pvc.api.listen_port")
  })

  it("a missing file is refused at start", async () => {
    const bad = run(["--config=/nonexistent/pvc-api.yaml"])
    assert.strictEqual(await bad.exited, 1)
    assert.include(bad.output(), "cannot be read")
  })
})
