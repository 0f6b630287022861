import { type Context, Effect } from "effect"
import type zookeeper from "node-zookeeper-client"

type Phase = "starting" | "connected" | "unreachable"

export type LogLine = (level: "Info" | "Warning", message: string, annotations: Record<string, string>) => void

/** A log function for plain callbacks that writes through the loggers of the given Effect context. */
export const logLineWith = (context: Context.Context<never>): LogLine => (level, message, annotations) => {
  const line = level === "Info" ? Effect.logInfo(message) : Effect.logWarning(message)
  Effect.runForkWith(context)(line.pipe(Effect.annotateLogs(annotations)))
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * Turns the client's connection events into one log line per change of state: connected, lost,
 * unreachable (with the server and the reason; the client keeps retrying), session expired. Repeated
 * failed attempts while unreachable say nothing more.
 */
export class ConnectionReport {
  private phase: Phase = "starting"
  private problem: string | undefined
  /** Why the last attempt failed, while not connected. */
  reason: string | undefined

  private readonly log: LogLine

  constructor(log: LogLine) {
    this.log = log
  }

  socketError(error: unknown): void {
    this.problem = errorText(error)
  }

  connectTimedOut(ms: number | undefined): void {
    this.problem = `no TCP connection within ${ms === undefined ? "the connect timeout" : `${ms / 1000} s`}`
  }

  handshakeTimedOut(ms: number): void {
    this.problem = `no answer to the session handshake within ${ms / 1000} s`
  }

  /** A connection (attempt) ended; true when that changed the state (and was logged). */
  socketClosed(server: string, wasConnected: boolean): boolean {
    const reason = this.problem ?? "the server closed the connection"
    this.problem = undefined
    this.reason = reason
    const changed = wasConnected || this.phase !== "unreachable"
    if (wasConnected) {
      this.log("Warning", "lost the connection to ZooKeeper; reconnecting", { server, reason })
    } else if (changed) {
      this.log("Warning", "ZooKeeper is unreachable; retrying until it answers", { server, reason })
    }
    this.phase = "unreachable"
    return changed
  }

  connected(server: string, generation: number): void {
    this.reason = undefined
    if (this.phase !== "connected") this.log("Info", "connected to ZooKeeper", { server, session: String(generation) })
    this.phase = "connected"
  }

  expired(generation: number): void {
    this.reason = "the ZooKeeper session expired"
    this.phase = "starting"
    this.log("Warning", "the ZooKeeper session expired; opening a new one", { session: String(generation) })
  }
}

interface ManagerHooks {
  servers?: ReadonlyArray<{ readonly host: string; readonly port: number }>
  nextServerIndex?: number
  connectTimeout?: number
  onSocketConnectTimeout?: (this: ManagerHooks) => void
  onSocketError?: (this: ManagerHooks, error: unknown) => void
  onSocketClosed?: (this: ManagerHooks, hadError: boolean) => void
}

/** The server of the current (or last) connection attempt: the library advances the index once it is chosen. */
const currentServer = (manager: ManagerHooks): string => {
  const servers = manager.servers ?? []
  if (servers.length === 0) return "?"
  const server = servers[((manager.nextServerIndex ?? 1) - 1 + servers.length) % servers.length]!
  return `${server.host}:${server.port}`
}

/**
 * Feeds a client's socket errors, connect timeouts and closes to `report` (instance-level hooks: `connect` binds these
 * methods anew for every socket). `connectedNow` says whether the session is connected;
 * `active` is false once the client is closed or replaced.
 */
export const watchSocket = (
  client: zookeeper.Client,
  report: ConnectionReport,
  hooks: {
    readonly connectedNow: () => boolean
    readonly active: () => boolean
    /** A failed attempt or a lost connection changed the state (not called again per retry). */
    readonly unreachable: (reason: string) => void
  }
): { readonly server: () => string } => {
  const manager = (client as unknown as { connectionManager?: ManagerHooks }).connectionManager
  if (manager === undefined) return { server: () => "?" }
  const onError = manager.onSocketError
  const onClosed = manager.onSocketClosed
  const onConnectTimeout = manager.onSocketConnectTimeout
  manager.onSocketConnectTimeout = function() {
    if (hooks.active()) report.connectTimedOut(manager.connectTimeout)
    onConnectTimeout?.call(this)
  }
  manager.onSocketError = function(error) {
    if (hooks.active()) report.socketError(error)
    onError?.call(this, error)
  }
  manager.onSocketClosed = function(hadError) {
    const wasConnected = hooks.connectedNow()
    const changed = hooks.active() && report.socketClosed(currentServer(manager), wasConnected)
    onClosed?.call(this, hadError)
    // A lost session is published through the client's own DISCONNECTED state; a failed attempt has none.
    if (changed && !wasConnected) hooks.unreachable(report.reason ?? "")
  }
  return { server: () => currentServer(manager) }
}
