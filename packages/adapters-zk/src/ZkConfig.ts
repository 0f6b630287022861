import { Context, Layer } from "effect"

export interface ZkConfigShape {
  /** ZooKeeper servers, `host` or `host:port` (default port 2181). */
  readonly coordinators: ReadonlyArray<string>
  /** Optional chroot all paths live under (e.g. `/pvc-test-1`); the cluster layout starts there. */
  readonly chroot?: string | undefined
  /** Requested session timeout, ms. Default 10 000. */
  readonly sessionTimeout?: number | undefined
  /** Bound on one request while connected, ms. Default 5 000. */
  readonly requestTimeout?: number | undefined
  /** How long building the layer waits for the first connection and tree load, ms. Default 30 000. */
  readonly initialLoadTimeout?: number | undefined
}

export class ZkConfig extends Context.Service<ZkConfig, ZkConfigShape>()("pvc/adapters-zk/ZkConfig") {}

export const layerConfig = (config: ZkConfigShape): Layer.Layer<ZkConfig> => Layer.succeed(ZkConfig, config)

/** `host[:port]` list plus chroot → node-zookeeper-client connection string. */
export const connectionString = (config: ZkConfigShape): string => {
  const hosts = config.coordinators
    .map((c) => c.trim())
    .filter((c) => c.length > 0)
    .map((c) => (/:\d+$/.test(c) ? c : `${c}:2181`))
  if (hosts.length === 0) throw new Error("ZkConfig.coordinators is empty")
  const chroot = config.chroot === undefined || config.chroot === "/" ? "" : config.chroot
  return hosts.join(",") + chroot
}

/** Parse `PVC_TEST_ZK`-style strings: `host:port[,host:port][/chroot]`. */
export const parseCoordinators = (value: string): { coordinators: ReadonlyArray<string>; chroot?: string } => {
  const slash = value.indexOf("/")
  const hosts = slash < 0 ? value : value.slice(0, slash)
  const coordinators = hosts.split(/[,\s]+/).filter((h) => h.length > 0)
  return slash < 0 ? { coordinators } : { coordinators, chroot: value.slice(slash) }
}
