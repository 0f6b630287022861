import { Duration, Effect, Result } from "effect"
import type { CephCommand } from "@pvc/core"
import { Layout, ZkClient, type ZkError } from "@pvc/adapters-zk"
import * as Zk from "./ZkOps.ts"

const { Paths } = Layout

/**
 * Who answers a `/ceph/cmd` command and whether it can (zk-layout §5.1, §2): the node named in
 * `osd_add`, the OSD's node (`/ceph/osds/<id>/node`) for the other OSD commands, the primary
 * coordinator (`/primary_node`) for the rest. A node can answer while its `ceph-agent` presence
 * key exists (docs/zk-layout-additions.md) or while its daemon state is `run` with a keepalive
 * younger than 30 s (the 6 × 5 s rule the coordinators fence by).
 */

/** Keepalive age after which coordinators consider a node dead (`keepalive_interval` × `fence_intervals`). */
export const KEEPALIVE_LIMIT_SECONDS = 30

/** The node named at `source` (`value` undefined: the key is missing); `''` and `none` name none. */
export const nodeFrom = (source: string, value: string | undefined): Result.Result<string, string> => {
  const v = value?.trim() ?? ""
  if (value === undefined) return Result.fail(`${source} does not exist, so no node can answer`)
  return v === "" || v === "none" || v === "None" ? Result.fail(`${source} names no node ('${v}'), so no node can answer`) : Result.succeed(v)
}

export const resolve = (command: CephCommand): Effect.Effect<Result.Result<string, string>, ZkError, ZkClient> => {
  switch (command._tag) {
    case "OsdAdd":
      return Effect.succeed(nodeFrom("the command", command.node))
    case "OsdRemove":
    case "OsdIn":
    case "OsdOut": {
      const key = Paths.osdKey(command.id, "node")
      return Effect.map(Zk.get(key), (n) => nodeFrom(key, n?.data))
    }
    default:
      return Effect.map(Zk.get(Paths.primaryNode), (n) => nodeFrom(Paths.primaryNode, n?.data))
  }
}

export interface Signs {
  /** The `ceph-agent` presence key exists. */
  readonly present: boolean
  readonly daemonState: string | undefined
  /** `keepalive` value: epoch seconds as text. */
  readonly keepalive: string | undefined
}

/** Whether `node` can answer, from what ZooKeeper shows at `nowMs`; the reason when not. */
export const judge = (node: string, signs: Signs, nowMs: number): Result.Result<void, string> => {
  if (signs.present) return Result.void
  if (signs.daemonState !== "run") {
    return Result.fail(`node '${node}' is not running (daemon state '${signs.daemonState ?? "absent"}') and no ceph-agent is present`)
  }
  const beat = Number(signs.keepalive)
  const age = Math.floor(nowMs / 1000 - beat)
  if (signs.keepalive === undefined || !Number.isFinite(beat) || age >= KEEPALIVE_LIMIT_SECONDS) {
    return Result.fail(`node '${node}' sent no keepalive for ${Number.isFinite(age) ? `${age} s` : "ever"}`)
  }
  return Result.void
}

const signsOf = (node: string) =>
  Effect.gen(function*() {
    const zk = yield* ZkClient
    const [present, state, keepalive] = yield* Effect.all([
      zk.exists(Paths.cephAgent(node)),
      zk.stat(Paths.nodeKey(node, "daemonstate")),
      zk.stat(Paths.nodeKey(node, "keepalive"))
    ], { concurrency: "unbounded" })
    return { present, daemonState: state?.data, keepalive: keepalive?.data }
  })

/** The responsible node, if it can answer now; else why not. */
export const check = (command: CephCommand): Effect.Effect<Result.Result<string, string>, ZkError, ZkClient> =>
  Effect.gen(function*() {
    const node = yield* resolve(command)
    if (Result.isFailure(node)) return node
    const verdict = judge(node.success, yield* signsOf(node.success), Date.now())
    return Result.isFailure(verdict) ? Result.fail(verdict.failure) : node
  })

/**
 * Completes with the reason once `node` can no longer answer: its presence key is deleted, its
 * daemon state leaves `run`, or its keepalive grows too old. Polled every `every` (three reads):
 * a watch on keys that rarely change would stay registered long after the request.
 */
export const gone = (node: string, every: Duration.Input = "1 second"): Effect.Effect<string, never, ZkClient> =>
  Zk.resilient(Effect.gen(function*() {
    while (true) {
      const verdict = judge(node, yield* signsOf(node), Date.now())
      if (Result.isFailure(verdict)) return verdict.failure
      yield* Effect.sleep(every)
    }
  })).pipe(Effect.catch(() => Effect.never))
