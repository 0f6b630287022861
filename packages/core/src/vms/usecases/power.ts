import { Effect } from "effect"
import { decideAndCommit } from "../../shared/decideAndCommit.ts"
import { decideRestart, decideShutdown, decideStart, decideStop } from "../VmPlans.ts"

export const startVm = Effect.fn("Vm.start")(function*(ref: string) {
  return yield* decideAndCommit(decideStart(ref))
})

export const restartVm = Effect.fn("Vm.restart")(function*(ref: string) {
  return yield* decideAndCommit(decideRestart(ref))
})

export const shutdownVm = Effect.fn("Vm.shutdown")(function*(ref: string) {
  return yield* decideAndCommit(decideShutdown(ref))
})

export const stopVm = Effect.fn("Vm.stop")(function*(ref: string) {
  return yield* decideAndCommit(decideStop(ref))
})
