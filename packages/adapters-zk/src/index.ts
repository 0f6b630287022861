export { layer, layerNoDeps, makeClusterStore } from "./ClusterStoreZk.ts"
export * as Layout from "./Layout.ts"
export { initCluster, seedCluster, type SeedOptions } from "./Bootstrap.ts"
export {
  layer as layerZkClient,
  makeZkClient,
  ZkClient,
  type ZkClientShape,
  type ZkCreateMode,
  ZkError,
  type ZkNodeStat,
  type ZkOp,
  type ZkState,
  type ZkWatcher,
  isConnectionProblem
} from "./ZkClient.ts"
export { listSubtree, whenConnected } from "./ZkTree.ts"
export { connectionString, layerConfig, parseCoordinators, ZkConfig, type ZkConfigShape } from "./ZkConfig.ts"
