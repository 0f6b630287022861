/** The route declarations alone (no server): what `@pvc/client` derives its client from. */
export { AuthFailure, Message, PvcFailure } from "./Wire.ts"
export { FLAG_DESCRIPTION, OSD_OPTIONS, VALUE_TYPES } from "./Document.ts"
export { OPENAPI_PATH, PvcApi } from "./PvcApi.ts"
