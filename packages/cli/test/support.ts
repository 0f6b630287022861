import { execFile } from "node:child_process"
import { join } from "node:path"

const MAIN = join(import.meta.dirname, "..", "src", "main.ts")

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** `pvc ...` as a child process (no terminal: stdin, stdout and stderr are pipes). */
export const pvc = (args: ReadonlyArray<string>, env: Record<string, string | undefined> = {}): Promise<Run> =>
  new Promise((resolve) => {
    const child = execFile(process.execPath, [MAIN, ...args], {
      env: { ...process.env, PVC_URL: undefined, PVC_TOKEN: undefined, PVC_CLUSTER: undefined, NO_COLOR: "1", ...env },
      timeout: 60_000
    }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 99
      resolve({ code, stdout, stderr })
    })
    child.stdin?.end()
  })
