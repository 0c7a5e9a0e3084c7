/**
 * The js-framework-benchmark table in hand-written DOM code, after jfb's vanillajs-keyed:
 * one template row cloned per row, one delegated click listener on the tbody, and each
 * operation done with the fewest DOM calls. It is the baseline the other libraries are
 * divided by.
 *
 * Rows, ids and labels come from examples/table/model.ts (`buildRows`), so this page, the
 * Shuttle demo and the peers show the same table after the same clicks, and the driver can
 * check each one against a mirror of that model. The semantics follow model.ts's `update`:
 * run and clear drop the selection, swap needs at least 999 rows, select of the selected
 * row changes nothing.
 */
import { buildRows, init, type Model, type Row } from "../../../../examples/table/model.ts"

const BUTTONS: ReadonlyArray<readonly [id: string, label: string]> = [
  ["run", "Create 1,000 rows"],
  ["runlots", "Create 10,000 rows"],
  ["add", "Append 1,000 rows"],
  ["update", "Update every 10th row"],
  ["clear", "Clear"],
  ["swaprows", "Swap Rows"]
]

/** The static page around the table: the same markup the Shuttle demo renders. */
function shell(): string {
  const buttons = BUTTONS.map(([id, label]) =>
    `<div class="col-sm-6 smallpad"><button type="button" class="btn btn-primary btn-block" id="${id}">${label}</button></div>`).join("")
  return `<div class="container"><div class="jumbotron"><div class="row"><div class="col-md-6"><h1>Vanilla JS (keyed)</h1></div>` +
    `<div class="col-md-6"><div class="row">${buttons}</div></div></div>` +
    `<div class="row filter-row"><input id="filter" type="text" placeholder="Filter labels (Esc clears)" autocomplete="off"><span id="status">0 of 0 rows</span></div></div>` +
    `<table class="table table-hover table-striped test-data"><tbody></tbody></table>` +
    `<span class="preloadicon glyphicon glyphicon-remove" aria-hidden="true"></span></div>`
}

function rowTemplate(): HTMLTableRowElement {
  const holder = document.createElement("tbody")
  holder.innerHTML = `<tr><td class="col-md-1"> </td><td class="col-md-4"><a class="lbl"> </a></td>` +
    `<td class="col-md-1"><a class="remove"><span class="remove glyphicon glyphicon-remove" aria-hidden="true"></span></a></td>` +
    `<td class="col-md-6"></td></tr>`
  return holder.firstChild as HTMLTableRowElement
}

class Table {
  private model: Model = init()
  /** Parallel to model.rows: the <tr> of each row, and the text node of its label. */
  private trs: HTMLTableRowElement[] = []
  private labels: Text[] = []
  private selectedTr: HTMLTableRowElement | null = null
  private readonly tbody: HTMLTableSectionElement
  private readonly table: HTMLTableElement
  private readonly status: Text
  private readonly template = rowTemplate()

  constructor(app: HTMLElement) {
    app.innerHTML = shell()
    this.table = app.querySelector("table")!
    this.tbody = app.querySelector("tbody")!
    this.status = app.querySelector("#status")!.firstChild as Text
    for (const [id] of BUTTONS) app.querySelector(`#${id}`)!.addEventListener("click", () => this.button(id))
    this.tbody.addEventListener("click", (event) => {
      const target = event.target as Element
      const tr = target.closest("tr")
      if (tr === null) return
      const id = (tr as RowElement).__rowId
      if (target.closest("a.lbl") !== null) this.select(id, tr)
      else if (target.closest("a.remove") !== null) this.remove(id)
    })
  }

  private button(id: string): void {
    switch (id) {
      case "run": this.run(1000); break
      case "runlots": this.run(10000); break
      case "add": this.add(); break
      case "update": this.update(); break
      case "clear": this.clear(); break
      case "swaprows": this.swapRows(); break
    }
    this.showStatus()
  }

  private showStatus(): void {
    const count = this.model.rows.length
    const text = `${count} of ${count} rows`
    if (this.status.data !== text) this.status.data = text
  }

  private build(count: number): Row[] {
    const built = buildRows(this.model, count)
    this.model = { ...this.model, nextId: built.nextId, seed: built.seed }
    return built.rows
  }

  /** Appends rows to the tbody; an empty tbody is taken out of the table meanwhile, as jfb's vanillajs does. */
  private appendRows(rows: Row[]): void {
    const tbody = this.tbody
    const empty = tbody.firstChild === null
    if (empty) tbody.remove()
    const template = this.template
    const trs = this.trs
    const labels = this.labels
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]
      const tr = template.cloneNode(true) as RowElement
      const idCell = tr.firstChild as HTMLTableCellElement
      ;(idCell.firstChild as Text).data = String(row.id)
      const label = idCell.nextSibling!.firstChild!.firstChild as Text
      label.data = row.label
      tr.__rowId = row.id
      trs.push(tr)
      labels.push(label)
      tbody.appendChild(tr)
    }
    if (empty) this.table.appendChild(tbody)
  }

  private removeAllRows(): void {
    this.tbody.textContent = ""
    this.trs = []
    this.labels = []
    this.selectedTr = null
  }

  private run(count: number): void {
    const rows = this.build(count)
    this.removeAllRows()
    this.model = { ...this.model, rows, selected: 0 }
    this.appendRows(rows)
  }

  private add(): void {
    const rows = this.build(1000)
    this.model = { ...this.model, rows: this.model.rows.concat(rows) }
    this.appendRows(rows)
  }

  private update(): void {
    const rows = this.model.rows.slice()
    for (let i = 0; i < rows.length; i += 10) {
      const label = rows[i].label + " !!!"
      rows[i] = { id: rows[i].id, label }
      this.labels[i].data = label
    }
    this.model = { ...this.model, rows }
  }

  private clear(): void {
    this.removeAllRows()
    this.model = { ...this.model, rows: [], selected: 0 }
  }

  private swapRows(): void {
    const rows = this.model.rows
    if (rows.length <= 998) return
    const trs = this.trs
    const a = trs[1]
    const b = trs[998]
    const afterB = b.nextSibling
    this.tbody.insertBefore(b, a)
    this.tbody.insertBefore(a, afterB)
    const swapped = rows.slice()
    swapped[1] = rows[998]
    swapped[998] = rows[1]
    trs[1] = b
    trs[998] = a
    const label = this.labels[1]
    this.labels[1] = this.labels[998]
    this.labels[998] = label
    this.model = { ...this.model, rows: swapped }
  }

  private select(id: number, tr: HTMLTableRowElement): void {
    if (this.model.selected === id) return
    if (this.selectedTr !== null) this.selectedTr.className = ""
    tr.className = "danger"
    this.selectedTr = tr
    this.model = { ...this.model, selected: id }
  }

  private remove(id: number): void {
    const index = this.model.rows.findIndex((row) => row.id === id)
    if (index < 0) return
    this.trs[index].remove()
    if (this.selectedTr === this.trs[index]) this.selectedTr = null
    this.trs.splice(index, 1)
    this.labels.splice(index, 1)
    const rows = this.model.rows.slice()
    rows.splice(index, 1)
    this.model = { ...this.model, rows, selected: this.model.selected === id ? 0 : this.model.selected }
    this.showStatus()
  }
}

interface RowElement extends HTMLTableRowElement {
  __rowId: number
}

new Table(document.getElementById("app")!)
