/*
 * Cluster simulator: one simulated pvcd per node (zk-layout §6) acting through the ClusterStore
 * port, on in-memory hypervisors (or given DomainDrivers). `makeSimulatedCluster` = in-memory
 * store + daemons; `layerSimulator` = daemons over any store (memory or ZooKeeper).
 */
export * from "./DaemonRules.ts"
export * from "./MemoryHypervisors.ts"
export * from "./Settled.ts"
export * from "./SimulatedCluster.ts"
export * from "./Simulator.ts"
export * from "./SimulatorConfig.ts"
