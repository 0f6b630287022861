import { Effect, Schema } from "effect"
import { readFileSync } from "node:fs"
import { parse as parseYaml } from "yaml"

const Port = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 65535 }))
const LogLevel = Schema.Literals(["Trace", "Debug", "Info", "Warn", "Error", "Fatal", "None"])
export type LogLevel = typeof LogLevel.Type

const TokenEntry = Schema.Struct({
  description: Schema.optional(Schema.NullOr(Schema.String)),
  token: Schema.String
})

/** The `pvc-api.yaml` format of the original API (plus an optional `log_level`). */
export const ConfigFile = Schema.Struct({
  pvc: Schema.Struct({
    coordinators: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))),
    api: Schema.Struct({
      listen_address: Schema.String,
      listen_port: Port,
      log_level: Schema.optional(LogLevel),
      authentication: Schema.optional(Schema.Struct({
        enabled: Schema.Boolean,
        secret_key: Schema.optional(Schema.NullOr(Schema.String)),
        tokens: Schema.optional(Schema.NullOr(Schema.Array(TokenEntry)))
      })),
      ssl: Schema.optional(Schema.Struct({
        enabled: Schema.Boolean,
        cert_file: Schema.optional(Schema.NullOr(Schema.String)),
        key_file: Schema.optional(Schema.NullOr(Schema.String))
      }))
    })
  })
})

export interface ApiToken {
  readonly description: string
  readonly token: string
}

export interface ApiConfig {
  /** Where it came from, for the start-up log: a path or `embedded default`. */
  readonly source: string
  readonly coordinators: ReadonlyArray<string>
  readonly listenAddress: string
  readonly listenPort: number
  readonly logLevel: LogLevel
  readonly auth: { readonly enabled: boolean; readonly secretKey: string; readonly tokens: ReadonlyArray<ApiToken> }
  readonly ssl: { readonly enabled: boolean; readonly certFile: string; readonly keyFile: string }
}

export const DEFAULT_LISTEN_ADDRESS = "127.0.0.1"
export const DEFAULT_LISTEN_PORT = 7370

export const defaultConfig: ApiConfig = {
  source: "embedded default",
  coordinators: [],
  listenAddress: DEFAULT_LISTEN_ADDRESS,
  listenPort: DEFAULT_LISTEN_PORT,
  logLevel: "Info",
  auth: { enabled: false, secretKey: "", tokens: [] },
  ssl: { enabled: false, certFile: "", keyFile: "" }
}

/** The configuration file is unusable; `message` names the file and the bad key. */
export class ConfigInvalid extends Schema.TaggedError<ConfigInvalid>()("ConfigInvalid", {
  path: Schema.String,
  message: Schema.String
}) {}

// Schema messages point at keys as `["pvc"]["api"]["listen_port"]`; operators read `pvc.api.listen_port`.
const keyPaths = (text: string): string =>
  text.replace(/((?:\[(?:"[^"]*"|\d+)\])+)/g, (path) =>
    [...path.matchAll(/\[(?:"([^"]*)"|(\d+))\]/g)].map((m) => m[1] ?? `[${m[2]}]`).join(".").replace(/\.\[/g, "["))

const fromFile = (path: string, file: typeof ConfigFile.Type): ApiConfig => {
  const api = file.pvc.api
  return {
    source: path,
    coordinators: file.pvc.coordinators ?? [],
    listenAddress: api.listen_address,
    listenPort: api.listen_port,
    logLevel: api.log_level ?? "Info",
    auth: {
      enabled: api.authentication?.enabled ?? false,
      secretKey: api.authentication?.secret_key ?? "",
      tokens: (api.authentication?.tokens ?? []).map((t) => ({ description: t.description ?? "", token: t.token }))
    },
    ssl: {
      enabled: api.ssl?.enabled ?? false,
      certFile: api.ssl?.cert_file ?? "",
      keyFile: api.ssl?.key_file ?? ""
    }
  }
}

/** Rules the schema cannot state: what an enabled feature needs. */
const crossCheck = (config: ApiConfig): string | undefined => {
  if (config.auth.enabled && config.auth.secretKey === "") {
    return "pvc.api.authentication.secret_key: must be set when authentication is enabled"
  }
  if (config.auth.enabled && !config.auth.tokens.some((t) => t.token !== "")) {
    return "pvc.api.authentication.tokens: at least one non-empty token is needed when authentication is enabled"
  }
  if (config.ssl.enabled && config.ssl.certFile === "") return "pvc.api.ssl.cert_file: must be set when SSL is enabled"
  if (config.ssl.enabled && config.ssl.keyFile === "") return "pvc.api.ssl.key_file: must be set when SSL is enabled"
  return undefined
}

export const parseConfig = (path: string, text: string): Effect.Effect<ApiConfig, ConfigInvalid> =>
  Effect.gen(function*() {
    const invalid = (message: string) => new ConfigInvalid({ path, message: `${path}: ${message}` })
    const yaml = yield* Effect.try({
      try: () => parseYaml(text) as unknown,
      catch: (e) => invalid(`not valid YAML: ${e instanceof Error ? e.message : String(e)}`)
    })
    const file = yield* Schema.decodeUnknownEffect(ConfigFile)(yaml).pipe(
      Effect.mapError((e) => invalid(keyPaths(e.message)))
    )
    const config = fromFile(path, file)
    const problem = crossCheck(config)
    if (problem !== undefined) return yield* invalid(problem)
    return config
  })

export const loadConfig = (path: string): Effect.Effect<ApiConfig, ConfigInvalid> =>
  Effect.try({
    try: () => readFileSync(path, "utf8"),
    catch: (e) => new ConfigInvalid({ path, message: `${path}: cannot be read: ${e instanceof Error ? e.message : String(e)}` })
  }).pipe(Effect.flatMap((text) => parseConfig(path, text)))

/** `--config <path>` or `--config=<path>` wins over `PVC_CONFIG_FILE`. */
export const configPath = (argv: ReadonlyArray<string>, env: NodeJS.ProcessEnv): string | undefined => {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === "--config") return argv[i + 1]
    if (arg?.startsWith("--config=")) return arg.slice("--config=".length)
  }
  const fromEnv = env["PVC_CONFIG_FILE"]
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv
}
