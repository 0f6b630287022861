import { Clock, Context, Duration, Effect, Layer, Schema, Stream } from "effect"
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
  seconds: Schema.Number,
  reason: Schema.String
}) {}

/** A bounded wait for a state of Ceph gave up; `reason` is Ceph's last answer while waiting. */
export class CephWaitExpired extends Schema.TaggedError<CephWaitExpired>()("CephWaitExpired", {
  waitingFor: Schema.String,
  seconds: Schema.Number,
  reason: Schema.String
}) {}

/** The program succeeded but printed something our Schema does not accept. */
export class CephCliBadOutput extends Schema.TaggedError<CephCliBadOutput>()("CephCliBadOutput", {
  argv: Schema.Array(Schema.String),
  reason: Schema.String
}) {}

export type CephCliError = CephCliFailed | CephCliTimedOut | CephCliBadOutput | CephWaitExpired

/**
 * The instant (epoch ms) by which the running command must have given up, so that whoever runs it
 * can still answer: every CLI call and every wait of the command ends before it, with a reason.
 * Undefined (the default): only each call's own deadline applies.
 */
export const CommandDeadline = Context.Reference<{ readonly giveUpAt: number | undefined }>(
  "pvc/adapters-ceph/CommandDeadline",
  { defaultValue: () => ({ giveUpAt: undefined }) }
)

/** Runs `self` so that its calls and waits give up before `within` has passed (keeping a moment to answer). */
export const withinDeadline = (within: Duration.Input) => <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const ms = Duration.toMillis(Duration.fromInputUnsafe(within))
    return Effect.provideService(self, CommandDeadline, { giveUpAt: now + ms - Math.min(2000, ms / 10) })
  })

/** Milliseconds left before the command deadline (Infinity without one). */
export const timeLeft: Effect.Effect<number> = CommandDeadline.use(({ giveUpAt }) =>
  giveUpAt === undefined ? Effect.succeed(Infinity) : Effect.map(Clock.currentTimeMillis, (now) => giveUpAt - now)
)

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
  /** Like `run`, but a non-zero exit is an answer too (`ceph tell osd.*` prints what the live OSDs said). */
  readonly attempt: (
    tool: CephTool,
    args: ReadonlyArray<string>,
    options?: { readonly timeout?: Duration.Input | undefined }
  ) => Effect.Effect<Output & { readonly exitCode: number }, CephCliTimedOut>
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
    const spawn = (argv: ReadonlyArray<string>) => {
      const [program, ...args] = argv
      return Effect.scoped(Effect.gen(function*() {
        const handle = yield* spawner.spawn(ChildProcess.make(program ?? "true", args, { stdin: "ignore" }))
        const [stdout, stderr, code] = yield* Effect.all(
          [collect(handle.stdout), collect(handle.stderr), handle.exitCode],
          { concurrency: "unbounded" }
        )
        return { stdout, stderr, exitCode: Number(code) }
      })).pipe(Effect.catch((e) => Effect.succeed({ stdout: "", stderr: String(e), exitCode: 127 })))
    }
    /** The call's own deadline, shortened to what is left of the command's. */
    const bounded = (argv: ReadonlyArray<string>, timeout: Duration.Input | undefined) =>
      Effect.flatMap(timeLeft, (left) => {
        const ms = Math.max(0, Math.min(Duration.toMillis(Duration.fromInputUnsafe(timeout ?? config.timeout)), left))
        const seconds = Math.round(ms / 100) / 10
        const shown = argv.filter((a) => a !== "--conf" && a !== config.conf).join(" ")
        return spawn(argv).pipe(Effect.timeoutOrElse({
          duration: Duration.millis(ms),
          orElse: () => Effect.fail(new CephCliTimedOut({ argv, seconds, reason: `'${shown}' gave no answer within ${seconds} s` }))
        }))
      })
    const exec: CephCliShape["exec"] = (argv, options) =>
      bounded(argv, options?.timeout).pipe(
        Effect.flatMap(({ exitCode, stderr, stdout }) =>
          exitCode === 0
            ? Effect.succeed({ stdout, stderr })
            : Effect.fail(new CephCliFailed({ argv, exitCode, reason: reasonOf(stderr, stdout, exitCode) }))
        )
      )
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
    const attempt: CephCliShape["attempt"] = (tool, args, options) => bounded([tool, ...confArgs, ...args], options?.timeout)
    return { run, json, exec, attempt }
  })

export const layerNoDeps = (config: CephCliConfig): Layer.Layer<CephCli, never, ChildProcessSpawner.ChildProcessSpawner> =>
  Layer.effect(CephCli, make(config))

export const layer = (config: CephCliConfig): Layer.Layer<CephCli> =>
  layerNoDeps(config).pipe(Layer.provide(NodeServices.layer))
