import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { rawClient, testZk } from "../../adapters-zk/test/support.ts"
import { type Run as Api, run, waitFor, writeConfig } from "../../http/test/support/Process.ts"
import { pvc, type Run } from "./support.ts"

const ZK_CLI = fileURLToPath(new URL("../../adapters-zk/src/cli.ts", import.meta.url))

const ok = (run: Run, label: string) => {
  assert.strictEqual(run.code, 0, `${label}: ${run.stderr}`)
  return run.stdout
}

/** The API process on ZooKeeper (its own chroot, seeded by the adapters-zk `seed` command). */
describe("pvc against the API on ZooKeeper", () => {
  const chroot = `/pvc-cli-${process.pid}-${Date.now()}`
  let api: Api
  let url: string
  beforeAll(async () => {
    const client = await rawClient("")
    await new Promise<void>((resolve, reject) => client.mkdirp(chroot, (e) => (e ? reject(e) : resolve())))
    client.close()
    const target = `${testZk()}${chroot}`
    execFileSync(process.execPath, [ZK_CLI, "init", "--zk", target], { stdio: "pipe" })
    execFileSync(process.execPath, [ZK_CLI, "seed", "--zk", target, "--nodes", "3", "--coordinators", "2", "--vms", "3"], { stdio: "pipe" })
    const config = writeConfig(`pvc:\n  coordinators:\n    - ${target}\n  api:\n    listen_address: 127.0.0.1\n    listen_port: "0"\n`)
    api = run(["--config", config])
    url = (await waitFor(api, /message=listening address=(\S+)/))[1]!
    await waitFor(api, /message="connected to ZooKeeper"/)
  }, 120_000)
  afterAll(async () => {
    api.child.kill("SIGTERM")
    await api.exited
  })

  it("lists the seeded cluster as tables and JSON, changes VM state, refuses with exit 1", async () => {
    const json = JSON.parse(ok(await pvc(["--url", url, "vm", "list", "--json"]), "vm list --json")) as Array<{ name: string; state: string }>
    assert.strictEqual(json.length, 3)
    const table = ok(await pvc(["--url", url, "vm", "list"]), "vm list")
    assert.deepStrictEqual(table.trim().split("\n").slice(1).map((l) => l.split(/\s+/)[0]), json.map((v) => v.name).sort())
    assert.strictEqual(ok(await pvc(["--url", url, "node", "list"]), "node list").trim().split("\n").length, 4)

    const vm = json[0]!.name
    ok(await pvc(["--url", url, "vm", "stop", vm]), "stop")
    const stopped = JSON.parse(ok(await pvc(["--url", url, "vm", "info", vm, "--json"]), "info")) as Array<{ state: string }>
    assert.strictEqual(stopped[0]!.state, "stop")

    ok(await pvc(["--url", url, "network", "add", "zk-net", "--vni", "4000", "--type", "bridged"]), "network add")
    assert.match(ok(await pvc(["--url", url, "network", "list"]), "network list"), /^4000 +zk-net +bridged /m)
    ok(await pvc(["--url", url, "network", "remove", "4000", "--yes"]), "network remove")

    const refused = await pvc(["--url", url, "vm", "start", "no-such-vm"])
    assert.deepStrictEqual([refused.code, refused.stderr], [1, "pvc: VM 'no-such-vm' not found.\n"])
  })
})
