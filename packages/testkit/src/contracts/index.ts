export * from "./ClusterStoreContract.ts"
