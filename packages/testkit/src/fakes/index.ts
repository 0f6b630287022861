export * from "./CephStorageMemory.ts"
export { layerMemory as layerDomainDriverMemory, makeDomainDriverMemory } from "./DomainDriverMemory.ts"
