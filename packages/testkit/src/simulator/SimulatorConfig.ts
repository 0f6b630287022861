import type { DomainDriverShape, NodeName } from "@pvc/core"
import { Duration } from "effect"

/** Durations of the simulated daemons; defaults follow pvcd (zk-layout §2, §6). */
export interface SimulatorTiming {
  readonly keepalive: Duration.Duration
  /** A `run` node whose keepalive is older than this is fenced. */
  readonly fenceAfter: Duration.Duration
  /** The "saving throws" between writing `dead` and recovering the node's VMs. */
  readonly fenceDelay: Duration.Duration
  readonly migrate: Duration.Duration
  readonly shutdown: Duration.Duration
  /** A graceful shutdown not done by then is turned into a destroy. */
  readonly shutdownTimeout: Duration.Duration
  /** How often waiting daemons look at the store again. */
  readonly poll: Duration.Duration
  readonly receiveTimeout: Duration.Duration
  readonly coldMigrationTimeout: Duration.Duration
  /** How long a flush waits for one VM to arrive or stop before going on with the next. */
  readonly flushWait: Duration.Duration
}

export const defaultTiming: SimulatorTiming = {
  keepalive: Duration.seconds(5),
  fenceAfter: Duration.seconds(30),
  fenceDelay: Duration.seconds(15),
  migrate: Duration.seconds(1),
  shutdown: Duration.seconds(1),
  shutdownTimeout: Duration.seconds(90),
  poll: Duration.seconds(1),
  receiveTimeout: Duration.seconds(90),
  coldMigrationTimeout: Duration.seconds(120),
  flushWait: Duration.seconds(180)
}

/** Random faults, drawn from the simulator's seeded generator (probabilities 0..1). */
export interface SimulatorFaults {
  readonly migrationFailureRate?: number
  readonly startRefusalRate?: number
}

export interface SimulatorOptions {
  readonly seed: number
  readonly faults?: SimulatorFaults
  /** Overrides, e.g. `{ keepalive: "1 second" }`. */
  readonly timing?: { readonly [K in keyof SimulatorTiming]?: Duration.Input }
  /**
   * The hypervisor of each node (e.g. real libvirt drivers). Absent: in-memory hypervisors, which
   * also lose their domains when a node is killed.
   */
  readonly drivers?: (node: NodeName) => DomainDriverShape
}

/** A small seeded generator (mulberry32): the same seed gives the same run. */
export const seededRandom = (seed: number): () => number => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const resolveTiming = (overrides: SimulatorOptions["timing"] = {}): SimulatorTiming => {
  const pick = (key: keyof SimulatorTiming) => {
    const value = overrides[key]
    return value === undefined ? defaultTiming[key] : Duration.fromInputUnsafe(value)
  }
  return {
    keepalive: pick("keepalive"),
    fenceAfter: pick("fenceAfter"),
    fenceDelay: pick("fenceDelay"),
    migrate: pick("migrate"),
    shutdown: pick("shutdown"),
    shutdownTimeout: pick("shutdownTimeout"),
    poll: pick("poll"),
    receiveTimeout: pick("receiveTimeout"),
    coldMigrationTimeout: pick("coldMigrationTimeout"),
    flushWait: pick("flushWait")
  }
}
