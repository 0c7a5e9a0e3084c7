import type { JfbOp } from "./jfb-patches.ts"
import type { Row } from "./jfb-rows.ts"

/**
 * The js-framework-benchmark ops as plain DOM calls on any `Document` (happy-dom in Node,
 * the real one in Chromium): the same elements, attributes and texts the op's patch list
 * makes, with none of the applier's decoding, validation or node table. The apply
 * benchmarks divide by these.
 */
export function buildRow(document: Document, row: Row): HTMLTableRowElement {
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

/** A table holding `rows`, in `container`; returns its tbody. */
export function directTable(document: Document, container: Element, rows: readonly Row[]): HTMLTableSectionElement {
  const table = document.createElement("table")
  table.setAttribute("class", "table table-hover table-striped test-data")
  const tbody = document.createElement("tbody")
  table.appendChild(tbody)
  container.appendChild(table)
  for (let i = 0; i < rows.length; i++) tbody.appendChild(buildRow(document, rows[i]))
  return tbody
}

/** The rows an op starts from. */
export function setupRows(op: JfbOp): readonly Row[] {
  return op.setup[op.setup.length - 1][0]
}

/** The op itself as DOM calls on a tbody holding `setupRows(op)`; undefined for an op without a twin. */
export function directOp(document: Document, op: JfbOp): ((tbody: HTMLTableSectionElement) => void) | undefined {
  const rows = op.view[0]
  switch (op.id) {
    case "create1k":
    case "create10k":
      return (tbody) => {
        for (let i = 0; i < rows.length; i++) tbody.appendChild(buildRow(document, rows[i]))
      }
    case "replace1k":
      return (tbody) => {
        tbody.textContent = ""
        for (let i = 0; i < rows.length; i++) tbody.appendChild(buildRow(document, rows[i]))
      }
    case "update10th":
      return (tbody) => {
        const trs = tbody.children
        for (let i = 0; i < rows.length; i += 10) (trs[i].children[1].firstChild!.firstChild as Text).data = rows[i].label
      }
    case "select":
      return (tbody) => tbody.children[1].setAttribute("class", "danger")
    case "swap":
      return (tbody) => {
        const a = tbody.children[1]
        const b = tbody.children[998]
        const afterB = b.nextSibling
        tbody.insertBefore(b, a)
        tbody.insertBefore(a, afterB)
      }
    case "remove":
      return (tbody) => tbody.children[3].remove()
    case "append1k":
      return (tbody) => {
        for (let i = setupRows(op).length; i < rows.length; i++) tbody.appendChild(buildRow(document, rows[i]))
      }
    case "clear1k":
      return (tbody) => {
        tbody.textContent = ""
      }
  }
  return undefined
}
