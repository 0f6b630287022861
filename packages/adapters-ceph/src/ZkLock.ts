import { randomUUID } from "node:crypto"
import { Effect, type Scope } from "effect"
import { type ZkFailed, ZkSession } from "./ZkSession.ts"

/**
 * kazoo's lock recipe, as pvcd uses it on `/ceph/cmd` (zk-layout §5.1): ephemeral-sequential
 * children `<uuid4 hex>__lock__<seq>` (write) / `__rlock__` (read), data = an identifier.
 * A writer waits for every lower sibling, a reader only for lower writers; waiting = a watch on
 * the nearest blocking predecessor.
 */
export type LockKind = "write" | "read"

const marker = { write: "__lock__", read: "__rlock__" } as const
const lockName = /(__r?lock__)(\d{10})$/

const sequenceOf = (name: string) => {
  const m = lockName.exec(name)
  return m === null ? undefined : { writer: m[1] === "__lock__", seq: Number(m[2]) }
}

/** Names of the siblings `mine` must wait for, nearest last. */
export const blockers = (children: ReadonlyArray<string>, mine: string, kind: LockKind): ReadonlyArray<string> => {
  const me = sequenceOf(mine)
  if (me === undefined) return []
  return children
    .flatMap((c) => {
      const s = sequenceOf(c)
      return s !== undefined && s.seq < me.seq && (kind === "write" || s.writer) ? [{ c, seq: s.seq }] : []
    })
    .sort((a, b) => a.seq - b.seq)
    .map((x) => x.c)
}

/** Holds the lock for the enclosing scope; interruption or scope end removes the lock node. */
export const acquire = (path: string, kind: LockKind): Effect.Effect<void, ZkFailed, ZkSession | Scope.Scope> =>
  Effect.gen(function*() {
    const zk = yield* ZkSession
    const node = yield* Effect.acquireRelease(
      zk.create(`${path}/${randomUUID().replaceAll("-", "")}${marker[kind]}`, randomUUID(), "ephemeralSequential"),
      (created) => zk.remove(created).pipe(Effect.ignore)
    )
    const mine = node.slice(path.length + 1)
    while (true) {
      const waitingFor = blockers(yield* zk.children(path), mine, kind).at(-1)
      if (waitingFor === undefined) return
      const pred = yield* zk.existsWatched(`${path}/${waitingFor}`)
      if (pred.value) yield* pred.changed
    }
  })

/** `/ceph/cmd` is created by the first writer (zk-layout §1); locks need it to exist. */
export const ensureNode = (path: string) =>
  ZkSession.use((zk) =>
    zk.get(path).pipe(
      Effect.flatMap((n) => (n === undefined ? zk.create(path, "").pipe(Effect.catch(() => Effect.void)) : Effect.void))
    )
  )
