export * from "./ArbEntities.ts"
export * from "./ArbCluster.ts"
