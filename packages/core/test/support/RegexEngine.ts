// The use-case tests match `limit` with the real engine the API runs with.
export { layer as layerRegexEngine } from "@pvc/adapters-re2js"
