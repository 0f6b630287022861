import { execFile } from "node:child_process"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"

export interface CommandOutput {
  readonly code: number
  readonly output: string
}

/** Runs a program to its end; a non-zero exit is an answer, a program that cannot run is a defect. */
export const runProgram = (file: string, args: ReadonlyArray<string>, timeoutMs = 30_000) =>
  Effect.callback<CommandOutput>((resume) => {
    const child = execFile(file, [...args], { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim()
      if (error === null) return resume(Effect.succeed({ code: 0, output }))
      const code = typeof error.code === "number" ? error.code : undefined
      resume(code === undefined ? Effect.die(error) : Effect.succeed({ code, output }))
    })
    return Effect.sync(() => child.kill())
  })

/** A private temporary file holding `content`, removed when the scope closes. */
export const tempFile = (name: string, content: string) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const dir = await mkdtemp(join(tmpdir(), "pvc-libvirt-"))
      const file = join(dir, name)
      await writeFile(file, content, { mode: 0o600 })
      return { dir, file }
    }),
    ({ dir }) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
  ).pipe(Effect.map(({ file }) => file))

/**
 * Checks a document against libvirt's own RelaxNG schema with `virt-xml-validate` (Debian
 * `libvirt-clients`, which runs `xmllint` from `libxml2-utils`). Succeeds with the tool's
 * complaint, or undefined when the document validates.
 */
export const virtXmlValidate = (xml: string, schema = "domain") =>
  Effect.scoped(
    Effect.gen(function*() {
      const file = yield* tempFile("domain.xml", xml)
      const result = yield* runProgram("virt-xml-validate", [file, schema])
      return result.code === 0 ? undefined : result.output.replaceAll(file, "<input>")
    })
  )
