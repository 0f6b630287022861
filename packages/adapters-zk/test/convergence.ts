import { entityKey } from "@pvc/core"
import zookeeper from "node-zookeeper-client"
import { applyClientPatches } from "../src/ClientPatches.ts"
import { isMirrored, ROOT_KEYS, tracksChildren } from "../src/Layout.ts"
import { decodeTree, type DumpedNode, type IdentityView, type Mirror } from "../src/Mirror.ts"
import type { ZkClientShape } from "../src/ZkClient.ts"

/*
 * Helpers of the convergence tests and the convergence benchmark: a fresh full read of the
 * mirrored tree through an independent client, and its comparison with a mirror.
 */

// A plain client connected before the patches keeps the library's own reply framing, which loses
// the connection on a burst of replies: patch first.
applyClientPatches()

const zxid = (b: Buffer): number => b.readUInt32BE(0) * 2 ** 32 + b.readUInt32BE(4)

const call = <A>(run: (cb: (error: unknown, value: A, stat: zookeeper.Stat) => void) => void) =>
  new Promise<{ value: A; stat: zookeeper.Stat } | undefined>((resolve, reject) =>
    run((error, value, stat) => {
      if (!error) return resolve({ value, stat })
      if ((error as zookeeper.Exception).getCode?.() === zookeeper.Exception.NO_NODE) return resolve(undefined)
      reject(error)
    })
  )

/** At most `n` calls at a time (thousands of requests sent at once make the plain client lose its connection). */
const limiter = (n: number) => {
  let active = 0
  const waiting: Array<() => void> = []
  return async <A>(f: () => Promise<A>): Promise<A> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r))
    active++
    try {
      return await f()
    } finally {
      active--
      waiting.shift()?.()
    }
  }
}

/** Every mirrored znode under the root keys, read now (as the mirror holds them: children only where they are state). */
export const freshRead = async (client: zookeeper.Client): Promise<Map<string, DumpedNode>> => {
  const out = new Map<string, DumpedNode>()
  const limit = limiter(64)
  const read = async (path: string): Promise<void> => {
    const data = await limit(() => call<Buffer>((cb) => client.getData(path, cb)))
    if (data === undefined) return
    let children: Array<string> | undefined
    if (tracksChildren(path)) {
      const listed = await limit(() => call<Array<string>>((cb) => client.getChildren(path, cb)))
      if (listed === undefined) return
      // The list of another incarnation: read again (the writers are quiet, so this ends).
      if (zxid(listed.stat.czxid) !== zxid(data.stat.czxid)) return read(path)
      children = [...listed.value].sort()
    }
    out.set(path, {
      data: data.value === undefined || data.value === null ? "" : data.value.toString("utf8"),
      version: data.stat.version,
      czxid: zxid(data.stat.czxid),
      children
    })
    await Promise.all((children ?? []).map((c) => `${path}/${c}`).filter(isMirrored).map(read))
  }
  await Promise.all(ROOT_KEYS.map(read))
  return out
}

const viewOf = (tree: ReadonlyMap<string, DumpedNode>): IdentityView => ({
  data: (p) => tree.get(p)?.data,
  version: (p) => tree.get(p)?.version,
  czxid: (p) => tree.get(p)?.czxid,
  children: (p) => tree.get(p)?.children
})

const line = (entity: Parameters<typeof entityKey>[0], revision: string) =>
  `${entityKey(entity)} ${revision} ${JSON.stringify(entity)}`

/** The entities a tree decodes to, one sorted line each (key, revision, value). */
export const entitiesOf = (tree: ReadonlyMap<string, DumpedNode>): Array<string> =>
  decodeTree(tree.keys(), viewOf(tree))
    .flatMap(({ decoded, revision }) => (decoded._tag === "Decoded" ? [line(decoded.entity, revision)] : []))
    .sort()

/** The entities of the mirror's index, in the same form. */
export const indexedEntities = (mirror: Mirror): Array<string> =>
  [...mirror.index.entries()].map(({ entity, revision }) => line(entity, revision)).sort()

/** Differences between the mirror (tree and index) and a fresh read, at most `limit`. */
export const differences = (mirror: Mirror, fresh: ReadonlyMap<string, DumpedNode>, limit = 8): Array<string> => {
  const out: Array<string> = []
  const held = mirror.dump()
  for (const [path, node] of fresh) {
    const mine = held.get(path)
    if (mine === undefined) out.push(`missing ${path}`)
    else if (JSON.stringify(mine) !== JSON.stringify(node)) {
      out.push(`differs ${path}: held ${JSON.stringify(mine)} vs ZooKeeper ${JSON.stringify(node)}`)
    }
  }
  for (const path of held.keys()) if (!fresh.has(path)) out.push(`extra ${path}`)
  const expected = new Set(entitiesOf(fresh))
  const indexed = new Set(indexedEntities(mirror))
  for (const e of expected) if (!indexed.has(e)) out.push(`index lacks ${e.slice(0, 300)}`)
  for (const e of indexed) if (!expected.has(e)) out.push(`index has stale ${e.slice(0, 300)}`)
  return out.slice(0, limit)
}

/**
 * Wait until the mirror equals a fresh read (checked whenever the mirror is idle); milliseconds
 * taken. Fails with the differences after `timeout`.
 */
export const converged = async (mirror: Mirror, client: zookeeper.Client, timeout = 5_000): Promise<number> => {
  const start = performance.now()
  let last: Array<string> = ["never idle"]
  for (;;) {
    if (mirror.idle()) {
      const fresh = await freshRead(client)
      last = differences(mirror, fresh)
      if (last.length === 0) return performance.now() - start
    }
    if (performance.now() - start > timeout) {
      throw new Error(`the mirror did not converge within ${timeout} ms:\n  ${last.join("\n  ")}`)
    }
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** The same client without watches: a mirror on it misses every change (for the self-check and the write path). */
export const deaf = (zk: ZkClientShape): ZkClientShape => ({
  ...zk,
  raw: {
    getData: (path, _watcher, cb) => zk.raw.getData(path, undefined, cb),
    getChildren: (path, _watcher, cb) => zk.raw.getChildren(path, undefined, cb),
    exists: (path, _watcher, cb) => zk.raw.exists(path, undefined, cb)
  }
})

/** A raw writer: another ZooKeeper client, as node daemons, the `pvc` CLI or a reseed script are. */
export const writer = (client: zookeeper.Client) => {
  const ignoreNoNode = (error: unknown) => (error as zookeeper.Exception).getCode?.() === zookeeper.Exception.NO_NODE
  const self = {
    /** Every znode at and below `path`, deepest first (empty if absent). */
    subtree: async (path: string): Promise<Array<string>> => {
      const listed = await call<Array<string>>((cb) => client.getChildren(path, cb))
      if (listed === undefined) return []
      const below = await Promise.all(listed.value.map((c) => self.subtree(`${path}/${c}`)))
      return [...below.flat(), path]
    },
    /** One transaction creating these keys (parents first). */
    create: (entries: ReadonlyArray<readonly [string, string]>): Promise<void> =>
      new Promise((resolve, reject) => {
        const tx = client.transaction()
        for (const [path, value] of [...entries].sort(([a], [b]) => (a < b ? -1 : 1))) tx.create(path, Buffer.from(value))
        tx.commit((error) => (error ? reject(error) : resolve()))
      }),
    set: (path: string, value: string): Promise<void> =>
      new Promise((resolve, reject) =>
        client.setData(path, Buffer.from(value), (error) => (error && !ignoreNoNode(error) ? reject(error) : resolve()))
      ),
    /**
     * Delete these znodes (deepest first, as `subtree` lists them), all sent at once without
     * waiting between them, as kazoo's recursive delete does one by one.
     */
    removeAll: (paths: ReadonlyArray<string>): Promise<void> =>
      Promise.all(paths.map((path) =>
        new Promise<void>((resolve, reject) =>
          client.remove(path, (error) => (error && !ignoreNoNode(error) ? reject(error) : resolve()))
        )
      )).then(() => undefined)
  }
  return self
}
