import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { freshChroot, testZk } from "../../adapters-zk/test/support.ts"
import { run, waitFor, writeConfig } from "./support/Process.ts"

const ZK_CLI = fileURLToPath(new URL("../../adapters-zk/src/cli.ts", import.meta.url))

/** A fresh chroot holding a seeded PVC layout, through the zk adapter's own CLI. */
const seededChroot = async (): Promise<string> => {
  const chroot = await freshChroot()
  const target = `${testZk()}${chroot}`
  execFileSync(process.execPath, [ZK_CLI, "init", "--zk", target], { stdio: "pipe" })
  execFileSync(process.execPath, [ZK_CLI, "seed", "--zk", target, "--nodes", "3", "--coordinators", "2", "--vms", "2"], { stdio: "pipe" })
  return chroot
}

describe("main with coordinators (real ZooKeeper)", () => {
  it("serves the cluster stored in ZooKeeper", async () => {
    const chroot = await seededChroot()
    const hosts = testZk().split(",")
    const config = writeConfig(
      `pvc:\n  coordinators:\n${hosts.map((h, i) => `    - ${h}${i === hosts.length - 1 ? chroot : ""}`).join("\n")}\n` +
        "  api:\n    listen_address: 127.0.0.1\n    listen_port: 0\n"
    )
    const api = run(["--config", config])
    try {
      await waitFor(api, /store="ZooKeeper at /)
      const [, address] = await waitFor(api, /message=listening address=(\S+)/)
      const nodes = await fetch(`${address}/api/v1/node`)
      assert.strictEqual(nodes.status, 200)
      assert.strictEqual(((await nodes.json()) as Array<unknown>).length, 3)
      const vms = (await (await fetch(`${address}/api/v1/vm`)).json()) as Array<{ name: string }>
      assert.strictEqual(vms.length, 2)
      const stop = await fetch(`${address}/api/v1/vm/${vms[0]!.name}/stop`, { method: "POST" })
      assert.strictEqual(stop.status, 200)
      const [stopped] = (await (await fetch(`${address}/api/v1/vm/${vms[0]!.name}`)).json()) as Array<{ state: string }>
      assert.strictEqual(stopped!.state, "stop")
      api.child.kill("SIGTERM")
      assert.strictEqual(await api.exited, 0)
    } finally {
      api.child.kill("SIGKILL")
    }
  })
})
