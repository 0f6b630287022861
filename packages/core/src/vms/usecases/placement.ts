import { Effect } from "effect"
import type { Placement } from "../../nodes/NodeSelector.ts"
import { decideAndCommit } from "../../shared/decideAndCommit.ts"
import { decideMigrate, decideMove, decideUnmigrate } from "../VmPlans.ts"

export interface MigrateOptions extends Placement {
  readonly force: boolean
}

export const moveVm = Effect.fn("Vm.move")(function*(ref: string, placement: Placement = {}) {
  return yield* decideAndCommit(decideMove(ref, placement))
})

export const migrateVm = Effect.fn("Vm.migrate")(function*(ref: string, options: MigrateOptions) {
  return yield* decideAndCommit(decideMigrate(ref, options, options.force))
})

export const unmigrateVm = Effect.fn("Vm.unmigrate")(function*(ref: string) {
  return yield* decideAndCommit(decideUnmigrate(ref))
})
