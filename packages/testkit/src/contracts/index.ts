export * from "./ClusterStoreContract.ts"
export * from "./CephStorageContract.ts"
