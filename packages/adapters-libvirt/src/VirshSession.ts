import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process"
import { DomainDriverUnavailable } from "@pvc/core"
import { Effect, Option, Semaphore } from "effect"

/** What one virsh command printed: its output lines and its `error:` lines. */
export interface VirshReply {
  readonly output: ReadonlyArray<string>
  readonly errors: ReadonlyArray<string>
}

export interface VirshSession {
  /** Runs one virsh command (arguments must be free of quotes, `;` and line breaks). */
  readonly run: (command: string) => Effect.Effect<VirshReply, DomainDriverUnavailable>
}

const prompt = "virsh # "
const errorPrefix = "error: "
const commandTimeoutMs = 60_000

const unavailable = (reason: string, cause?: unknown) => new DomainDriverUnavailable({ reason, cause })

// The quotes keep the marker out of virsh's echo of the command line; only echo's output matches.
const markerCommand = (n: number) => `echo ::pvc'-'done-${n}::`
const marker = (n: number) => `::pvc-done-${n}::`

/** Splits what virsh printed for `command`, dropping prompts and virsh's echo of our input. */
export const readReply = (text: string, command: string, n: number): VirshReply => {
  // `echo` ends without a line break, so a prompt can follow output on the same line
  const lines = text.split("\n").flatMap((line) => line.split(prompt)).filter((content) =>
    content !== command && content !== markerCommand(n) && content.trim() !== ""
  )
  // an error message may continue on lines without the prefix: everything after the first is error text
  const firstError = lines.findIndex((line) => line.startsWith(errorPrefix))
  if (firstError < 0) return { output: lines, errors: [] }
  return {
    output: lines.slice(0, firstError),
    errors: lines.slice(firstError).map((line) => line.startsWith(errorPrefix) ? line.slice(errorPrefix.length) : line)
  }
}

interface Pending {
  readonly n: number
  readonly resume: (effect: Effect.Effect<string, DomainDriverUnavailable>) => void
}

const spawnVirsh = (uri: string) =>
  Effect.try({
    // stderr joins stdout in one pipe so that error lines keep their place before the marker
    try: () => spawn("sh", ["-c", "exec virsh -q -c \"$1\" 2>&1", "sh", uri], { stdio: ["pipe", "pipe", "pipe"] }),
    catch: (cause) => unavailable("cannot start virsh", cause)
  })

const close = (child: ChildProcessWithoutNullStreams) =>
  Effect.sync(() => {
    child.stdin.end()
    if (child.exitCode === null) child.kill()
  })

/**
 * One long-lived interactive `virsh` connection. libvirt's test driver keeps its state per
 * connection, so a hypervisor must stay on one; commands run one at a time.
 */
export const makeVirshSession = Effect.fnUntraced(function*(uri: string) {
  const child = yield* Effect.acquireRelease(spawnVirsh(uri), close)
  const lock = yield* Semaphore.make(1)
  let buffer = ""
  let counter = 0
  let pending: Pending | undefined
  let dead: string | undefined

  const settle = () => {
    if (pending === undefined) return
    const end = buffer.indexOf(marker(pending.n))
    if (end < 0) return
    const reply = buffer.slice(0, end)
    buffer = buffer.slice(end + marker(pending.n).length)
    const done = pending
    pending = undefined
    done.resume(Effect.succeed(reply))
  }
  const die = (reason: string) => {
    dead ??= reason
    const done = pending
    pending = undefined
    done?.resume(Effect.fail(unavailable(reason)))
  }
  child.stdout.setEncoding("utf8")
  child.stdout.on("data", (chunk: string) => {
    buffer += chunk
    settle()
  })
  child.on("exit", (code) => die(`virsh exited (${code}): ${buffer.trim().slice(-500)}`))
  child.on("error", (error) => die(`virsh failed: ${error.message}`))
  child.stdin.on("error", (error) => die(`virsh input closed: ${error.message}`))

  const exchange = (command: string, n: number) =>
    Effect.callback<string, DomainDriverUnavailable>((resume) => {
      if (dead !== undefined) return resume(Effect.fail(unavailable(dead)))
      pending = { n, resume }
      child.stdin.write(`${command}\n${markerCommand(n)}\n`)
    })

  const run = (command: string): Effect.Effect<VirshReply, DomainDriverUnavailable> =>
    Effect.suspend(() => {
      if (/[\n\r;'"\\]/.test(command)) return Effect.die(new Error(`unsafe virsh command: ${command}`))
      const n = ++counter
      return exchange(command, n).pipe(
        Effect.timeoutOption(commandTimeoutMs),
        Effect.flatMap(Option.match({
          onNone: () => {
            // a late answer would be read as the next command's: this connection is done
            die(`virsh did not answer "${command}" within ${commandTimeoutMs} ms`)
            child.kill()
            return Effect.fail(unavailable(`virsh did not answer "${command}"`))
          },
          onSome: (text) => Effect.succeed(readReply(text, command, n))
        }))
      )
    }).pipe(Semaphore.withPermit(lock))

  // the first exchange proves the connection works (virsh exits at once on a bad URI)
  yield* run("uri")
  return { run } satisfies VirshSession
})
