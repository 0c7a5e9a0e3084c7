import { Header } from "../../protocol/opcodes.ts"
import { LANE_DEFAULT } from "../../protocol/lanes.ts"
import { Renderer } from "../../workers/diff/renderer.ts"
import { makeRows, tableView, updateEvery10th, type Row } from "./jfb-rows.ts"

/**
 * Bytes of patch list per js-framework-benchmark operation, measured on the encoder
 * alone (no DOM). Prints a Markdown table.
 */
function bytesOf(buffer: ArrayBuffer | null): { bytes: number; strings: number; stringBytes: number; opWords: number } {
  if (buffer === null) return { bytes: 0, strings: 0, stringBytes: 0, opWords: 0 }
  const words = new Uint32Array(buffer, 0, Header.Size)
  return { bytes: words[Header.ByteLength], strings: words[Header.StringCount], stringBytes: words[Header.StringBytes], opWords: words[Header.OpWords] }
}

export function measurePatchBytes(): Array<{ op: string; bytes: number; perRow: number; opBytes: number; strings: number; stringBytes: number }> {
  const renderer = new Renderer(1)
  let commit = 0
  const step = (rows: readonly Row[], selected = 0) => {
    const buffer = renderer.render(() => tableView(rows, selected), LANE_DEFAULT, 0)
    const size = bytesOf(buffer)
    renderer.acknowledge(++commit, buffer)
    if (buffer === null) commit--
    return size
  }
  const out: Array<{ op: string; bytes: number; perRow: number; opBytes: number; strings: number; stringBytes: number }> = []
  const record = (op: string, rowsTouched: number, size: ReturnType<typeof bytesOf>) =>
    out.push({ op, bytes: size.bytes, perRow: size.bytes / rowsTouched, opBytes: size.opWords * 4, strings: size.strings, stringBytes: size.stringBytes })

  step([])
  let rows = makeRows(1000, 1, 42)
  record("create 1,000 rows", 1000, step(rows))
  rows = updateEvery10th(rows)
  record("update every 10th row", 100, step(rows))
  record("select a row", 1, step(rows, rows[5].id))
  const swapped = rows.slice()
  ;[swapped[1], swapped[998]] = [swapped[998], swapped[1]]
  record("swap rows 2 and 999", 2, step(swapped, rows[5].id))
  rows = swapped.filter((_, i) => i !== 3)
  record("remove a row", 1, step(rows, swapped[5].id))
  rows = makeRows(1000, 2001, 7)
  record("replace 1,000 rows", 1000, step(rows))
  rows = rows.concat(makeRows(1000, 3001, 9))
  record("append 1,000 rows", 1000, step(rows))
  record("clear", 2000, step([]))
  return out
}

const results = measurePatchBytes()
console.log("\n| operation | patch bytes | per row | ops bytes | new strings | string bytes |\n| --- | ---: | ---: | ---: | ---: | ---: |")
for (const r of results) {
  console.log(`| ${r.op} | ${r.bytes} | ${r.perRow.toFixed(1)} | ${r.opBytes} | ${r.strings} | ${r.stringBytes} |`)
}
