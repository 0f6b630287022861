export * from "./DomainXmlLayer.ts"
export { absent, decodeDomainXml, notAvailable } from "./DomainXmlCodec.ts"
export { bytesPerUnit, memoryMiB } from "./MemoryUnits.ts"
export { maxXmlBytes, maxXmlDepth } from "./XmlTree.ts"
