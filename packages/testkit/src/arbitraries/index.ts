export * from "./ArbEntities.ts"
export * from "./ArbCluster.ts"
export * from "./ArbOperations.ts"
export * from "./ClusterInvariants.ts"
