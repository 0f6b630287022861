import { Clock, Duration, Effect, Schema } from "effect"
import {
  CephCli,
  CephCliBadOutput,
  CephCliFailed,
  type CephCliError,
  CephWaitExpired,
  CommandDeadline,
  reasonOf,
  timeLeft
} from "./CephCli.ts"
import {
  LastStatSeq,
  OsdDf,
  OsdDump,
  OsdStatusRow,
  osdStats,
  parseFlushedSeqs,
  parseOsdStatusTable,
  poolStats,
  RadosDf,
  RbdInfo
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

/** What one look at Ceph found: the awaited state, or why not yet, in Ceph's words. */
export type Probe = { readonly done: true } | { readonly done: false; readonly why: string }
const done: Probe = { done: true }
const notYet = (why: string): Probe => ({ done: false, why })

export interface WaitSpec {
  /** What is awaited, for the reason: "osd.3 to come up". */
  readonly waitingFor: string
  /** Longest wait (the command deadline may shorten it). */
  readonly atMost: Duration.Input
  /** Of the time left to the command, how much to keep for what follows the wait. */
  readonly keep: (leftMs: number) => number
  readonly every: Duration.Input
}

/**
 * Looks at Ceph every `every` until `probe` is done. Bounded by `atMost` and by the command deadline
 * (less what the command still needs); on giving up fails with Ceph's last answer as the reason.
 * A probe that fails (a CLI error, or a call cut short by the bound) is an answer too.
 */
export const waitFor = Effect.fnUntraced(function*<R>(spec: WaitSpec, probe: Effect.Effect<Probe, CephCliError, R>) {
  const left = yield* timeLeft
  const budget = Math.min(Duration.toMillis(Duration.fromInputUnsafe(spec.atMost)), left - spec.keep(left))
  const stopAt = (yield* Clock.currentTimeMillis) + budget
  const seconds = Math.max(0, Math.round(budget / 100) / 10)
  let last: string | undefined
  while (true) {
    const remaining = stopAt - (yield* Clock.currentTimeMillis)
    if (remaining <= 0) {
      const why = last ?? "no time left before the command's deadline"
      return yield* new CephWaitExpired({
        waitingFor: spec.waitingFor,
        seconds,
        reason: `${why} (gave up after ${seconds} s waiting for ${spec.waitingFor})`
      })
    }
    const answer = yield* probe.pipe(
      Effect.catch((e): Effect.Effect<Probe> => Effect.succeed(notYet(e._tag === "CephCliTimedOut" && last !== undefined ? last : e.reason))),
      Effect.provideService(CommandDeadline, { giveUpAt: stopAt })
    )
    if (answer.done) return
    last = answer.why
    yield* Effect.sleep(Duration.millis(Math.min(Duration.toMillis(Duration.fromInputUnsafe(spec.every)), remaining)))
  }
})

/** Ceph's own view of OSD `id`: up and in, or what it is instead. */
const osdUpAndIn = (id: string) =>
  osdDump.pipe(Effect.map((d): Probe => {
    const o = d.osds.find((x) => String(x.osd) === id)
    if (o === undefined) return notYet(`osd.${id} is not in the OSD map`)
    if (o.up !== 1) return notYet(`osd.${id} is down (its daemon is not running?)`)
    return o.in === 1 ? done : notYet(`osd.${id} is up but out`)
  }))

/**
 * Puts `osd.<id>` at exactly one place in CRUSH, under `host=<node>`. `crush set` moves an item that
 * exists (`crush add` would add a second place when the starting daemon already put itself under its
 * hostname: osd_crush_update_on_start); an OSD that never booted is no item yet (ENOENT): `crush add`.
 */
const crushPlace = (id: string, weight: string, node: string) => {
  const where = [`osd.${id}`, weight, "root=default", `host=${node}`]
  return ceph(["osd", "crush", "set", ...where]).pipe(
    Effect.catchIf(
      (e) => e._tag === "CephCliFailed" && /ENOENT/.test(e.reason),
      () => ceph(["osd", "crush", "add", ...where])
    )
  )
}

export const osdAdd = Effect.fn("CephOps.osdAdd")(function*(
  provisioner: OsdProvisioner,
  node: string,
  device: string,
  weight: string
) {
  const id = yield* provisioner.create(device)
  yield* crushPlace(id, weight, node)
  yield* waitFor(
    { waitingFor: `osd.${id} to come up and in`, atMost: "2 minutes", keep: (ms) => Math.min(2000, ms / 10), every: "250 millis" },
    osdUpAndIn(id)
  )
  return id
})

/** `ceph osd safe-to-destroy` in its plain form: exit 0 only when safe (the JSON form exits 0 regardless). */
const safeToDestroy = (id: string) =>
  CephCli.use((cli) => cli.run("ceph", ["osd", "safe-to-destroy", id])).pipe(
    Effect.as(done),
    Effect.catchTag("CephCliFailed", (e) => Effect.succeed(notYet(e.reason)))
  )

/** Asks every live OSD to send its PG stats now; the sequence numbers they will carry. */
const flushPgStats = CephCli.use((cli) => cli.attempt("ceph", ["tell", "osd.*", "flush_pg_stats"])).pipe(
  Effect.flatMap((out) => {
    const seqs = parseFlushedSeqs(out.stdout)
    return seqs.length > 0
      ? Effect.succeed(seqs)
      : Effect.fail(new CephCliFailed({ argv: ["ceph", "tell", "osd.*", "flush_pg_stats"], exitCode: out.exitCode, reason: reasonOf(out.stderr, out.stdout, out.exitCode) }))
  })
)

/** Whether the manager holds the stats each OSD sent with its flush. */
const statsCaughtUp = (seqs: ReadonlyArray<{ readonly osd: string; readonly seq: bigint }>) =>
  CephCli.use((cli) =>
    Effect.forEach(seqs, ({ osd, seq }) =>
      cli.run("ceph", ["osd", "last-stat-seq", `osd.${osd}`]).pipe(
        Effect.flatMap(({ stdout }) =>
          Schema.decodeUnknownEffect(LastStatSeq)(stdout).pipe(
            Effect.mapError((e) => new CephCliBadOutput({ argv: ["ceph", "osd", "last-stat-seq", `osd.${osd}`], reason: e.message.slice(0, 200) }))
          )
        ),
        Effect.map((last) => last >= seq ? undefined : `osd.${osd} has not reported its PG stats since the flush (last-stat-seq ${last} < ${seq})`)
      ), { concurrency: 4 })
  ).pipe(Effect.map((lagging): Probe => {
    const why = lagging.find((w) => w !== undefined)
    return why === undefined ? done : notYet(why)
  }))

/**
 * Whether OSD `id` holds no data that is needed: `safe-to-destroy`, and when that says yes, again on
 * fresh stats (flushed, and the manager caught up), since stale stats can call an OSD safe too early.
 */
const drained = (id: string) =>
  safeToDestroy(id).pipe(
    Effect.flatMap((first) =>
      !first.done ? Effect.succeed(first) : flushPgStats.pipe(
        Effect.flatMap((seqs) =>
          waitFor({ waitingFor: "fresh PG stats", atMost: "30 seconds", keep: () => 0, every: "100 millis" }, statsCaughtUp(seqs))
        ),
        Effect.andThen(safeToDestroy(id))
      )
    )
  )

/** out → wait until its PGs live elsewhere → stop the daemon → purge (zk-layout §5.1 osd_remove). */
export const osdRemove = Effect.fn("CephOps.osdRemove")(function*(provisioner: OsdProvisioner, id: string) {
  yield* osdOut(id)
  yield* waitFor(
    { waitingFor: `osd.${id} to drain`, atMost: "10 minutes", keep: (ms) => Math.min(15_000, ms / 4), every: "1 second" },
    drained(id)
  )
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
