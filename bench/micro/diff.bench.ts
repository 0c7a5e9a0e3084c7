import { Bench } from "tinybench"
import { LANE_DEFAULT } from "../../protocol/lanes.ts"
import type { Renderer } from "../../workers/diff/renderer.ts"
import { jfbOps, rendererAfter } from "./jfb-patches.ts"
import { tableView } from "./jfb-rows.ts"
import { ALL_RESULTS, BENCH_OPTIONS, collect, printTable, setupOptions } from "./tinybench-report.ts"

/**
 * The worker's side of each js-framework-benchmark operation: `Renderer.render` (build the
 * jfb vnodes, keyed diff, encode) from the state the op starts in. Each iteration gets a
 * fresh renderer holding the set-up state (untimed). Also times building the vnodes alone,
 * so the diff + encode share is the difference.
 */
const bench = new Bench({ ...setupOptions(25), name: "diff" })
for (const op of jfbOps()) {
  let renderer: Renderer
  const [rows, selected] = op.view
  bench.add(`render: ${op.title}`, () => {
    if (renderer.render(() => tableView(rows, selected), LANE_DEFAULT, 0) === null) throw new Error(`${op.id}: no patch list`)
  }, {
    beforeEach() {
      renderer = rendererAfter(op.setup).renderer
    }
  })
}
const vnodes = new Bench({ ...BENCH_OPTIONS, name: "vnodes" })
for (const op of jfbOps().filter((o) => o.id === "create1k" || o.id === "create10k")) {
  const [rows, selected] = op.view
  vnodes.add(`vnodes only: ${op.title}`, () => {
    tableView(rows, selected)
  })
}

await bench.run()
await vnodes.run()
const rows = [...collect(bench, "diff"), ...collect(vnodes, "diff")]
ALL_RESULTS.push(...rows)
printTable("Renderer.render per jfb op (vnodes + keyed diff + encode), Node", rows, (row) =>
  row.name.startsWith("render: create") ? rows.find((r) => r.name === row.name.replace("render: ", "vnodes only: ")) : undefined)
