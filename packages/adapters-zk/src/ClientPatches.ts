import { createRequire } from "node:module"

/*
 * Work-arounds for node-zookeeper-client 1.1.3 at the scale of a large cluster (~100k watched
 * znodes), applied once to the library's prototypes:
 *
 * 1. Framing. `onSocketData` re-concatenates the rest of the buffer after every reply and recurses
 *    per reply (quadratic, deep stacks), and keeps a half-read frame across reconnections, so the
 *    next connect response is parsed from stale bytes and throws inside the socket handler, which
 *    kills the process. Here frames are cut out in a loop, one complete frame per call, the buffer
 *    is reset for every new socket, and a parse failure drops the connection instead of the process.
 * 2. SetWatches. On reconnection the library re-registers every watch in one request, which
 *    exceeds ZooKeeper's 1 MB request limit with tens of thousands of watches: the server closes
 *    the connection and the client loops. It is not sent; the mirror re-reads (and so re-watches)
 *    the tree after every reconnection instead.
 */

interface ConnectionManagerLike {
  socket: { destroy: () => void } | undefined
  pendingBuffer: Buffer | null
  onSocketData: (buffer: Buffer) => void
  __pvcSocket?: unknown
  __pvcBuffer?: Buffer | undefined
}

let applied = false

export const applyClientPatches = (): void => {
  if (applied) return
  applied = true
  const require = createRequire(import.meta.url)
  const base = require.resolve("node-zookeeper-client")
  const ConnectionManager = require(base.replace(/index\.js$/, "lib/ConnectionManager.js")) as {
    prototype: ConnectionManagerLike
  }
  const WatcherManager = require(base.replace(/index\.js$/, "lib/WatcherManager.js")) as {
    prototype: { isEmpty: () => boolean }
  }

  const original = ConnectionManager.prototype.onSocketData
  ConnectionManager.prototype.onSocketData = function(this: ConnectionManagerLike, chunk: Buffer) {
    if (this.__pvcSocket !== this.socket) {
      this.__pvcSocket = this.socket
      this.__pvcBuffer = undefined
    }
    let buffer = this.__pvcBuffer === undefined || this.__pvcBuffer.length === 0
      ? chunk
      : Buffer.concat([this.__pvcBuffer, chunk])
    let offset = 0
    try {
      while (buffer.length - offset >= 4) {
        const size = buffer.readInt32BE(offset)
        if (size < 0 || buffer.length - offset < size + 4) break
        this.pendingBuffer = null
        original.call(this, buffer.subarray(offset, offset + size + 4))
        offset += size + 4
      }
    } catch (error) {
      console.error("zk: dropping the connection after an unreadable reply", error)
      this.__pvcBuffer = undefined
      this.pendingBuffer = null
      this.socket?.destroy()
      return
    }
    buffer = buffer.subarray(offset)
    this.__pvcBuffer = buffer.length === 0 ? undefined : Buffer.from(buffer)
    this.pendingBuffer = null
  }

  WatcherManager.prototype.isEmpty = () => true
}
