import { Effect, Schema, SchemaGetter } from "effect"
import { randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import { parse as parseYaml } from "yaml"

const Port = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 65535 }, { message: "expected a port number (0 to 65535)" }))
const LogLevel = Schema.Literals(["Trace", "Debug", "Info", "Warn", "Error", "Fatal", "None"])
export type LogLevel = typeof LogLevel.Type

// The original reads the port with `int(...)`: its sample writes it quoted (`listen_port: "7370"`).
const PortSetting = Schema.Union([
  Port,
  Schema.String.check(Schema.isPattern(/^\s*\d{1,5}\s*$/, { message: "expected a port number (0 to 65535), bare or quoted" })).pipe(
    Schema.decodeTo(Port, { decode: SchemaGetter.transform((s) => Number(s)), encode: SchemaGetter.transform(String) })
  )
])

// YAML 1.1 booleans (True/False, yes/no, on/off) are parsed as booleans; the same words quoted are accepted too.
const BooleanWord = /^(?:true|false|yes|no|on|off)$/i
const Switch = Schema.Union([
  Schema.Boolean,
  Schema.String.check(Schema.isPattern(BooleanWord, { message: "expected True or False (or yes/no, on/off)" })).pipe(
    Schema.decodeTo(Schema.Boolean, {
      decode: SchemaGetter.transform((s) => /^(?:true|yes|on)$/i.test(s)),
      encode: SchemaGetter.transform(String)
    })
  )
])

const Text = Schema.optional(Schema.NullOr(Schema.String))

const TokenEntry = Schema.Struct({
  description: Text,
  token: Text
})

/** The `pvc-api.yaml` format of the original API (plus an optional `log_level`); other keys are ignored. */
export const ConfigFile = Schema.Struct({
  pvc: Schema.Struct({
    debug: Schema.optional(Schema.NullOr(Switch)),
    coordinators: Schema.optional(Schema.NullOr(Schema.Union([Schema.Array(Schema.String), Schema.String]))),
    api: Schema.Struct({
      listen_address: Schema.String,
      listen_port: PortSetting,
      log_level: Schema.optional(LogLevel),
      authentication: Schema.optional(Schema.NullOr(Schema.Struct({
        enabled: Switch,
        secret_key: Text,
        tokens: Schema.optional(Schema.NullOr(Schema.Array(TokenEntry)))
      }))),
      ssl: Schema.optional(Schema.NullOr(Schema.Struct({
        enabled: Switch,
        cert_file: Text,
        key_file: Text
      })))
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
  /** ZooKeeper servers as `host:port` (2181 when the file names a bare host); empty: the embedded cluster. */
  readonly coordinators: ReadonlyArray<string>
  /** The `/chroot` suffix of the coordinators, if any: the cluster layout starts there. */
  readonly chroot: string | undefined
  readonly listenAddress: string
  readonly listenPort: number
  readonly logLevel: LogLevel
  readonly auth: { readonly enabled: boolean; readonly secretKey: string; readonly tokens: ReadonlyArray<ApiToken> }
  readonly ssl: { readonly enabled: boolean; readonly certFile: string; readonly keyFile: string }
  /** Settings that start but deserve the operator's attention, one line each, logged at start. */
  readonly warnings: ReadonlyArray<string>
}

export const DEFAULT_LISTEN_ADDRESS = "127.0.0.1"
export const DEFAULT_LISTEN_PORT = 7370
export const ZOOKEEPER_PORT = 2181

export const defaultConfig: ApiConfig = {
  source: "embedded default",
  coordinators: [],
  chroot: undefined,
  listenAddress: DEFAULT_LISTEN_ADDRESS,
  listenPort: DEFAULT_LISTEN_PORT,
  logLevel: "Info",
  auth: { enabled: false, secretKey: "", tokens: [] },
  ssl: { enabled: false, certFile: "", keyFile: "" },
  warnings: []
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

// "<what>\n  at <key>" → "<key>: <what>": the refusal is one line.
const oneLine = (text: string): string => {
  const located = /^([\s\S]*?)\n\s*at (\S+)$/.exec(text.trim())
  const flat = (t: string) => t.trim().replace(/\s*\n\s*/g, "; ")
  return located === null ? flat(text) : `${located[2]}: ${flat(located[1]!)}`
}

export interface Coordinators {
  readonly hosts: ReadonlyArray<string>
  readonly chroot: string | undefined
}

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)(?::(\d{1,5}))?$/
const CHROOT = /^(?:\/[^/\s]+)+$/

/** One `host[:port][/chroot]` piece of a coordinators entry: the `host:port` and chroot, or what is wrong. */
const parseServer = (piece: string): { hostPort: string; chroot: string | undefined } | string => {
  const slash = piece.indexOf("/")
  const hostPart = slash < 0 ? piece : piece.slice(0, slash)
  const chroot = slash < 0 ? undefined : piece.slice(slash).replace(/\/+$/, "")
  const match = HOST_PORT.exec(hostPart)
  if (match === null) return `"${piece}" is not a host name, address or host:port`
  const port = match[2] === undefined ? ZOOKEEPER_PORT : Number(match[2])
  if (port < 1 || port > 65535) return `"${piece}": port ${match[2]} is out of range`
  if (chroot !== undefined && chroot !== "" && !CHROOT.test(chroot)) return `"${piece}": "${chroot}" is not a ZooKeeper path`
  return { hostPort: `${match[1]}:${port}`, chroot: chroot === "" ? undefined : chroot }
}

/**
 * The coordinators as the original hands them to its ZooKeeper client: bare host names (port 2181),
 * `host:port`, comma-separated lists, and a `/chroot` suffix (one chroot for the whole list).
 */
export const parseCoordinators = (
  value: ReadonlyArray<string> | string
): { readonly ok: Coordinators } | { readonly problem: string } => {
  const entries = typeof value === "string" ? [value] : value
  const hosts: Array<string> = []
  const chroots = new Set<string>()
  for (const [i, entry] of entries.entries()) {
    const key = typeof value === "string" ? "pvc.coordinators" : `pvc.coordinators[${i}]`
    const pieces = entry.split(",").map((p) => p.trim()).filter((p) => p.length > 0)
    if (pieces.length === 0) return { problem: `${key}: empty; give a coordinator host name` }
    for (const piece of pieces) {
      const server = parseServer(piece)
      if (typeof server === "string") return { problem: `${key}: ${server}` }
      hosts.push(server.hostPort)
      if (server.chroot !== undefined) chroots.add(server.chroot)
    }
  }
  if (chroots.size > 1) {
    return { problem: `pvc.coordinators: more than one chroot (${[...chroots].join(", ")}); give one, after the last host` }
  }
  return { ok: { hosts, chroot: chroots.values().next().value } }
}

type File = typeof ConfigFile.Type

const tokensOf = (file: File): ReadonlyArray<ApiToken> =>
  (file.pvc.api.authentication?.tokens ?? []).map((t) => ({ description: t.description ?? "", token: t.token ?? "" }))

const fromFile = (path: string, file: File, coordinators: Coordinators): ApiConfig => {
  const api = file.pvc.api
  return {
    source: path,
    coordinators: coordinators.hosts,
    chroot: coordinators.chroot,
    listenAddress: api.listen_address,
    listenPort: api.listen_port,
    // The original's `debug: True` means extra output; an explicit `log_level` wins.
    logLevel: api.log_level ?? (file.pvc.debug === true ? "Debug" : "Info"),
    auth: {
      enabled: api.authentication?.enabled ?? false,
      secretKey: api.authentication?.secret_key ?? "",
      tokens: tokensOf(file)
    },
    ssl: {
      enabled: api.ssl?.enabled ?? false,
      certFile: api.ssl?.cert_file ?? "",
      keyFile: api.ssl?.key_file ?? ""
    },
    warnings: []
  }
}

/** Rules the schema cannot state: what an enabled feature needs. */
const crossCheck = (config: ApiConfig): string | undefined => {
  if (config.ssl.enabled && config.ssl.certFile === "") {
    return "pvc.api.ssl.cert_file: must be set when SSL is enabled (or set pvc.api.ssl.enabled: False)"
  }
  if (config.ssl.enabled && config.ssl.keyFile === "") {
    return "pvc.api.ssl.key_file: must be set when SSL is enabled (or set pvc.api.ssl.enabled: False)"
  }
  return undefined
}

/**
 * Settings the original starts with that still deserve a line at start. Empty tokens (the sample
 * ships one) never authenticate; an empty secret key gets a random one for this process's sessions.
 */
const withAuthDefaults = (config: ApiConfig): ApiConfig => {
  if (!config.auth.enabled) return config
  const warnings: Array<string> = []
  config.auth.tokens.forEach((t, i) => {
    if (t.token === "") {
      warnings.push(`pvc.api.authentication.tokens[${i}] ("${t.description}") has an empty token, which never authenticates`)
    }
  })
  if (!config.auth.tokens.some((t) => t.token !== "")) {
    warnings.push(
      "pvc.api.authentication: enabled without a non-empty token: every request except GET /api/v1 is refused (401) until one is set"
    )
  }
  const randomKey = config.auth.secretKey === ""
  if (randomKey) {
    warnings.push(
      "pvc.api.authentication.secret_key is empty: login sessions use a random key and end when pvc-api restarts; set a secret_key"
    )
  }
  return {
    ...config,
    auth: { ...config.auth, secretKey: randomKey ? randomBytes(32).toString("base64url") : config.auth.secretKey },
    warnings
  }
}

export const parseConfig = (path: string, text: string): Effect.Effect<ApiConfig, ConfigInvalid> =>
  Effect.gen(function*() {
    const invalid = (message: string) => new ConfigInvalid({ path, message: `${path}: ${message}; correct the file` })
    // The original reads its file with PyYAML, a YAML 1.1 parser (`yes`/`no`/`on`/`off` are booleans).
    const yaml = yield* Effect.try({
      try: () => parseYaml(text, { version: "1.1" }) as unknown,
      // The parser's message shows the offending lines after its first line; the first says where.
      catch: (e) => invalid(`not valid YAML: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]!.replace(/:$/, "")}`)
    })
    if (yaml === null || yaml === undefined) return yield* invalid("empty; expected a `pvc:` section")
    const file = yield* Schema.decodeUnknownEffect(ConfigFile)(yaml).pipe(
      Effect.mapError((e) => invalid(oneLine(keyPaths(e.message))))
    )
    const coordinators = parseCoordinators(file.pvc.coordinators ?? [])
    if ("problem" in coordinators) return yield* invalid(coordinators.problem)
    const config = fromFile(path, file, coordinators.ok)
    const problem = crossCheck(config)
    if (problem !== undefined) return yield* invalid(problem)
    return withAuthDefaults(config)
  })

/** `ENOENT: no such file or directory, open 'x'` → `no such file or directory` (the path is named already). */
export const systemErrorText = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e)
  const code = (e as NodeJS.ErrnoException).code
  const text = e.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '[^']*'$/, "")
  return code === undefined ? text : `${text} (${code})`
}

export const loadConfig = (path: string): Effect.Effect<ApiConfig, ConfigInvalid> =>
  Effect.try({
    try: () => readFileSync(path, "utf8"),
    catch: (e) =>
      new ConfigInvalid({
        path,
        message: `${path}: cannot be read: ${systemErrorText(e)}; check the path given by --config or PVC_CONFIG_FILE`
      })
  }).pipe(Effect.flatMap((text) => parseConfig(path, text)))
