import { Duration, Effect } from "effect"
import { CephCommand, CephCommandFailed, CephCommandTimedOut, StoreUnavailable } from "@pvc/core"
import { Layout, type ZkClient, type ZkError } from "@pvc/adapters-zk"
import type { CephCli, CephCliError } from "./CephCli.ts"
import * as Ops from "./CephOps.ts"
import { encode } from "./CommandWire.ts"
import * as Zk from "./ZkOps.ts"

const Keys = Layout.Paths

type Env = CephCli | ZkClient

/**
 * Runs one storage command as the responsible node does: the Ceph CLI, then the `/ceph/...`
 * keys of zk-layout §5 (one transaction). Used by the node responder and by direct mode.
 */
export const execute = (
  command: CephCommand,
  provisioner: Ops.OsdProvisioner
): Effect.Effect<void, CephCliError | ZkError, Env> =>
  Effect.suspend((): Effect.Effect<void, CephCliError | ZkError, Env> =>
    CephCommand.$match(command, {
      OsdAdd: ({ node, device, weight }) =>
        Ops.osdAdd(provisioner, node, device, weight).pipe(
          Effect.flatMap((id) =>
            Zk.writeData([[Keys.osd(id), ""], [Keys.osdKey(id, "node"), node], [Keys.osdKey(id, "device"), device], [Keys.osdKey(id, "stats"), "{}"]])
          )
        ),
      OsdRemove: ({ id }) => Ops.osdRemove(provisioner, id).pipe(Effect.andThen(Zk.deleteTrees([Keys.osd(id)]))),
      OsdIn: ({ id }) => Ops.osdIn(id),
      OsdOut: ({ id }) => Ops.osdOut(id),
      OsdSet: ({ option }) => Ops.osdSet(option),
      OsdUnset: ({ option }) => Ops.osdUnset(option),
      PoolAdd: ({ name, pgs }) =>
        Ops.poolCreate(name, String(pgs)).pipe(
          Effect.andThen(Zk.writeData([
            [Keys.pool(name), ""],
            [Keys.poolKey(name, "pgs"), String(pgs)],
            [Keys.poolKey(name, "stats"), "{}"],
            [Keys.volumes(name), ""],
            [Keys.snapshots(name), ""]
          ]))
        ),
      PoolRemove: ({ name }) =>
        Ops.poolDelete(name).pipe(
          Effect.andThen(Zk.deleteTrees([Keys.pool(name), Keys.volumes(name), Keys.snapshots(name)]))
        ),
      VolumeAdd: ({ pool, name, bytes }) =>
        Ops.rbdCreate(pool, name, bytes).pipe(
          Effect.flatMap((info) =>
            Zk.writeData([
              [Keys.volume(pool, name), ""],
              [`${Keys.volume(pool, name)}/stats`, info],
              [Keys.snapshotsOf(pool, name), ""]
            ])
          )
        ),
      VolumeRemove: ({ pool, name }) =>
        Ops.rbdRemove(pool, name).pipe(
          Effect.andThen(Zk.deleteTrees([Keys.volume(pool, name), Keys.snapshotsOf(pool, name)]))
        ),
      SnapshotAdd: ({ pool, volume, name }) =>
        Ops.snapCreate(pool, volume, name).pipe(
          Effect.andThen(Zk.writeData([[Keys.snapshot(pool, volume, name), ""], [`${Keys.snapshot(pool, volume, name)}/stats`, "{}"]]))
        ),
      // pvcd deletes the key before `rbd snap rm`; we delete it only once Ceph agreed, so a
      // refused removal leaves the snapshot listed (same keys on success).
      SnapshotRemove: ({ pool, volume, name }) =>
        Ops.snapRemove(pool, volume, name).pipe(Effect.andThen(Zk.deleteTrees([Keys.snapshot(pool, volume, name)])))
    })
  )

/** Rewrites the periodically refreshed keys: `/ceph`, `/ceph/radosdf`, pool and OSD stats. */
export const refresh = (options: {
  /** Write status, df and pool stats (the primary coordinator's keepalive). */
  readonly primary: boolean
  /** Refresh the stats of OSDs whose `node` key names this node; undefined = every OSD. */
  readonly node: string | undefined
}): Effect.Effect<void, CephCliError | ZkError, Env> =>
  Effect.gen(function*() {
    const writes: Array<readonly [string, string]> = []
    if (options.primary) {
      const [status, df, pools] = yield* Effect.all([Ops.statusText, Ops.radosDfText, Ops.poolStatsAll], { concurrency: "unbounded" })
      writes.push([Keys.ceph, status], [Keys.radosdf, df])
      for (const name of yield* Zk.children(Keys.pools)) {
        const stats = pools.get(name)
        if (stats !== undefined) writes.push([Keys.poolKey(name, "stats"), JSON.stringify(stats)])
      }
    }
    const ids = yield* Zk.children(Keys.osds)
    const mine = yield* Effect.filter(ids, (id) =>
      options.node === undefined
        ? Effect.succeed(true)
        : Zk.get(Keys.osdKey(id, "node")).pipe(Effect.map((n) => n?.data === options.node))
    )
    if (mine.length > 0) {
      const stats = yield* Ops.osdStatsAll
      for (const id of mine) {
        const s = stats.get(id)
        if (s !== undefined) writes.push([Keys.osdKey(id, "stats"), JSON.stringify(s)])
      }
    }
    if (writes.length > 0) yield* Zk.writeData(writes)
  })

/** Deadline of a whole command (lock wait + Ceph + ZooKeeper); OSD changes wait for Ceph's data moves. */
export interface Deadlines {
  readonly default: Duration.Input
  readonly osd?: Duration.Input | undefined
}

export const deadlineOf = (command: CephCommand, d: Deadlines): Duration.Duration =>
  Duration.fromInputUnsafe(
    (command._tag === "OsdAdd" || command._tag === "OsdRemove") && d.osd !== undefined ? d.osd : d.default
  )

/** Port-level errors: Ceph's reason, the deadline, or the store. */
export const toPortError = (command: CephCommand) =>
  (e: CephCliError | ZkError): CephCommandFailed | CephCommandTimedOut | StoreUnavailable => {
    switch (e._tag) {
      case "ZkError":
        return new StoreUnavailable({ reason: `ZooKeeper ${e.code}${e.path === undefined ? "" : ` at ${e.path}`}: ${e.detail}`, cause: e })
      case "CephCliTimedOut":
        return new CephCommandTimedOut({ command: encode(command), seconds: e.seconds })
      default:
        return new CephCommandFailed({ command: encode(command), reason: e.reason })
    }
  }
