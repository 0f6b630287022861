/** Aligned columns like the original tool's; on a terminal, the columns that fit and state colours. */
export interface Column<A> {
  readonly title: string
  readonly value: (row: A) => string
  /** Colour this column's values by state on a terminal. */
  readonly state?: boolean
}

const GREEN = new Set(["start", "run", "ready", "primary", "up", "in", "True", "1"])
const RED = new Set(["stop", "fail", "failed", "dead", "flushed", "down", "out", "delete", "0"])

const paint = (text: string, value: string): string => {
  const code = GREEN.has(value) ? 32 : RED.has(value) ? 31 : 33
  return `\u001b[${code}m${text}\u001b[0m`
}

export interface Terminal {
  readonly isTty: boolean
  /** State colours (a terminal, and no NO_COLOR). */
  readonly colour: boolean
  readonly columns: number | undefined
}

export const table = <A>(rows: ReadonlyArray<A>, columns: ReadonlyArray<Column<A>>, terminal: Terminal): string => {
  const cells = rows.map((row) => columns.map((c) => c.value(row)))
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i]!.length)))
  // On a terminal, only the columns that fit (the first always shows).
  let shown = columns.length
  if (terminal.isTty && terminal.columns !== undefined) {
    let used = 0
    shown = 0
    for (const width of widths) {
      if (shown > 0 && used + width > terminal.columns) break
      used += width + 2
      shown++
    }
  }
  const line = (values: ReadonlyArray<string>, colour: boolean) =>
    values.slice(0, shown).map((v, i) => {
      const padded = i === shown - 1 ? v : v.padEnd(widths[i]!)
      return colour && terminal.colour && columns[i]!.state === true ? paint(padded, v) : padded
    }).join("  ").trimEnd()
  return [line(columns.map((c) => c.title), false), ...cells.map((r) => line(r, true))].join("\n")
}

/** One record as `field: value` lines; nested values as compact JSON. */
export const record = (value: Record<string, unknown>): string => {
  const keys = Object.keys(value)
  const width = Math.max(...keys.map((k) => k.length))
  return keys.map((k) => `${`${k}:`.padEnd(width + 1)} ${scalar(value[k])}`).join("\n")
}

export const scalar = (value: unknown): string =>
  typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value)
