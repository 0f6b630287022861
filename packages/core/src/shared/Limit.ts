import { Result, Schema } from "effect"

export class InvalidLimit extends Schema.TaggedError<InvalidLimit>()("InvalidLimit", {
  limit: Schema.String,
  reason: Schema.String
}) {}

/** Tests a candidate name against a compiled `limit`. */
export type LimitMatcher = (candidate: string) => boolean

export const MAX_LIMIT_LENGTH = 1024
export const MAX_REPEAT = 1000
/** Bound on the compiled program: matching costs O(candidate length × program size). */
export const MAX_PROGRAM_SIZE = 5000

/**
 * Compile a fuzzy `limit` (decisions.md): `.*` is put in front and after, and the result must
 * match the whole candidate. The wrappers enclose the whole expression as a group, and `^`/`$`
 * are anchors, so a leading `^` or trailing `$` suppresses the wrapper on its side and `a|b`
 * means "contains a or b". Matching simulates the NFA (with a lazily built, bounded DFA cache):
 * linear in the candidate's length whatever the pattern, so pathological patterns cannot hold a
 * request.
 */
export const compileLimit = (limit: string): Result.Result<LimitMatcher, InvalidLimit> => {
  if (limit.length > MAX_LIMIT_LENGTH) {
    return Result.fail(new InvalidLimit({ limit, reason: `longer than ${MAX_LIMIT_LENGTH} characters` }))
  }
  try {
    const parsed = new Parser(codePoints(limit)).parse()
    const anything: Ast = { t: "repeat", node: { t: "set", set: ANY }, min: 0, max: Infinity }
    const program = compile({ t: "cat", items: [anything, parsed, anything] })
    return Result.succeed(makeMatcher(program))
  } catch (e) {
    if (e instanceof Refusal) return Result.fail(new InvalidLimit({ limit, reason: e.reason }))
    throw e
  }
}

// ---------------------------------------------------------------------------------------------
// Character sets: sorted code point ranges, possibly negated.

type Range = readonly [number, number]
interface CharSet {
  readonly ranges: ReadonlyArray<Range>
  readonly negated: boolean
}

const MAX_CODE_POINT = 0x10ffff
const DIGIT: ReadonlyArray<Range> = [[0x30, 0x39]]
const WORD: ReadonlyArray<Range> = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]]
// JavaScript's \s: WhiteSpace and LineTerminator.
const SPACE: ReadonlyArray<Range> = [
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029],
  [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]
]
const ANY: CharSet = { ranges: [], negated: true }

const complement = (ranges: ReadonlyArray<Range>): ReadonlyArray<Range> => {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0])
  const out: Array<Range> = []
  let next = 0
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1])
    next = Math.max(next, hi + 1)
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT])
  return out
}

const inSet = (set: CharSet, c: number): boolean => {
  let hit = false
  for (const [lo, hi] of set.ranges) {
    if (c >= lo && c <= hi) {
      hit = true
      break
    }
  }
  return hit !== set.negated
}

const isWordChar = (c: number | undefined) =>
  c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x61 && c <= 0x7a))

const codePoints = (text: string): ReadonlyArray<number> => {
  const out: Array<number> = []
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i)!
    out.push(c)
    if (c > 0xffff) i++
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Parser: pattern text → syntax tree.

type Anchor = "start" | "end" | "wordBoundary" | "notWordBoundary"
type Ast =
  | { readonly t: "empty" }
  | { readonly t: "set"; readonly set: CharSet }
  | { readonly t: "cat"; readonly items: ReadonlyArray<Ast> }
  | { readonly t: "alt"; readonly items: ReadonlyArray<Ast> }
  | { readonly t: "repeat"; readonly node: Ast; readonly min: number; readonly max: number }
  | { readonly t: "assert"; readonly anchor: Anchor }

/** Why a pattern is refused; thrown inside the parser and compiler only. */
class Refusal {
  readonly reason: string
  constructor(reason: string) {
    this.reason = reason
  }
}

const ch = (s: string) => s.codePointAt(0)!
const literal = (c: number): Ast => ({ t: "set", set: { ranges: [[c, c]], negated: false } })
const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39
const isAsciiAlnum = (c: number) => isWordChar(c) && c !== 0x5f

const SIMPLE_ESCAPES: ReadonlyMap<number, number> = new Map([
  [ch("n"), 0x0a], [ch("t"), 0x09], [ch("r"), 0x0d], [ch("f"), 0x0c], [ch("v"), 0x0b]
])
const CLASS_ESCAPES: ReadonlyMap<number, CharSet> = new Map([
  [ch("d"), { ranges: DIGIT, negated: false }],
  [ch("D"), { ranges: DIGIT, negated: true }],
  [ch("w"), { ranges: WORD, negated: false }],
  [ch("W"), { ranges: WORD, negated: true }],
  [ch("s"), { ranges: SPACE, negated: false }],
  [ch("S"), { ranges: SPACE, negated: true }]
])

class Parser {
  private pos = 0
  private readonly src: ReadonlyArray<number>
  constructor(src: ReadonlyArray<number>) {
    this.src = src
  }

  parse(): Ast {
    const ast = this.alternation()
    if (this.pos < this.src.length) throw new Refusal(`unbalanced parenthesis at position ${this.pos}`)
    return ast
  }

  private peek(offset = 0): number | undefined {
    return this.src[this.pos + offset]
  }

  private eat(c: string): boolean {
    if (this.peek() !== ch(c)) return false
    this.pos++
    return true
  }

  private alternation(): Ast {
    const items = [this.sequence()]
    while (this.eat("|")) items.push(this.sequence())
    return items.length === 1 ? items[0]! : { t: "alt", items }
  }

  private sequence(): Ast {
    const items: Array<Ast> = []
    for (let c = this.peek(); c !== undefined && c !== ch("|") && c !== ch(")"); c = this.peek()) {
      const atom = this.atom()
      items.push(this.quantified(atom))
    }
    return items.length === 0 ? { t: "empty" } : items.length === 1 ? items[0]! : { t: "cat", items }
  }

  private quantified(atom: Ast): Ast {
    const bounds = this.quantifier()
    if (bounds === undefined) return atom
    if (atom.t === "assert") throw new Refusal(`nothing to repeat at position ${this.pos - 1}`)
    this.eat("?") // lazy and greedy match the same candidates
    if (this.quantifierAhead()) throw new Refusal(`multiple repeat at position ${this.pos}`)
    return { t: "repeat", node: atom, min: bounds[0], max: bounds[1] }
  }

  private quantifierAhead(): boolean {
    const c = this.peek()
    if (c === ch("*") || c === ch("+") || c === ch("?")) return true
    return c === ch("{") && this.braces() !== undefined
  }

  private quantifier(): readonly [number, number] | undefined {
    if (this.eat("*")) return [0, Infinity]
    if (this.eat("+")) return [1, Infinity]
    if (this.eat("?")) return [0, 1]
    if (this.peek() !== ch("{")) return undefined
    const braces = this.braces()
    if (braces === undefined) return undefined
    this.pos = braces.end
    return [braces.min, braces.max]
  }

  /** `{m}`, `{m,}` or `{m,n}` at the current position, without consuming it. */
  private braces(): { min: number; max: number; end: number } | undefined {
    let i = this.pos + 1
    const number = () => {
      const start = i
      while (isDigit(this.src[i])) i++
      return i === start ? undefined : Number(String.fromCodePoint(...this.src.slice(start, i)))
    }
    const min = number()
    if (min === undefined) return undefined
    let max = min
    if (this.src[i] === ch(",")) {
      i++
      max = number() ?? Infinity
    }
    if (this.src[i] !== ch("}")) return undefined
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) {
      throw new Refusal(`repetition count above ${MAX_REPEAT}`)
    }
    if (min > max) throw new Refusal(`min repeat greater than max repeat at position ${this.pos}`)
    return { min, max, end: i + 1 }
  }

  private atom(): Ast {
    const start = this.pos
    const c = this.src[this.pos++]!
    switch (c) {
      case ch("("):
        return this.group(start)
      case ch("["):
        return { t: "set", set: this.charClass(start) }
      case ch("."):
        return { t: "set", set: ANY }
      case ch("^"):
        return { t: "assert", anchor: "start" }
      case ch("$"):
        return { t: "assert", anchor: "end" }
      case ch("\\"):
        return this.escape()
      case ch("*"):
      case ch("+"):
      case ch("?"):
        throw new Refusal(`nothing to repeat at position ${start}`)
      case ch("{"):
        this.pos = start
        if (this.braces() !== undefined) throw new Refusal(`nothing to repeat at position ${start}`)
        this.pos = start + 1
        return literal(c)
      default:
        return literal(c)
    }
  }

  private group(start: number): Ast {
    if (this.eat("?")) this.groupKind(start)
    const inner = this.alternation()
    if (!this.eat(")")) throw new Refusal(`missing ), unterminated subpattern at position ${start}`)
    // A group may be repeated even when it holds only an assertion.
    return inner.t === "assert" ? { t: "cat", items: [inner] } : inner
  }

  /** Accepts `(?:` and named groups; refuses what a linear-time engine cannot do. */
  private groupKind(start: number): void {
    if (this.eat(":")) return
    if (this.eat("=") || this.eat("!")) throw new Refusal(`lookahead is not supported (position ${start})`)
    const python = this.eat("P")
    if (python && this.eat("=")) throw new Refusal(`backreferences are not supported (position ${start})`)
    if (!this.eat("<")) throw new Refusal(`unsupported group syntax at position ${start}`)
    if (!python && (this.eat("=") || this.eat("!"))) {
      throw new Refusal(`lookbehind is not supported (position ${start})`)
    }
    const nameStart = this.pos
    while (this.peek() !== undefined && isWordChar(this.peek())) this.pos++
    if (this.pos === nameStart || isDigit(this.src[nameStart]) || !this.eat(">")) {
      throw new Refusal(`invalid group name at position ${nameStart}`)
    }
  }

  private charClass(start: number): CharSet {
    const negated = this.eat("^")
    const ranges: Array<Range> = []
    let first = true
    for (;;) {
      const c = this.peek()
      if (c === undefined) throw new Refusal(`unterminated character set at position ${start}`)
      if (c === ch("]") && !first) {
        this.pos++
        return { ranges, negated }
      }
      first = false
      const low = this.classAtom()
      if (this.peek() === ch("-") && this.peek(1) !== undefined && this.peek(1) !== ch("]")) {
        this.pos++
        const high = this.classAtom()
        if (typeof low !== "number" || typeof high !== "number") {
          throw new Refusal(`bad character range at position ${this.pos}`)
        }
        if (low > high) throw new Refusal(`bad character range at position ${this.pos}`)
        ranges.push([low, high])
      } else if (typeof low === "number") {
        ranges.push([low, low])
      } else {
        ranges.push(...(low.negated ? complement(low.ranges) : low.ranges))
      }
    }
  }

  /** One member of a class: a code point, or a class escape such as `\d`. */
  private classAtom(): number | CharSet {
    const c = this.src[this.pos++]!
    if (c !== ch("\\")) return c
    const e = this.src[this.pos++]
    if (e === undefined) throw new Refusal("pattern ends with a backslash")
    if (e === ch("b")) return 0x08
    const set = CLASS_ESCAPES.get(e)
    if (set !== undefined) return set
    return this.characterEscape(e)
  }

  private escape(): Ast {
    const e = this.src[this.pos++]
    if (e === undefined) throw new Refusal("pattern ends with a backslash")
    if (e === ch("b")) return { t: "assert", anchor: "wordBoundary" }
    if (e === ch("B")) return { t: "assert", anchor: "notWordBoundary" }
    // Python's absolute anchors, for limits written against the original API.
    if (e === ch("A")) return { t: "assert", anchor: "start" }
    if (e === ch("Z") || e === ch("z")) return { t: "assert", anchor: "end" }
    const set = CLASS_ESCAPES.get(e)
    if (set !== undefined) return { t: "set", set }
    return literal(this.characterEscape(e))
  }

  /** The code point of an escape other than a class or an assertion. */
  private characterEscape(e: number): number {
    const simple = SIMPLE_ESCAPES.get(e)
    if (simple !== undefined) return simple
    if (e === ch("0") && !isDigit(this.peek())) return 0
    if (isDigit(e)) throw new Refusal(`backreferences are not supported (\\${String.fromCodePoint(e)})`)
    if (e === ch("k")) throw new Refusal("backreferences are not supported (\\k)")
    if (e === ch("x")) return this.hex(2, 2)
    if (e === ch("u")) return this.eat("{") ? this.braceHex() : this.hex(4, 4)
    if (e === ch("p") || e === ch("P")) throw new Refusal("unicode property escapes are not supported")
    if (isAsciiAlnum(e)) throw new Refusal(`bad escape \\${String.fromCodePoint(e)}`)
    return e
  }

  private hex(min: number, max: number): number {
    const start = this.pos
    while (this.pos - start < max && /^[0-9a-fA-F]$/.test(String.fromCodePoint(this.peek() ?? 0))) this.pos++
    if (this.pos - start < min) throw new Refusal(`incomplete hex escape at position ${start}`)
    return parseInt(String.fromCodePoint(...this.src.slice(start, this.pos)), 16)
  }

  private braceHex(): number {
    const value = this.hex(1, 6)
    if (!this.eat("}") || value > MAX_CODE_POINT) throw new Refusal(`bad unicode escape at position ${this.pos}`)
    return value
  }
}

// ---------------------------------------------------------------------------------------------
// Compiler: syntax tree → NFA program (Pike VM instructions).

const CHAR = 0
const SPLIT = 1
const JMP = 2
const ASSERT = 3
const MATCH = 4

interface Program {
  readonly op: ReadonlyArray<number>
  /** CHAR: set index; SPLIT/JMP: first target; ASSERT: anchor. */
  readonly x: ReadonlyArray<number>
  /** SPLIT: second target. */
  readonly y: ReadonlyArray<number>
  readonly sets: ReadonlyArray<CharSet>
  readonly anchors: ReadonlyArray<Anchor>
}

const compile = (ast: Ast): Program => {
  const op: Array<number> = []
  const x: Array<number> = []
  const y: Array<number> = []
  const sets: Array<CharSet> = []
  const anchors: Array<Anchor> = []
  const emit = (code: number, a = 0, b = 0): number => {
    if (op.length >= MAX_PROGRAM_SIZE) throw new Refusal("pattern too complex")
    op.push(code)
    x.push(a)
    y.push(b)
    return op.length - 1
  }
  const gen = (node: Ast): void => {
    switch (node.t) {
      case "empty":
        return
      case "set":
        sets.push(node.set)
        emit(CHAR, sets.length - 1)
        return
      case "assert":
        anchors.push(node.anchor)
        emit(ASSERT, anchors.length - 1)
        return
      case "cat":
        return node.items.forEach(gen)
      case "alt": {
        const jumps: Array<number> = []
        node.items.forEach((item, i) => {
          const split = i < node.items.length - 1 ? emit(SPLIT) : -1
          if (split >= 0) x[split] = op.length
          gen(item)
          if (split >= 0) {
            jumps.push(emit(JMP))
            y[split] = op.length
          }
        })
        for (const j of jumps) x[j] = op.length
        return
      }
      case "repeat": {
        for (let i = 0; i < node.min; i++) gen(node.node)
        if (node.max === Infinity) {
          const split = emit(SPLIT, op.length + 1)
          gen(node.node)
          emit(JMP, split)
          y[split] = op.length
        } else {
          for (let i = node.min; i < node.max; i++) {
            const split = emit(SPLIT, op.length + 1)
            gen(node.node)
            y[split] = op.length
          }
        }
        return
      }
    }
  }
  gen(ast)
  emit(MATCH)
  return { op, x, y, sets, anchors }
}

// ---------------------------------------------------------------------------------------------
// Matching: a Thompson NFA simulation (every live state advances in lock step, one code point
// at a time) whose state sets are cached as the states of a lazily built DFA. Each DFA step is
// then a map lookup; the cache is dropped when it grows too large, so the cost per code point is
// bounded by the program size either way.

/** Bits of the position's context that assertions depend on. */
const AT_START = 1
const AT_END = 2
const PREV_WORD = 4
const NEXT_WORD = 8

const MAX_CACHED_STATES = 4096
const MAX_CACHED_PCS = 500_000

const assertionHolds = (anchor: Anchor, context: number): boolean => {
  switch (anchor) {
    case "start":
      return (context & AT_START) !== 0
    case "end":
      return (context & AT_END) !== 0
    case "wordBoundary":
      return ((context & PREV_WORD) !== 0) !== ((context & NEXT_WORD) !== 0)
    case "notWordBoundary":
      return ((context & PREV_WORD) !== 0) === ((context & NEXT_WORD) !== 0)
  }
}

/** The CHAR/MATCH states reached from a kernel in one position's context, and where they lead. */
interface Closure {
  readonly states: ReadonlyArray<number>
  readonly matches: boolean
  readonly next: Map<number, DfaState>
}

/** A DFA state: the NFA states entered by the last code point (or the start state). */
interface DfaState {
  readonly kernel: ReadonlyArray<number>
  readonly closures: Map<number, Closure>
}

const makeMatcher = (program: Program): LimitMatcher => {
  const contextual = program.anchors.length > 0
  const seen = new Int32Array(program.op.length)
  let generation = 0
  let cache = new Map<string, DfaState>()
  let cachedPcs = 0
  // The start state is asked for once per candidate; it lives as long as the cache it is in.
  let start: DfaState | undefined

  const stateOf = (pcs: Array<number>): DfaState => {
    const kernel = [...new Set(pcs)].sort((a, b) => a - b)
    const key = kernel.join(",")
    let state = cache.get(key)
    if (state === undefined) {
      if (cache.size >= MAX_CACHED_STATES || cachedPcs >= MAX_CACHED_PCS) {
        cache = new Map()
        cachedPcs = 0
        start = undefined
      }
      state = { kernel, closures: new Map() }
      cache.set(key, state)
      cachedPcs += kernel.length
    }
    return state
  }

  const closure = (state: DfaState, context: number): Closure => {
    let found = state.closures.get(context)
    if (found !== undefined) return found
    generation++
    const states: Array<number> = []
    const stack = [...state.kernel]
    while (stack.length > 0) {
      const pc = stack.pop()!
      if (seen[pc] === generation) continue
      seen[pc] = generation
      switch (program.op[pc]) {
        case JMP:
          stack.push(program.x[pc]!)
          break
        case SPLIT:
          stack.push(program.y[pc]!, program.x[pc]!)
          break
        case ASSERT:
          if (assertionHolds(program.anchors[program.x[pc]!]!, context)) stack.push(pc + 1)
          break
        default:
          states.push(pc)
      }
    }
    found = { states, matches: states.some((pc) => program.op[pc] === MATCH), next: new Map() }
    state.closures.set(context, found)
    return found
  }

  const step = (from: Closure, c: number): DfaState => {
    let next = from.next.get(c)
    if (next === undefined) {
      const targets = from.states.filter((pc) => program.op[pc] === CHAR && inSet(program.sets[program.x[pc]!]!, c))
      next = stateOf(targets.map((pc) => pc + 1))
      from.next.set(c, next)
    }
    return next
  }

  // Walks the candidate's code points in place: no per-candidate array (lists match thousands).
  return (candidate) => {
    start ??= stateOf([0])
    let state = start
    let previous: number | undefined
    for (let i = 0;;) {
      const c = i < candidate.length ? candidate.codePointAt(i)! : undefined
      const context = contextual
        ? (i === 0 ? AT_START : 0) | (c === undefined ? AT_END : 0) |
          (isWordChar(previous) ? PREV_WORD : 0) | (isWordChar(c) ? NEXT_WORD : 0)
        : 0
      const reached = closure(state, context)
      if (c === undefined) return reached.matches
      if (reached.states.length === 0) return false
      state = step(reached, c)
      previous = c
      i += c > 0xffff ? 2 : 1
    }
  }
}
