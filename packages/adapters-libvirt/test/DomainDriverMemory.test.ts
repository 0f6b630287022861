import { Effect } from "effect"
import { domainDriverSuite } from "../../testkit/src/contracts/DomainDriverContract.ts"
import { makeDomainDriverMemory } from "../../testkit/src/fakes/DomainDriverMemory.ts"
import { layer } from "../src/index.ts"

domainDriverSuite("in-memory fake", Effect.sync(makeDomainDriverMemory), layer)
