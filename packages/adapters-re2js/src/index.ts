export { compile, layer } from "./Re2RegexEngine.ts"
