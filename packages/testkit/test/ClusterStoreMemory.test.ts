import { layerMemory } from "../src/memory/ClusterStoreMemory.ts"
import { clusterStoreSuite } from "../src/contracts/ClusterStoreContract.ts"

clusterStoreSuite("memory", () => layerMemory())
