import { Duration, Effect } from "effect"
import { NodeName } from "@pvc/core"
import { layer as domainXmlLayer } from "../../../adapters-libvirt/src/DomainXmlLayer.ts"
import { domainDriverSuite } from "../../src/contracts/DomainDriverContract.ts"
import { makeMemoryHypervisors } from "../../src/simulator/MemoryHypervisors.ts"

// One cluster of in-memory hosts; every driver the contract asks for is a new, empty host in it,
// so that migrations between two of them work.
const hosts = makeMemoryHypervisors({ migrate: Duration.millis(5), shutdown: Duration.millis(5) })
let next = 0

domainDriverSuite(
  "simulator's in-memory hypervisors",
  Effect.sync(() => hosts.driver(NodeName.make(`host${++next}`))),
  domainXmlLayer
)
