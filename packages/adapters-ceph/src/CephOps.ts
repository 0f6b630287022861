import { Duration, Effect, Schedule, Schema } from "effect"
import { CephCli, CephCliFailed, type CephCliError } from "./CephCli.ts"
import {
  OsdDf,
  OsdDump,
  OsdStatusRow,
  osdStats,
  parseOsdStatusTable,
  poolStats,
  RadosDf,
  RbdInfo,
  SafeToDestroy
} from "./CephJson.ts"

/** How OSD daemons come into being and go away on a node (Ceph itself only knows ids). */
export interface OsdProvisioner {
  /** Prepares `device` as a new OSD, starts its daemon, returns the id. */
  readonly create: (device: string) => Effect.Effect<string, CephCliError, CephCli>
  /** Stops the daemon of OSD `id` (before it is purged). */
  readonly stop: (id: string) => Effect.Effect<void, CephCliError, CephCli>
}

const lastNumber = (argv: ReadonlyArray<string>, stdout: string) => {
  const id = stdout.trim().split("\n").at(-1)?.trim() ?? ""
  return /^\d+$/.test(id)
    ? Effect.succeed(id)
    : Effect.fail(new CephCliFailed({ argv, exitCode: 0, reason: `no OSD id in output: ${stdout.slice(-200)}` }))
}

/** A real node: `ceph-volume lvm create --bluestore` and the systemd unit `ceph-osd@<id>`. */
export const cephVolumeProvisioner: OsdProvisioner = {
  create: (device) =>
    Effect.gen(function*() {
      const cli = yield* CephCli
      yield* cli.exec(["ceph-volume", "lvm", "create", "--bluestore", "--data", device], { timeout: "10 minutes" })
      const listed = yield* cli.exec(["ceph-volume", "lvm", "list", device, "--format", "json"])
      const ids = Object.keys(Schema.decodeUnknownSync(Schema.Record(Schema.String, Schema.Unknown))(
        JSON.parse(listed.stdout)
      ))
      return yield* lastNumber(["ceph-volume", "lvm", "list", device], ids.join("\n"))
    }),
  stop: (id) => CephCli.use((cli) => cli.exec(["systemctl", "stop", `ceph-osd@${id}`]).pipe(Effect.asVoid))
}

/** Delegates to commands: `<add...> <device>` prints the id last; `<stop...> <id>`. */
export const commandProvisioner = (add: ReadonlyArray<string>, stop: ReadonlyArray<string>): OsdProvisioner => ({
  create: (device) =>
    CephCli.use((cli) => cli.exec([...add, device], { timeout: "5 minutes" })).pipe(
      Effect.flatMap(({ stdout }) => lastNumber([...add, device], stdout))
    ),
  stop: (id) => CephCli.use((cli) => cli.exec([...stop, id])).pipe(Effect.asVoid)
})

/** Ceph answers some bad requests with exit 0 and a message (`osd.9 does not exist.`). */
const failOnMessage = (argv: ReadonlyArray<string>, pattern: RegExp) => (out: { stdout: string; stderr: string }) => {
  const text = `${out.stderr}\n${out.stdout}`.trim()
  return pattern.test(text)
    ? Effect.fail(new CephCliFailed({ argv, exitCode: 0, reason: text.split("\n")[0] ?? text }))
    : Effect.void
}

const ceph = (args: ReadonlyArray<string>, notFound?: RegExp) =>
  CephCli.use((cli) => cli.run("ceph", args)).pipe(
    Effect.tap(failOnMessage(["ceph", ...args], notFound ?? /does not exist/)),
    Effect.asVoid
  )

export const osdSet = (option: string) => ceph(["osd", "set", option])
export const osdUnset = (option: string) => ceph(["osd", "unset", option])
export const osdIn = (id: string) => ceph(["osd", "in", id])
export const osdOut = (id: string) => ceph(["osd", "out", id])

export const osdDump = CephCli.use((cli) => cli.json(OsdDump, "ceph", ["osd", "dump"]))

const osdIsUp = (id: string) =>
  osdDump.pipe(Effect.map((d) => d.osds.some((o) => String(o.osd) === id && o.up === 1 && o.in === 1)))

/** Polls Ceph's own state until `check` holds; the caller's deadline bounds it. */
const until = <E>(check: Effect.Effect<boolean, E, CephCli>) =>
  check.pipe(
    Effect.repeat({ schedule: Schedule.spaced(Duration.millis(250)), until: (ok: boolean) => ok }),
    Effect.asVoid
  )

export const osdAdd = Effect.fn("CephOps.osdAdd")(function*(
  provisioner: OsdProvisioner,
  node: string,
  device: string,
  weight: string
) {
  const id = yield* provisioner.create(device)
  yield* ceph(["osd", "crush", "add", `osd.${id}`, weight, "root=default", `host=${node}`])
  yield* until(osdIsUp(id))
  return id
})

const flushPgStats = CephCli.use((cli) => cli.run("ceph", ["tell", "osd.*", "flush_pg_stats"])).pipe(Effect.ignore)

const safeToDestroy = (id: string) =>
  flushPgStats.pipe(
    Effect.andThen(CephCli.use((cli) => cli.json(SafeToDestroy, "ceph", ["osd", "safe-to-destroy", id]))),
    Effect.map((r) => r.safe_to_destroy.some((n) => String(n) === id))
  )

/** out → wait until its PGs live elsewhere → stop the daemon → purge (zk-layout §5.1 osd_remove). */
export const osdRemove = Effect.fn("CephOps.osdRemove")(function*(provisioner: OsdProvisioner, id: string) {
  yield* osdOut(id)
  yield* until(safeToDestroy(id))
  yield* provisioner.stop(id)
  yield* ceph(["osd", "down", id]).pipe(Effect.ignore)
  yield* ceph(["osd", "purge", id, "--yes-i-really-mean-it"])
})

export const poolCreate = Effect.fn("CephOps.poolCreate")(function*(name: string, pgs: string) {
  yield* ceph(["osd", "pool", "create", name, pgs, pgs], /already exists/)
  yield* ceph(["osd", "pool", "application", "enable", name, "rbd"])
})

/** Ceph insists on the name twice plus the flag (and `mon_allow_pool_delete`). */
export const poolDelete = (name: string) => ceph(["osd", "pool", "delete", name, name, "--yes-i-really-really-mean-it"])

const rbd = (args: ReadonlyArray<string>) => CephCli.use((cli) => cli.run("rbd", args))

/** Creates the image and returns the raw `rbd info --format json` output the layout stores. */
export const rbdCreate = Effect.fn("CephOps.rbdCreate")(function*(pool: string, name: string, bytes: number) {
  yield* rbd(["create", "--size", `${bytes}B`, `${pool}/${name}`])
  return yield* rbdInfoRaw(pool, name)
})

export const rbdInfoRaw = (pool: string, name: string) =>
  CephCli.use((cli) =>
    cli.json(RbdInfo, "rbd", ["info", `${pool}/${name}`]).pipe(
      Effect.andThen(cli.run("rbd", ["info", "--format", "json", `${pool}/${name}`])),
      Effect.map((o) => o.stdout)
    )
  )

/** Snapshots go with their volume (the layout drops their keys too), so purge them first. */
export const rbdRemove = (pool: string, name: string) =>
  rbd(["snap", "purge", "--no-progress", `${pool}/${name}`]).pipe(
    Effect.andThen(rbd(["rm", "--no-progress", `${pool}/${name}`])),
    Effect.asVoid
  )
export const snapCreate = (pool: string, volume: string, name: string) =>
  rbd(["snap", "create", "--no-progress", `${pool}/${volume}@${name}`]).pipe(Effect.asVoid)
export const snapRemove = (pool: string, volume: string, name: string) =>
  rbd(["snap", "rm", "--no-progress", `${pool}/${volume}@${name}`]).pipe(Effect.asVoid)

/** Raw `ceph status` text, as `/ceph` holds it. */
export const statusText = CephCli.use((cli) => cli.run("ceph", ["status"])).pipe(Effect.map((o) => o.stdout))
/** Raw `rados df` text, as `/ceph/radosdf` holds it. */
export const radosDfText = CephCli.use((cli) => cli.run("rados", ["df"])).pipe(Effect.map((o) => o.stdout))

/** Pool name → stats object of `/ceph/pools/<name>/stats`. */
export const poolStatsAll = CephCli.use((cli) => cli.json(RadosDf, "rados", ["df"])).pipe(
  Effect.map((df) => new Map(df.pools.map((p) => [p.name, poolStats(p)])))
)

/** OSD id → merged stats object of `/ceph/osds/<id>/stats`. */
export const osdStatsAll = Effect.gen(function*() {
  const cli = yield* CephCli
  const [dump, df, status] = yield* Effect.all([
    osdDump,
    cli.json(OsdDf, "ceph", ["osd", "df"]),
    cli.run("ceph", ["osd", "status"])
  ], { concurrency: "unbounded" })
  const rows = yield* Schema.decodeUnknownEffect(Schema.Array(OsdStatusRow))(parseOsdStatusTable(status.stdout)).pipe(
    Effect.orElseSucceed(() => [])
  )
  return new Map(dump.osds.map((o) => [
    String(o.osd),
    osdStats(o, df.nodes.find((n) => n.id === o.osd), rows.find((r) => r.id === String(o.osd)))
  ]))
})
