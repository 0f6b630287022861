#!/usr/bin/env node
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Exit } from "effect"
import { Command } from "effect/cli"
import { command } from "./Cli.ts"
import { exitCode } from "./ExitCode.ts"

const exit = await Effect.runPromiseExit(
  Command.runWith(command, { version: "0.1.0" })(process.argv.slice(2)).pipe(Effect.provide(NodeServices.layer))
)
if (Exit.isFailure(exit)) {
  const { code, line } = exitCode(exit.cause)
  if (line !== undefined) process.stderr.write(`${line}\n`)
  process.exitCode = code
}
