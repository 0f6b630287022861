export * from "./memory/ClusterStoreMemory.ts"
