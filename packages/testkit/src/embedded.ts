// What the API's embedded mode runs (in-memory store, Ceph fake, simulated daemons, demo cluster),
// without the contract suites and arbitraries, which load vitest and fast-check.
export * from "./memory/ClusterStoreMemory.ts"
export * from "./fakes/index.ts"
export * from "./simulator/index.ts"
export * from "./demo/index.ts"
