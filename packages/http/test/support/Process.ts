import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url))

export const writeConfig = (text: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), "pvc-cfg-")), "pvc-api.yaml")
  writeFileSync(path, text)
  return path
}

export interface Run {
  readonly child: ChildProcess
  readonly output: () => string
  readonly exited: Promise<number | null>
}

export const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Run => {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  child.stdout!.on("data", (chunk) => (output += String(chunk)))
  child.stderr!.on("data", (chunk) => (output += String(chunk)))
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  return { child, output: () => output, exited }
}

export const waitFor = async (r: Run, pattern: RegExp, ms = 90_000): Promise<RegExpMatchArray> => {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const match = r.output().match(pattern)
    if (match !== null) return match
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${pattern}; output:\n${r.output()}`)
}


/** Spawns the API on the ZooKeeper hosts `zk` (comma-separated) under `chroot`, on a free loopback port. */
export const startApiOnZk = async (zk: string, chroot: string): Promise<{ api: Run; url: string }> => {
  const hosts = zk.split(",")
  const config = writeConfig(
    `pvc:\n  coordinators:\n${hosts.map((h, i) => `    - ${h}${i === hosts.length - 1 ? chroot : ""}`).join("\n")}\n` +
      "  api:\n    listen_address: 127.0.0.1\n    listen_port: 0\n"
  )
  const api = run(["--config", config])
  const [, url] = await waitFor(api, /message=listening address=(\S+)/)
  return { api, url: url! }
}
