import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { dirname, join } from "node:path"
import { Effect, Schema } from "effect"
import { UsageError } from "./Errors.ts"

export const Cluster = Schema.Struct({ url: Schema.String, token: Schema.optional(Schema.String) })
export type Cluster = typeof Cluster.Type
const Clusters = Schema.Record(Schema.String, Cluster)
type Clusters = typeof Clusters.Type

/** `$XDG_CONFIG_HOME/pvc/clusters.json` (default `~/.config`), readable by its owner only. */
export const clustersFile = (env: NodeJS.ProcessEnv = process.env): string =>
  join(env["XDG_CONFIG_HOME"] !== undefined && env["XDG_CONFIG_HOME"] !== "" ? env["XDG_CONFIG_HOME"] : join(homedir(), ".config"), "pvc", "clusters.json")

const decode = Schema.decodeUnknownEffect(Schema.fromJsonString(Clusters))

export const readClusters: Effect.Effect<Clusters, UsageError> = Effect.suspend(() => {
  const file = clustersFile()
  if (!existsSync(file)) return Effect.succeed({})
  return Effect.try({ try: () => readFileSync(file, "utf8"), catch: () => new UsageError({ message: `cannot read ${file}` }) }).pipe(
    Effect.flatMap(decode),
    Effect.mapError(() => new UsageError({ message: `${file} is not a clusters file (JSON: {"name": {"url": ..., "token": ...}})` }))
  )
})

export const writeClusters = (clusters: Clusters): Effect.Effect<void, UsageError> =>
  Effect.try({
    try: () => {
      const file = clustersFile()
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
      writeFileSync(file, `${JSON.stringify(clusters, null, 2)}\n`, { mode: 0o600 })
      chmodSync(file, 0o600)
    },
    catch: (e) => new UsageError({ message: `cannot write ${clustersFile()}: ${String(e)}` })
  })

export const findCluster = (name: string): Effect.Effect<Cluster, UsageError> =>
  Effect.flatMap(readClusters, (clusters) =>
    Object.hasOwn(clusters, name)
      ? Effect.succeed(clusters[name]!)
      : Effect.fail(new UsageError({ message: `no cluster named '${name}' (pvc cluster list)` })))
