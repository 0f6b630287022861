import { HttpApiBuilder } from "effect/http-api"
import { PvcApi } from "../../api/PvcApi.ts"
import { define, modify } from "./definition.ts"
import { migrate, move, unmigrate } from "./placement.ts"
import { restart, shutdown, start, stop } from "./power.ts"
import { dump, get, list } from "./queries.ts"
import { remove, undefine } from "./removal.ts"

export const VmHandlers = HttpApiBuilder.group(PvcApi, "vm", (handlers) =>
  handlers.handleAll({
    list,
    get,
    dump,
    define,
    modify,
    undefine,
    remove,
    start,
    restart,
    shutdown,
    stop,
    move,
    migrate,
    unmigrate
  }))
