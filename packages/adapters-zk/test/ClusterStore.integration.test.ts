import { clusterStoreSuite } from "@pvc/testkit"
import { freshStoreLayer, testZk } from "./support.ts"

testZk()
clusterStoreSuite("ZooKeeper", () => freshStoreLayer(), { numRuns: 10 })
