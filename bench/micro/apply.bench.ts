import { Window } from "happy-dom"
import { Bench } from "tinybench"
import { Applier, type EventTypeListener } from "../../src/applier.ts"
import { jfbOps, opPatches } from "./jfb-patches.ts"
import type { Row } from "./jfb-rows.ts"
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

/** The jfb row as plain DOM calls: the same elements, classes and texts the patch list makes. */
function buildRow(row: Row): HTMLTableRowElement {
  const tr = document.createElement("tr")
  const td1 = document.createElement("td")
  td1.setAttribute("class", "col-md-1")
  td1.appendChild(document.createTextNode(String(row.id)))
  const td2 = document.createElement("td")
  td2.setAttribute("class", "col-md-4")
  const a = document.createElement("a")
  a.setAttribute("class", "lbl")
  a.appendChild(document.createTextNode(row.label))
  td2.appendChild(a)
  const td3 = document.createElement("td")
  td3.setAttribute("class", "col-md-1")
  const remove = document.createElement("a")
  remove.setAttribute("class", "remove")
  const span = document.createElement("span")
  span.setAttribute("class", "glyphicon glyphicon-remove")
  span.setAttribute("aria-hidden", "true")
  remove.appendChild(span)
  td3.appendChild(remove)
  const td4 = document.createElement("td")
  td4.setAttribute("class", "col-md-6")
  tr.appendChild(td1)
  tr.appendChild(td2)
  tr.appendChild(td3)
  tr.appendChild(td4)
  return tr
}

function directTable(rows: readonly Row[]): HTMLTableSectionElement {
  const table = document.createElement("table")
  table.setAttribute("class", "table table-hover table-striped test-data")
  const tbody = document.createElement("tbody")
  table.appendChild(tbody)
  freshContainer().appendChild(table)
  for (let i = 0; i < rows.length; i++) tbody.appendChild(buildRow(rows[i]))
  return tbody
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
const byId = new Map(ops.map((op) => [op.id, op]))
const setupRows = (id: string): readonly Row[] => {
  const setup = byId.get(id)!.setup
  return setup[setup.length - 1][0]
}
let tbody: HTMLTableSectionElement
const direct: Array<[id: string, run: () => void]> = [
  ["create1k", () => {
    const rows = byId.get("create1k")!.view[0]
    for (let i = 0; i < rows.length; i++) tbody.appendChild(buildRow(rows[i]))
  }],
  ["replace1k", () => {
    const rows = byId.get("replace1k")!.view[0]
    tbody.textContent = ""
    for (let i = 0; i < rows.length; i++) tbody.appendChild(buildRow(rows[i]))
  }],
  ["update10th", () => {
    const rows = byId.get("update10th")!.view[0]
    const trs = tbody.children
    for (let i = 0; i < rows.length; i += 10) (trs[i].children[1].firstChild!.firstChild as Text).data = rows[i].label
  }],
  ["select", () => {
    tbody.children[1].setAttribute("class", "danger")
  }],
  ["swap", () => {
    const a = tbody.children[1]
    const b = tbody.children[998]
    const afterB = b.nextSibling
    tbody.insertBefore(b, a)
    tbody.insertBefore(a, afterB)
  }],
  ["remove", () => {
    tbody.children[3].remove()
  }],
  ["append1k", () => {
    const rows = byId.get("append1k")!.view[0]
    for (let i = 1000; i < rows.length; i++) tbody.appendChild(buildRow(rows[i]))
  }],
  ["clear1k", () => {
    tbody.textContent = ""
  }]
]
for (const [id, run] of direct) {
  const op = byId.get(id)!
  bench.add(`direct DOM: ${op.title}`, run, {
    beforeEach() {
      tbody = directTable(setupRows(id))
    }
  })
}

await bench.run()
const rows = collect(bench, "apply")
ALL_RESULTS.push(...rows)
printTable("Applier.apply per jfb op vs the same DOM calls made directly, happy-dom in Node", rows, (row) =>
  row.name.startsWith("apply: ") ? rows.find((r) => r.name === row.name.replace("apply: ", "direct DOM: ")) : undefined)
