export * from "./Builders.ts"
export * from "./DomainXml.ts"
export * from "./CephText.ts"
export * from "./DemoCluster.ts"
