/**
 * Throughput app, in the worker: the js-framework-benchmark rows (10,000 of them after
 * `fill`), where each `bump` message changes 1% of the rows (every 100th, shifted by the
 * message's number) and each `inc` message only bumps a counter. The page dispatches them
 * as fast as it can and reads `#applied` / `#counter` to see how many the DOM shows.
 */
import { runProgram, type VNode } from "shuttle-ui/worker"
import { buildRows, init as tableInit, type Model as TableModel } from "../../../../examples/table/model.ts"

interface Row {
  readonly id: number
  readonly label: string
  /** Number of the last bump that changed this row (0: none). */
  readonly bump: number
}

interface Model {
  readonly rows: readonly Row[]
  /** Bump messages folded into the model. */
  readonly applied: number
  /** Inc messages folded into the model. */
  readonly counter: number
}

type Msg =
  | { readonly type: "fill"; readonly count: number }
  | { readonly type: "bump"; readonly n: number }
  | { readonly type: "inc" }
  | { readonly type: "reset" }

/** A row changes in 1 message out of CHANGE_EVERY. */
const CHANGE_EVERY = 100

function init(): Model {
  return { rows: [], applied: 0, counter: 0 }
}

function update(model: Model, msg: Msg): Model {
  switch (msg.type) {
    case "fill": {
      const seeded: TableModel = tableInit()
      const rows = buildRows(seeded, msg.count).rows.map((row) => ({ id: row.id, label: row.label, bump: 0 }))
      return { rows, applied: 0, counter: 0 }
    }
    case "bump": {
      const rows = model.rows.slice()
      for (let i = msg.n % CHANGE_EVERY; i < rows.length; i += CHANGE_EVERY) {
        const row = rows[i]
        rows[i] = { id: row.id, label: row.label, bump: msg.n }
      }
      return { ...model, rows, applied: model.applied + 1 }
    }
    case "inc":
      return { ...model, counter: model.counter + 1 }
    case "reset":
      return { ...model, applied: 0, counter: 0 }
  }
}

/** Same markup as the jfb row, with the bump number in the last cell; unchanged rows are skipped. */
function TableRow(props: { row: Row }): VNode {
  const row = props.row
  return (
    <tr>
      <td class="col-md-1">{row.id}</td>
      <td class="col-md-4">
        <a class="lbl">{row.label}</a>
      </td>
      <td class="col-md-1">
        <a class="remove">
          <span class="remove glyphicon glyphicon-remove" aria-hidden="true"></span>
        </a>
      </td>
      <td class="col-md-6">{row.bump}</td>
    </tr>
  )
}

function view(model: Model): VNode {
  return (
    <div class="container">
      <p>
        applied <span id="applied">{model.applied}</span>, counter <span id="counter">{model.counter}</span>,
        rows <span id="rows">{model.rows.length}</span>
      </p>
      <table class="table table-hover table-striped test-data">
        <tbody>
          {model.rows.map((row) => <TableRow key={row.id} row={row} />)}
        </tbody>
      </table>
    </div>
  )
}

runProgram<Model, Msg>({ init, update, view })
