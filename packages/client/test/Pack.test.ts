import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { demoCluster } from "@pvc/testkit"
import { execFile, execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { type Api, startApi } from "../../http/test/support/Harness.ts"

const ROOT = join(import.meta.dirname, "..", "..", "..")
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc")
const PACKAGES = ["core", "testkit", "client"] as const

const sh = (command: string, args: ReadonlyArray<string>, cwd: string, env: Record<string, string> = {}) =>
  execFileSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })

/** The core README's example, with the embedded parts of the testkit (the packed entry point). */
const coreExample = () => {
  const readme = readFileSync(join(ROOT, "packages", "core", "README.md"), "utf8")
  const [, code, output] = /```ts\n([\s\S]*?)```[\s\S]*?It prints\n\n```\n([\s\S]*?)```/.exec(readme)!
  return { code: code!.replace(`from "@pvc/testkit"`, `from "@pvc/testkit/embedded"`), output: output! }
}

const CLIENT_CALL = `
import { connect, PvcFailure } from "@pvc/client"
const client = await connect({ url: process.env.PVC_URL })
try {
  console.log((await client.node.list({ query: {} })).map((node) => node.name).join(","))
  await client.vm.start({ params: { vm: "nope" } }).catch((e) => console.log(e instanceof PvcFailure ? e.message : "?"))
} finally {
  await client.close()
}
`

const CONSUMER_TS = `
import { migrateVm, type Vm } from "@pvc/core"
import { layerDemo } from "@pvc/testkit/embedded"
import { connect, PvcFailure, type PromiseClient } from "@pvc/client"
import { Effect } from "effect"

const moved: Effect.Effect<Vm, unknown> = migrateVm("web1", { node: "hv3", force: false }).pipe(
  Effect.map((outcome) => outcome.vm),
  Effect.provide(layerDemo)
)
const client: PromiseClient = await connect({ url: "http://127.0.0.1:7370", timeoutMs: 1000 })
const names: ReadonlyArray<string> = (await client.vm.list({ query: { state: "start" } })).map((vm) => vm.name)
// @ts-expect-error: a VM has no such field
const wrong: string = (await client.vm.get({ params: { vm: "web1" } }))[0]!.no_such_field
// @ts-expect-error: a path value is required
await client.vm.start({})
export const used = [moved, names, wrong, PvcFailure]
`

describe("packed @pvc/core, @pvc/testkit (embedded) and @pvc/client in a project outside the workspace", () => {
  let work: string
  let api: Api
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "pvc-pack-"))
    const packs = join(work, "packs")
    for (const name of PACKAGES) {
      const dir = join(ROOT, "packages", name)
      rmSync(join(dir, "dist"), { recursive: true, force: true })
      sh(process.execPath, [TSC, "-p", "tsconfig.build.json"], dir)
      sh("pnpm", ["pack", "--pack-destination", packs], dir)
    }
    const tarball = (name: string) => `file:${join(packs, readdirSync(packs).find((f) => f.startsWith(`pvc-${name}-`))!)}`
    const project = join(work, "consumer")
    mkdirSync(project)
    writeFileSync(join(project, "package.json"), JSON.stringify({
      name: "consumer",
      private: true,
      type: "module",
      dependencies: { "@pvc/core": tarball("core"), "@pvc/testkit": tarball("testkit"), "@pvc/client": tarball("client"), effect: "4.1.0" }
    }))
    // The packed client and testkit depend on @pvc/core 0.1.0: the tarball, not a registry.
    writeFileSync(join(project, "pnpm-workspace.yaml"), `overrides:\n  "@pvc/core": "${tarball("core")}"\n`)
    sh("pnpm", ["install", "--prefer-offline"], project)
    api = await startApi({ entities: demoCluster() })
  }, 300_000)
  afterAll(async () => {
    await api?.close()
    rmSync(work, { recursive: true, force: true })
    for (const name of PACKAGES) rmSync(join(ROOT, "packages", name, "dist"), { recursive: true, force: true })
  })

  const project = () => join(work, "consumer")

  it("runs the core README's example with plain node on the built JavaScript", () => {
    const { code, output } = coreExample()
    writeFileSync(join(project(), "example.mjs"), code)
    assert.strictEqual(sh(process.execPath, ["example.mjs"], project()), output)
  })

  it("calls the API through the packed client", async () => {
    writeFileSync(join(project(), "client.mjs"), CLIENT_CALL)
    // Asynchronously: the API answers from this process.
    const { stdout } = await promisify(execFile)(process.execPath, ["client.mjs"], { cwd: project(), env: { ...process.env, PVC_URL: api.url } })
    assert.strictEqual(stdout, "hv1,hv2,hv3\nVM 'nope' not found.\n")
  })

  it("type-checks a consumer against the packed declarations", () => {
    writeFileSync(join(project(), "consumer.ts"), CONSUMER_TS)
    writeFileSync(join(project(), "tsconfig.json"), JSON.stringify({
      compilerOptions: { target: "ES2024", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: [] },
      files: ["consumer.ts"]
    }))
    sh(process.execPath, [TSC, "-p", "tsconfig.json"], project())
    writeFileSync(join(project(), "consumer.ts"), `${CONSUMER_TS}\nexport const bad: number = "not a number"\n`)
    assert.throws(() => sh(process.execPath, [TSC, "-p", "tsconfig.json"], project()))
  })
})
