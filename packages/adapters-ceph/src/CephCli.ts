import { Context, Duration, Effect, Layer, Schema, Stream } from "effect"
import { ChildProcess, ChildProcessSpawner } from "effect/process"
import * as NodeServices from "@effect/platform-node/NodeServices"

/** A program exited non-zero (or reported an error Ceph signals with exit 0); `reason` is its own text. */
export class CephCliFailed extends Schema.TaggedError<CephCliFailed>()("CephCliFailed", {
  argv: Schema.Array(Schema.String),
  exitCode: Schema.Number,
  reason: Schema.String
}) {}

export class CephCliTimedOut extends Schema.TaggedError<CephCliTimedOut>()("CephCliTimedOut", {
  argv: Schema.Array(Schema.String),
  seconds: Schema.Number
}) {}

/** The program succeeded but printed something our Schema does not accept. */
export class CephCliBadOutput extends Schema.TaggedError<CephCliBadOutput>()("CephCliBadOutput", {
  argv: Schema.Array(Schema.String),
  reason: Schema.String
}) {}

export type CephCliError = CephCliFailed | CephCliTimedOut | CephCliBadOutput

export interface CephCliConfig {
  /** ceph.conf of the cluster; undefined = the tools' default (/etc/ceph/ceph.conf or $CEPH_CONF). */
  readonly conf?: string | undefined
  /** Deadline of one CLI call unless the call gives its own. */
  readonly timeout: Duration.Input
}

export interface Output {
  readonly stdout: string
  readonly stderr: string
}

export type CephTool = "ceph" | "rados" | "rbd"

export interface CephCliShape {
  /** Runs `ceph`/`rados`/`rbd` against the configured cluster. */
  readonly run: (
    tool: CephTool,
    args: ReadonlyArray<string>,
    options?: { readonly timeout?: Duration.Input | undefined }
  ) => Effect.Effect<Output, CephCliFailed | CephCliTimedOut>
  /** Runs with `--format json` and decodes stdout with `schema`. */
  readonly json: <S extends Schema.Constraint & { readonly DecodingServices: never }>(
    schema: S,
    tool: CephTool,
    args: ReadonlyArray<string>,
    options?: { readonly timeout?: Duration.Input | undefined }
  ) => Effect.Effect<S["Type"], CephCliError>
  /** Runs any program (OSD provisioning helpers) under the same deadline and error mapping. */
  readonly exec: (
    argv: ReadonlyArray<string>,
    options?: { readonly timeout?: Duration.Input | undefined }
  ) => Effect.Effect<Output, CephCliFailed | CephCliTimedOut>
}

export class CephCli extends Context.Service<CephCli, CephCliShape>()("pvc/adapters-ceph/CephCli") {}

const collect = (stream: Stream.Stream<Uint8Array, unknown>) =>
  Stream.mkString(Stream.decodeText(stream)).pipe(Effect.orElseSucceed(() => ""))

/** The last non-empty stderr lines carry Ceph's reason ("Error ENOENT: ..."); keep them short. */
export const reasonOf = (stderr: string, stdout: string, exitCode: number): string => {
  const lines = (stderr.trim() || stdout.trim()).split("\n")
    .map((l) => l.replace(/^\d{4}-\d\d-\d\dT\S+ [0-9a-f]+ -?\d+ /, "").trim())
    .filter((l) => l !== "" && !/% complete/.test(l))
  const errors = lines.filter((l) => /^(Error|error|rbd: |rados: |librbd: |Invalid)/.test(l))
  const picked = (errors.length > 0 ? errors : lines).slice(-3).join(" | ")
  return picked === "" ? `exit code ${exitCode}` : picked
}

export const make = (config: CephCliConfig): Effect.Effect<CephCliShape, never, ChildProcessSpawner.ChildProcessSpawner> =>
  Effect.gen(function*() {
    const spawner = yield* ChildProcessSpawner.ChildProcessSpawner
    const exec = (argv: ReadonlyArray<string>, options?: { readonly timeout?: Duration.Input | undefined }) => {
      const timeout = Duration.fromInputUnsafe(options?.timeout ?? config.timeout)
      const [program, ...args] = argv
      return Effect.scoped(Effect.gen(function*() {
        const handle = yield* spawner.spawn(ChildProcess.make(program ?? "true", args, { stdin: "ignore" }))
        const [stdout, stderr, code] = yield* Effect.all(
          [collect(handle.stdout), collect(handle.stderr), handle.exitCode],
          { concurrency: "unbounded" }
        )
        return { stdout, stderr, code: Number(code) }
      })).pipe(
        Effect.catch((e) => Effect.succeed({ stdout: "", stderr: String(e), code: 127 })),
        Effect.flatMap(({ code, stderr, stdout }) =>
          code === 0
            ? Effect.succeed({ stdout, stderr })
            : Effect.fail(new CephCliFailed({ argv, exitCode: code, reason: reasonOf(stderr, stdout, code) }))
        ),
        Effect.timeoutOrElse({
          duration: timeout,
          orElse: () => Effect.fail(new CephCliTimedOut({ argv, seconds: Duration.toSeconds(timeout) }))
        })
      )
    }
    const confArgs = config.conf === undefined ? [] : ["--conf", config.conf]
    const run: CephCliShape["run"] = (tool, args, options) => exec([tool, ...confArgs, ...args], options)
    const json: CephCliShape["json"] = (schema, tool, args, options) => {
      const argv = [tool, ...args, "--format", "json"]
      return run(tool, [...args, "--format", "json"], options).pipe(
        Effect.flatMap(({ stdout }) =>
          Schema.decodeUnknownEffect(Schema.fromJsonString(schema))(stdout.trim()).pipe(
            Effect.mapError((e) => new CephCliBadOutput({ argv, reason: e.message.slice(0, 500) }))
          )
        )
      )
    }
    return { run, json, exec }
  })

export const layerNoDeps = (config: CephCliConfig): Layer.Layer<CephCli, never, ChildProcessSpawner.ChildProcessSpawner> =>
  Layer.effect(CephCli, make(config))

export const layer = (config: CephCliConfig): Layer.Layer<CephCli> =>
  layerNoDeps(config).pipe(Layer.provide(NodeServices.layer))
