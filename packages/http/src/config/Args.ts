import { parseArgs } from "node:util"

export const USAGE = `Usage: pvc-api [--config <pvc-api.yaml>]

Serves the PVC HTTP API. The configuration file is the original API's pvc-api.yaml; without
--config, PVC_CONFIG_FILE names it, and without either the API serves an embedded demo cluster.

Options:
  --config <path>  the configuration file (overrides PVC_CONFIG_FILE)
  --help           print this text and exit
  --version        print the version and exit

Environment:
  PVC_CONFIG_FILE  the configuration file, when --config is not given
  PVC_LOG_LEVEL    Trace, Debug, Info, Warn, Error, Fatal or None (overrides pvc.api.log_level)
  PVC_SIMULATE=0   the embedded cluster without simulated node daemons
`

export type Command =
  | { readonly _tag: "Help" }
  | { readonly _tag: "Version" }
  | { readonly _tag: "Serve"; readonly configPath: string | undefined }
  | { readonly _tag: "Invalid"; readonly problem: string }

/** The command line: `--config <path>` or `--config=<path>` wins over `PVC_CONFIG_FILE`. */
export const parseCommand = (argv: ReadonlyArray<string>, env: NodeJS.ProcessEnv): Command => {
  let values: { config?: string | undefined; help?: boolean | undefined; version?: boolean | undefined }
  try {
    values = parseArgs({
      args: [...argv],
      options: { config: { type: "string" }, help: { type: "boolean", short: "h" }, version: { type: "boolean" } },
      strict: true,
      allowPositionals: false
    }).values
  } catch (e) {
    return { _tag: "Invalid", problem: e instanceof Error ? e.message.replace(/\. To specify .*$/s, "") : String(e) }
  }
  if (values.help === true) return { _tag: "Help" }
  if (values.version === true) return { _tag: "Version" }
  if (values.config === "") return { _tag: "Invalid", problem: "--config needs a path" }
  const fromEnv = env["PVC_CONFIG_FILE"]
  return { _tag: "Serve", configPath: values.config ?? (fromEnv === undefined || fromEnv === "" ? undefined : fromEnv) }
}
