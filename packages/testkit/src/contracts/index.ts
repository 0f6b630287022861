export * from "./ClusterStoreContract.ts"
export * from "./CephStorageContract.ts"
export * from "./DomainDriverContract.ts"
export * from "./DomainXmlContract.ts"
