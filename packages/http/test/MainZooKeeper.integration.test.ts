import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { rawClient } from "../../adapters-zk/test/support.ts"
import { type Run, run, waitFor, writeConfig } from "./support/Process.ts"

const ZK_CLI = fileURLToPath(new URL("../../adapters-zk/src/cli.ts", import.meta.url))
const ZK_SCRIPT = fileURLToPath(new URL("../../../scripts/zookeeper.sh", import.meta.url))

/** A ZooKeeper of this test's own, stopped and started on the same port (scripts/zookeeper.sh). */
const zooKeeper = (dir: string) => ({
  start: (): string => {
    const out = execFileSync(ZK_SCRIPT, ["start", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
    return /PVC_TEST_ZK=(\S+)/.exec(out)![1]!
  },
  stop: () => void execFileSync(ZK_SCRIPT, ["stop", dir], { stdio: "ignore" })
})

const seed = async (server: string, chroot: string) => {
  const client = await rawClient("", server)
  await new Promise<void>((resolve, reject) => client.mkdirp(chroot, (e) => (e ? reject(e) : resolve())))
  client.close()
  const target = `${server}${chroot}`
  execFileSync(process.execPath, [ZK_CLI, "init", "--zk", target], { stdio: "pipe" })
  execFileSync(process.execPath, [ZK_CLI, "seed", "--zk", target, "--nodes", "3", "--coordinators", "2", "--vms", "2"], { stdio: "pipe" })
}

const count = (api: Run, pattern: RegExp) => api.output().match(new RegExp(pattern, "g"))?.length ?? 0

/** Polls a route until it answers `status` (the API reconnects on its own; nothing is restarted). */
const until = async (url: string, status: number, ms = 60_000): Promise<Response> => {
  const deadline = Date.now() + ms
  for (;;) {
    const reply = await fetch(url)
    if (reply.status === status || Date.now() > deadline) return reply
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

const unavailable = async (reply: Response) => {
  assert.strictEqual(reply.status, 510)
  assert.include(((await reply.json()) as { message: string }).message, "The cluster state is unavailable")
}

describe("main while ZooKeeper comes and goes (real ZooKeeper)", () => {
  it("starts with ZooKeeper down, serves once it is up, survives it going away and coming back", { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "pvc-zk-startup-"))
    const zk = zooKeeper(dir)
    const server = zk.start()
    let api: Run | undefined
    try {
      await seed(server, "/pvc")
      zk.stop()
      const config = writeConfig(
        `pvc:\n  coordinators:\n    - ${server}/pvc\n  api:\n    listen_address: 127.0.0.1\n    listen_port: "0"\n`
      )
      api = run(["--config", config])
      const [, address] = await waitFor(api, /message=listening address=(\S+)/)
      await waitFor(api, new RegExp(`message="ZooKeeper is unreachable; retrying until it answers" server=${server} reason=.*ECONNREFUSED`))
      assert.strictEqual((await fetch(`${address}/api/v1`)).status, 209)
      await unavailable(await fetch(`${address}/api/v1/node`))
      await unavailable(await fetch(`${address}/api/v1/vm`))

      zk.start()
      await waitFor(api, new RegExp(`message="connected to ZooKeeper" server=${server}`))
      const nodes = await until(`${address}/api/v1/node`, 200)
      assert.strictEqual(nodes.status, 200)
      assert.strictEqual(((await nodes.json()) as Array<unknown>).length, 3)
      assert.strictEqual(((await (await fetch(`${address}/api/v1/vm`)).json()) as Array<unknown>).length, 2)
      // Seconds of failed retries while the server started: one line for all of them.
      assert.strictEqual(count(api, /ZooKeeper is unreachable/), 1)

      zk.stop()
      await waitFor(api, /message="lost the connection to ZooKeeper; reconnecting" server=\S+ reason=/)
      await unavailable(await until(`${address}/api/v1/node`, 510))
      zk.start()
      await until(`${address}/api/v1/node`, 200)
      const vms = (await (await until(`${address}/api/v1/vm`, 200)).json()) as Array<{ name: string }>
      assert.strictEqual(vms.length, 2)
      assert.strictEqual((await fetch(`${address}/api/v1/vm/${vms[0]!.name}/stop`, { method: "POST" })).status, 200)
      assert.isAtLeast(count(api, /message="connected to ZooKeeper"/), 2)
      assert.notMatch(api.output(), /level=(ERROR|FATAL)|^\s+at /m)

      api.child.kill("SIGTERM")
      assert.strictEqual(await api.exited, 0)
    } finally {
      api?.child.kill("SIGKILL")
      zk.stop()
    }
  })
})
