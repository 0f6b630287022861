import { HttpApiBuilder } from "effect/http-api"
import { PvcApi } from "../../api/PvcApi.ts"
import { login, loginForm } from "./login.ts"
import { logout } from "./logout.ts"
import { root, storage } from "./root.ts"

export const GeneralHandlers = HttpApiBuilder.group(PvcApi, "general", (handlers) =>
  handlers.handleAll({ root, storage, loginForm, login, logoutGet: logout, logout }))
