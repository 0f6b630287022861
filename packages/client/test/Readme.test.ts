import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { demoCluster } from "@pvc/testkit"
import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import { type Api, startApi } from "../../http/test/support/Harness.ts"

const PACKAGE = join(import.meta.dirname, "..")
const firstTsBlock = (markdown: string): string => {
  const match = /```ts\n([\s\S]*?)```/.exec(markdown)
  assert.isNotNull(match)
  return match![1]!
}

describe("the README's promise example", () => {
  let api: Api
  beforeAll(async () => {
    api = await startApi({ entities: demoCluster() })
  })
  afterAll(() => api.close())

  it("runs with plain node and prints the running VMs and the refusal", async () => {
    // Inside the package, so that `@pvc/client` resolves to itself.
    const dir = mkdtempSync(join(PACKAGE, ".readme-"))
    try {
      const file = join(dir, "example.ts")
      writeFileSync(file, firstTsBlock(readFileSync(join(PACKAGE, "README.md"), "utf8")))
      const { stdout } = await promisify(execFile)(process.execPath, [file], { env: { ...process.env, PVC_URL: api.url } })
      assert.include(stdout, "web1 runs on hv1\n")
      assert.notInclude(stdout, "mail1")
      assert.include(stdout, "refused: VM 'no-such-vm' not found.\n")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
