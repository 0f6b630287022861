export * from "./CephStorageMemory.ts"
