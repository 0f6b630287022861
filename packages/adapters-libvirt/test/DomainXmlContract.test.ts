import { domainXmlSuite } from "../../testkit/src/contracts/DomainXmlContract.ts"
import { layer } from "../src/index.ts"

domainXmlSuite("fast-xml-parser codec", layer)
