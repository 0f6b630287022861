import { fc, test } from "@fast-check/vitest"
import { assert, describe, it } from "@effect/vitest"
import { type Column, record, table } from "../src/Table.ts"

type Row = ReadonlyArray<string>
const cell = fc.stringMatching(/^[a-z0-9.:/-]{0,12}$/)
const rows = (width: number) => fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 8 })
const columns = (width: number): ReadonlyArray<Column<Row>> =>
  Array.from({ length: width }, (_, i) => ({ title: `C${i}`, value: (row: Row) => row[i]!, state: i === 0 }))
const pipe = { isTty: false, colour: false, columns: undefined }

describe("tables", () => {
  test.prop([fc.integer({ min: 1, max: 5 }).chain((width) => fc.tuple(fc.constant(width), rows(width)))])(
    "every cell starts where its column's title starts, values unchanged, no colour off a terminal",
    ([width, data]) => {
      const lines = table(data, columns(width), pipe).split("\n")
      assert.strictEqual(lines.length, data.length + 1)
      const starts = Array.from({ length: width }, (_, i) => lines[0]!.indexOf(`C${i}`))
      data.forEach((row, r) => {
        row.forEach((value, i) => {
          if (value !== "") assert.strictEqual(lines[r + 1]!.slice(starts[i], starts[i]! + value.length), value)
        })
      })
      assert.notInclude(lines.join("\n"), "\u001b[")
    }
  )

  it("on a narrow terminal shows the columns that fit, and colours states", () => {
    const data: ReadonlyArray<Row> = [["start", "a".repeat(30), "b".repeat(30)]]
    const text = table(data, columns(3), { isTty: true, colour: true, columns: 45 })
    assert.notInclude(text, "C2")
    assert.include(text, "\u001b[32mstart\u001b[0m")
    assert.notInclude(table(data, columns(3), { isTty: true, colour: false, columns: 45 }), "\u001b[")
  })

  it("records align their values", () => {
    assert.strictEqual(record({ a: "1", long: { x: 1 } }), "a:    1\nlong: {\"x\":1}")
  })
})
