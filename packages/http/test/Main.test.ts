import { assert, describe, it } from "@effect/vitest"
import { readFileSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:net"
import { dirname, join } from "node:path"
import { type Run, run, waitFor, writeConfig } from "./support/Process.ts"

const SAMPLE = readFileSync(new URL("./fixtures/pvc-api.sample.yaml", import.meta.url), "utf8")
const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version

const EMBEDDED = "pvc:\n  coordinators: []\n  api:\n    listen_address: 127.0.0.1\n    listen_port: PORT\n"

/** A refused start: exit code 1, exactly one line saying why, no stack trace. */
const refusedWith = async (api: Run, ...words: ReadonlyArray<string>): Promise<string> => {
  assert.strictEqual(await api.exited, 1, api.output())
  const refusals = api.output().split("\n").filter((l) => l.startsWith("pvc-api: refusing to start: "))
  assert.strictEqual(refusals.length, 1, api.output())
  for (const word of words) assert.include(refusals[0], word)
  assert.notMatch(api.output(), /^\s+at /m, "no stack trace")
  return refusals[0]!
}

const occupiedPort = (): Promise<Server> =>
  new Promise((resolve) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => resolve(server))
  })

// Routes that answer without the cluster (the manual: `/api/v1`, the storage root, login/logout).
const NO_CLUSTER = new Set(["/api/v1", "/api/v1/storage", "/api/v1/auth/login", "/api/v1/auth/logout"])

/** Every route of the OpenAPI document that needs the cluster answers 510 "cluster state unavailable". */
const everyClusterRouteUnavailable = async (address: string) => {
  const doc = (await (await fetch(`${address}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> }
  let checked = 0
  for (const [template, operations] of Object.entries(doc.paths)) {
    if (NO_CLUSTER.has(template)) continue
    for (const method of Object.keys(operations)) {
      const path = template.replace(/\{[^}]+\}/g, "x")
      const reply = await fetch(`${address}${path}`, { method: method.toUpperCase() })
      const { message } = (await reply.json()) as { message: string }
      assert.strictEqual(reply.status, 510, `${method} ${path}`)
      // A POST missing a mandatory value is refused for that before the cluster is needed.
      assert.match(message, method === "get" ? /^The cluster state is unavailable/ : /^(The cluster state is unavailable|Missing value)/, `${method} ${path}`)
      checked++
    }
  }
  assert.isAbove(checked, 50)
}

describe("main (the composition root)", () => {
  it("a config with no coordinators serves the embedded demo cluster, logs per request, stops on SIGTERM", async () => {
    const config = writeConfig(EMBEDDED.replace("PORT", "0"))
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
      const output = api.output()
      assert.match(output, /message="pvc-api shutting down" signal=SIGTERM/)
      assert.isAbove(output.indexOf('message="pvc-api stopped"'), output.indexOf("pvc-api shutting down"))
    } finally {
      api.child.kill("SIGKILL")
    }
  })

  it("the sample pvc-api.yaml starts the API although its coordinators cannot be reached", async () => {
    const config = writeConfig(SAMPLE.replace('listen_port: "7370"', 'listen_port: "0"'))
    const api = run(["--config", config])
    try {
      const [, address] = await waitFor(api, /message=listening address=(\S+)/)
      const [line] = await waitFor(api, /message="ZooKeeper is unreachable; retrying until it answers" server=pvc-hv\d:2181 reason=.*/)
      assert.match(line, /reason="[^"]*pvc-hv\d/)
      const root = await fetch(`${address}/api/v1`)
      assert.strictEqual(root.status, 209)
      await everyClusterRouteUnavailable(address!)
      // Every retry fails the same way: still one line.
      await fetch(`${address}/api/v1/vm`)
      assert.strictEqual(api.output().match(/ZooKeeper is unreachable/g)?.length, 1)
      assert.notMatch(api.output(), /level=(ERROR|FATAL)/)
      api.child.kill("SIGTERM")
      assert.strictEqual(await api.exited, 0)
    } finally {
      api.child.kill("SIGKILL")
    }
  })

  it("PVC_CONFIG_FILE is read too; a bad file is refused at start naming the bad key", async () => {
    const config = writeConfig("pvc:\n  api:\n    listen_address: 127.0.0.1\n    listen_port: nope\n")
    await refusedWith(run([], { PVC_CONFIG_FILE: config }), "pvc.api.listen_port", config)
  })

  it("a missing config file is refused at start", async () => {
    await refusedWith(run(["--config=/nonexistent/pvc-api.yaml"]), "/nonexistent/pvc-api.yaml", "cannot be read", "--config")
  })

  it("a port already in use is refused with one line", async () => {
    const server = await occupiedPort()
    try {
      const port = (server.address() as { port: number }).port
      const config = writeConfig(EMBEDDED.replace("PORT", String(port)))
      await refusedWith(run(["--config", config], { PVC_SIMULATE: "0" }), `127.0.0.1:${port}`, "already in use", "pvc.api.listen_port")
    } finally {
      server.close()
    }
  })

  it("unreadable or unusable TLS files are refused with one line naming the file", async () => {
    const ssl = (cert: string, key: string) =>
      EMBEDDED.replace("PORT", "0") + `    ssl:\n      enabled: True\n      cert_file: ${cert}\n      key_file: ${key}\n`
    await refusedWith(run(["--config", writeConfig(ssl("/nonexistent/cert.pem", "/nonexistent/key.pem"))]), "pvc.api.ssl.cert_file", "/nonexistent/cert.pem")
    const config = writeConfig(EMBEDDED)
    const cert = join(dirname(config), "cert.pem")
    const key = join(dirname(config), "key.pem")
    writeFileSync(cert, "not a certificate\n")
    writeFileSync(key, "not a key\n")
    await refusedWith(run(["--config", writeConfig(ssl(cert, "/nonexistent/key.pem"))]), "pvc.api.ssl.key_file", "/nonexistent/key.pem")
    await refusedWith(run(["--config", writeConfig(ssl(cert, key))]), "pvc.api.ssl", cert, "not a usable certificate")
  })

  it("--help and --version answer and exit; an unknown argument is refused", async () => {
    const help = run(["--help"])
    assert.strictEqual(await help.exited, 0)
    assert.include(help.output(), "Usage: pvc-api [--config <pvc-api.yaml>]")
    assert.include(help.output(), "PVC_CONFIG_FILE")
    const version = run(["--version"])
    assert.strictEqual(await version.exited, 0)
    assert.strictEqual(version.output().trim(), `pvc-api ${VERSION}`)
    const bad = run(["--bogus"])
    assert.strictEqual(await bad.exited, 2)
    assert.strictEqual(bad.output().trim(), "pvc-api: Unknown option '--bogus'; see pvc-api --help")
  })
})
