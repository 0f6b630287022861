import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"

// Runs the README's example as a user would (plain `node`), so the README cannot rot.
const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8")

const block = (lang: string, after = 0): string => {
  const start = readme.indexOf("```" + lang + "\n", after)
  assert.isAtLeast(start, 0, `no \`\`\`${lang} block in README.md`)
  const body = start + lang.length + 4
  return readme.slice(body, readme.indexOf("```", body))
}

describe("core README", () => {
  it("its example runs and prints what the README says", () => {
    const code = block("ts")
    const expected = block("", readme.indexOf("It prints"))
    // Inside packages/core `@pvc/core` resolves to itself; the testkit is reached by path.
    const runnable = code.replace(`from "@pvc/testkit"`, `from "../../../testkit/src/index.ts"`)
    assert.notStrictEqual(runnable, code, "the example should import the testkit")
    const file = join(import.meta.dirname, `.readme-example-${process.pid}.ts`)
    writeFileSync(file, runnable)
    try {
      const output = execFileSync(process.execPath, [file], { encoding: "utf8", timeout: 30_000 })
      assert.strictEqual(output, expected)
    } finally {
      rmSync(file, { force: true })
    }
  })
})
