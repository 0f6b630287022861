import { execFileSync } from "node:child_process"
import { Duration, Effect, Schedule } from "effect"
import { cephConf } from "./support.ts"

/** What Ceph itself says, as JSON (`--format json`). */
export const cephJson = (...args: ReadonlyArray<string>): unknown =>
  JSON.parse(execFileSync("ceph", ["-c", cephConf(), ...args, "--format", "json"], { encoding: "utf8" }))
export const cephQuiet = (...args: ReadonlyArray<string>) => execFileSync("ceph", ["-c", cephConf(), ...args], { stdio: "pipe" })

const quietly = (...args: ReadonlyArray<string>) => {
  try {
    cephQuiet(...args)
  } catch { /* already gone */ }
}

/**
 * A one-copy pool whose only home is the OSDs under CRUSH host `host` (a CRUSH rule rooted there).
 * While the one OSD of that host is out, its PGs have nowhere to go, so it cannot drain; no other
 * OSD of the shared test cluster ever holds this pool's data (tests run in parallel on one Ceph).
 */
export const pinnedPool = (host: string, osd: string) => {
  const name = `pinned-${host}-${Date.now().toString(36)}`
  const create = Effect.gen(function*() {
    cephQuiet("osd", "crush", "rule", "create-replicated", name, host, "osd")
    cephQuiet("osd", "pool", "create", name, "8", "8", "replicated", name)
    cephQuiet("osd", "pool", "set", name, "size", "1", "--yes-i-really-mean-it")
    yield* Effect.sync(() => (cephJson("pg", "ls-by-pool", name) as { pg_stats: Array<{ state: string; acting: Array<number> }> }).pg_stats).pipe(
      Effect.repeat({
        schedule: Schedule.spaced(Duration.millis(250)),
        until: (pgs) => pgs.length === 8 && pgs.every((p) => p.state === "active+clean" && p.acting.join() === osd)
      }),
      Effect.timeout(Duration.seconds(60))
    )
  })
  const remove = Effect.sync(() => {
    quietly("osd", "pool", "delete", name, name, "--yes-i-really-really-mean-it")
    quietly("osd", "crush", "rule", "rm", name)
  })
  return { name, create, remove }
}
