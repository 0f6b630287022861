export * from "./Client.ts"
export * from "./Errors.ts"
export { connect, type PromiseClient } from "./Promise.ts"
export { AuthFailure, OSD_OPTIONS, PvcFailure } from "../../http/src/api/index.ts"
