import { Window } from "happy-dom"
import { Bench } from "tinybench"
import { Applier, type EventTypeListener } from "../../src/dom/applier.ts"
import { jfbOps, opPatches } from "./jfb-patches.ts"
import { directOp, directTable, setupRows } from "./direct-dom.ts"
import { ALL_RESULTS, collect, printTable, setupOptions } from "./tinybench-report.ts"

/**
 * The main thread's side of each js-framework-benchmark op: `Applier.apply` (validate the
 * whole list, then the DOM calls) against happy-dom's document, from the state the op
 * starts in (rebuilt untimed before each iteration). Beside it, the same DOM work as plain
 * DOM calls ("direct DOM"), so the ratio is what decoding, validation and the node table
 * add on top of the DOM itself. happy-dom's DOM is far slower than a browser's, so the
 * ratios understate that overhead in Chromium; the absolute numbers are not browser numbers.
 *
 * Each iteration rebuilds a 1,000-row table in happy-dom first (about 0.3 to 1 s here), so
 * every task takes a fixed 6 samples, and "create 10,000 rows" is left out: one iteration
 * takes over 10 s in happy-dom. The browser benchmark (bench/jfb) covers it.
 */
const window = new Window()
const document = window.document as unknown as Document
;(globalThis as { document?: Document }).document = document

const noEvents: EventTypeListener = { listen() {}, unlisten() {} }

function freshContainer(): HTMLElement {
  const container = document.createElement("div")
  document.body.textContent = ""
  document.body.appendChild(container)
  return container
}

const bench = new Bench({ ...setupOptions(6), name: "apply" })
const ops = jfbOps().filter((op) => op.id !== "create10k")
for (const op of ops) {
  const { setup, patch } = opPatches(op)
  let applier: Applier
  bench.add(`apply: ${op.title}`, () => {
    applier.apply(patch)
  }, {
    beforeEach() {
      applier = new Applier(freshContainer(), noEvents)
      for (const buffer of setup) applier.apply(buffer)
    }
  })
}

// Direct DOM twins of the ops, each starting from a plain-DOM table in the op's set-up state.
for (const op of ops) {
  const run = directOp(document, op)
  if (run === undefined) continue
  let tbody: HTMLTableSectionElement
  bench.add(`direct DOM: ${op.title}`, () => run(tbody), {
    beforeEach() {
      tbody = directTable(document, freshContainer(), setupRows(op))
    }
  })
}

await bench.run()
const rows = collect(bench, "apply")
ALL_RESULTS.push(...rows)
printTable("Applier.apply per jfb op vs the same DOM calls made directly, happy-dom in Node", rows, (row) =>
  row.name.startsWith("apply: ") ? rows.find((r) => r.name === row.name.replace("apply: ", "direct DOM: ")) : undefined)
