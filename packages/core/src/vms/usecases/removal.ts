import { Context, Duration, Effect, Option, Stream } from "effect"
import { PoolName, VolumeName } from "../../domain/Ids.ts"
import type { RbdDisk, Vm } from "../../domain/Vm.ts"
import { WaitTimedOut } from "../../errors/StoreErrors.ts"
import { CephCommand, CephStorage } from "../../ports/CephStorage.ts"
import { ClusterStore } from "../../ports/ClusterStore.ts"
import { decideAndCommit } from "../../shared/decideAndCommit.ts"
import { isListedRunning } from "../VmLookup.ts"
import { decideDeleteState, decideRemoveVm, decideStopForRemoval } from "../VmPlans.ts"

/** How long undefine/remove wait, in seconds, for the daemons to stop the VM. */
export const VmStopTimeout = Context.Reference<number>("pvc/core/vms/VmStopTimeout", {
  defaultValue: () => 30
})

/** Waits on the store's change feed (no polling) until no node reports the VM as running. */
const awaitStopped = Effect.fnUntraced(function*(vm: Vm) {
  const store = yield* ClusterStore
  const seconds = yield* VmStopTimeout
  const timedOut = new WaitTimedOut({ what: `VM ${vm.name} to stop`, seconds })
  const stopped = yield* store.changes.pipe(
    Stream.filter((snapshot) => !isListedRunning(snapshot, vm.uuid)),
    Stream.runHead,
    Effect.timeoutOrElse({ duration: Duration.seconds(seconds), orElse: () => Effect.fail(timedOut) })
  )
  if (Option.isNone(stopped)) return yield* timedOut
})

const undefine = Effect.fnUntraced(function*(ref: string) {
  const { vm } = yield* decideAndCommit(decideStopForRemoval(ref))
  yield* awaitStopped(vm)
  yield* decideAndCommit(decideDeleteState(vm.uuid))
  return yield* decideAndCommit(decideRemoveVm(vm.uuid))
})

/** Stop, wait until no node runs it, mark it `delete`, then delete it; its volumes stay. */
export const undefineVm = Effect.fn("Vm.undefine")(function*(ref: string) {
  return yield* undefine(ref)
})

export interface VolumeFailure {
  readonly disk: string
  readonly reason: string
}

const removeVolume = Effect.fnUntraced(function*(disk: RbdDisk) {
  const slash = disk.indexOf("/")
  if (slash <= 0 || slash === disk.length - 1) {
    return Option.some<VolumeFailure>({ disk, reason: "not a pool/volume name" })
  }
  const command = CephCommand.VolumeRemove({
    pool: PoolName.make(disk.slice(0, slash)),
    name: VolumeName.make(disk.slice(slash + 1))
  })
  return yield* (yield* CephStorage).run(command).pipe(
    Effect.as(Option.none<VolumeFailure>()),
    Effect.catchTags({
      CephCommandFailed: (e) => Effect.succeed(Option.some({ disk, reason: e.reason })),
      CephCommandTimedOut: (e) => Effect.succeed(Option.some({ disk, reason: `no answer within ${e.seconds} s` })),
      StoreUnavailable: (e) => Effect.succeed(Option.some({ disk, reason: e.reason }))
    })
  )
})

/** Undefine, then remove each RBD volume of the VM, reporting the ones that failed. */
export const removeVm = Effect.fn("Vm.remove")(function*(ref: string) {
  const { vm } = yield* undefine(ref)
  const failures: Array<VolumeFailure> = []
  for (const disk of vm.rbdList) {
    const failure = yield* removeVolume(disk)
    if (Option.isSome(failure)) failures.push(failure.value)
  }
  return { vm, volumeFailures: failures as ReadonlyArray<VolumeFailure> }
})
