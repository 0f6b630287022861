import { assert, describe, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"

// The hexagonal dependency rule (style.md §1), checked on every source file's imports.
const root = join(import.meta.dirname, "../../../..")

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(path)
    return entry.name.endsWith(".ts") ? [path] : []
  })

const importsOf = (file: string): ReadonlyArray<string> =>
  [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+["']([^"']+)["']/gm)]
    .map((m) => m[1]!)

const violations = (pkg: string, allowed: (specifier: string) => boolean) =>
  sourceFiles(join(root, "packages", pkg, "src")).flatMap((file) =>
    importsOf(file).filter((s) => !s.startsWith(".") && !allowed(s)).map((s) => `${relative(root, file)} → ${s}`)
  )

const isEffect = (s: string) => s === "effect" || s.startsWith("effect/")

describe("dependency rule", () => {
  it("core imports nothing but effect", () => {
    assert.deepStrictEqual(violations("core", isEffect), [])
  })

  // The Ceph command pipe runs over ZooKeeper, so adapters-ceph may use the ZooKeeper client.
  const allowedAdapterEdges: Record<string, ReadonlyArray<string>> = {
    "adapters-zk": [],
    "adapters-ceph": ["@pvc/adapters-zk"],
    "adapters-libvirt": [],
    "adapters-re2js": []
  }

  it("adapters import core, not the HTTP transport, and other adapters only where allowed", () => {
    for (const [pkg, edges] of Object.entries(allowedAdapterEdges)) {
      const allowed = (s: string) => !/^@pvc\/(adapters-|http)/.test(s) || s === `@pvc/${pkg}` || edges.includes(s)
      assert.deepStrictEqual(violations(pkg, allowed), [])
    }
  })

  it("the testkit imports no adapter and not the HTTP transport", () => {
    assert.deepStrictEqual(violations("testkit", (s) => !/^@pvc\/(adapters-|http)/.test(s)), [])
  })
})
