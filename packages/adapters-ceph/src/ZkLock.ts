import { randomUUID } from "node:crypto"
import { Effect, type Scope } from "effect"
import { ZkClient, ZkError } from "@pvc/adapters-zk"
import * as Zk from "./ZkOps.ts"

/**
 * kazoo's lock recipe (zk-layout §5.1): ephemeral-sequential children `<uuid4 hex>__lock__<seq>`
 * (write) / `__rlock__` (read), data = an identifier. A writer waits for every lower sibling, a
 * reader only for lower writers; waiting = a watch on the nearest blocking predecessor.
 *
 * Used on `/ceph/cmd` only by a responder (`ceph-agent`, as pvcd does), never by the API: a lock
 * child of `/ceph/cmd` that exists while a command is pending freezes a real pvcd (§5.1). The API
 * serializes its instances with the same recipe on its own key (`Layout.Paths.cephCmdLock`).
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

/** Removes every child carrying `prefix` (our lock node, also one whose create answer was lost). */
const removeOurs = (path: string, prefix: string) =>
  Zk.children(path).pipe(
    Effect.flatMap((kids) => Effect.forEach(kids.filter((k) => k.startsWith(prefix)), (k) => Zk.remove(`${path}/${k}`))),
    Effect.asVoid
  )

const lost = (path: string) =>
  new ZkError({ code: "SessionExpired", path, detail: "the lock node went away with its session" })

/**
 * Holds the lock for the enclosing scope; interruption or scope end removes the lock node. A lock
 * node lost with an expired session fails with a connection problem (`Zk.resilient` retries).
 */
export const acquire = (path: string, kind: LockKind): Effect.Effect<void, ZkError, ZkClient | Scope.Scope> =>
  Effect.gen(function*() {
    const zk = yield* ZkClient
    const prefix = randomUUID().replaceAll("-", "")
    const node = yield* Effect.acquireRelease(
      zk.create(`${path}/${prefix}${marker[kind]}`, randomUUID(), "ephemeralSequential").pipe(
        Effect.tapError(() => removeOurs(path, prefix).pipe(Effect.ignore))
      ),
      // A release during a connection loss waits for the same session to come back (else its
      // ephemeral node is gone anyway): a lock node left behind would block every later holder.
      () => Zk.resilient(removeOurs(path, prefix)).pipe(Effect.timeout("20 seconds"), Effect.ignore)
    )
    const mine = node.slice(path.length + 1)
    while (true) {
      const kids = yield* Zk.children(path)
      if (!kids.includes(mine)) return yield* lost(path)
      const waitingFor = blockers(kids, mine, kind).at(-1)
      if (waitingFor === undefined) return
      const pred = yield* Zk.watchedExists(`${path}/${waitingFor}`)
      if (pred.value) yield* pred.changed
    }
  })
