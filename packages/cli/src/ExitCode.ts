import { AuthFailure, NoSuchEndpoint, PvcFailure, UnexpectedAnswer, Unreachable } from "@pvc/client"
import { Cause } from "effect"
import { CliError } from "effect/cli"
import { NotFound, UsageError } from "./Errors.ts"

/** 0 done, 1 refused by the API, 2 usage error, 3 cannot reach the API; and the one line for stderr. */
export const exitCode = (cause: Cause.Cause<unknown>): { readonly code: number; readonly line: string | undefined } => {
  const failure = cause.reasons.find((r) => r._tag === "Fail")
  const error = failure?._tag === "Fail" ? failure.error : undefined
  // effect/cli has already shown its own usage errors (with help).
  if (CliError.isCliError(error)) return { code: 2, line: undefined }
  if (error instanceof UsageError) return { code: 2, line: `pvc: ${error.message}` }
  if (error instanceof NotFound) return { code: 1, line: `pvc: ${error.message}` }
  if (error instanceof Unreachable) return { code: 3, line: `pvc: cannot reach the API at ${error.url}: ${error.message}` }
  if (error instanceof PvcFailure || error instanceof AuthFailure) return { code: 1, line: `pvc: ${error.message}` }
  if (error instanceof NoSuchEndpoint) return { code: 1, line: `pvc: not a PVC API there (HTTP ${error.status}): ${error.message}` }
  if (error instanceof UnexpectedAnswer) return { code: 1, line: `pvc: unexpected answer: ${error.message}` }
  return { code: 1, line: `pvc: ${Cause.pretty(cause).split("\n")[0]}` }
}
