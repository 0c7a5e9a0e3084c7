/** @jsxImportSource preact11 */
/**
 * The js-framework-benchmark table in Preact 11 with hooks, after jfb's preact-hooks keyed
 * implementation: one `useReducer` over examples/table/model.ts's `update`, memoized rows
 * (`memo` from preact/compat) and a memoized jumbotron. The same page as `pages/preact/`
 * (Preact 10), imported through the `preact11` npm alias; build.mjs maps the `preact`
 * imports inside preact11's own hooks, compat and jsx-runtime to it too (`alias` in
 * lib/libraries.mjs), so the bundle holds Preact 11 alone.
 */
import { render } from "preact11"
import { memo } from "preact11/compat"
import { useReducer } from "preact11/hooks"
import { init, type Model, type Msg, type Row as RowData, update } from "../../../../examples/table/model.ts"

type Dispatch = (msg: Msg) => void

const BUTTONS: ReadonlyArray<readonly [id: "run" | "runlots" | "add" | "update" | "clear" | "swaprows", label: string]> = [
  ["run", "Create 1,000 rows"],
  ["runlots", "Create 10,000 rows"],
  ["add", "Append 1,000 rows"],
  ["update", "Update every 10th row"],
  ["clear", "Clear"],
  ["swaprows", "Swap Rows"]
]

const Row = memo(function Row(props: { row: RowData; selected: boolean; dispatch: Dispatch }) {
  const { row, dispatch } = props
  return (
    <tr class={props.selected ? "danger" : ""}>
      <td class="col-md-1">{row.id}</td>
      <td class="col-md-4">
        <a class="lbl" onClick={() => dispatch({ type: "select", id: row.id })}>{row.label}</a>
      </td>
      <td class="col-md-1">
        <a class="remove" onClick={() => dispatch({ type: "remove", id: row.id })}>
          <span class="remove glyphicon glyphicon-remove" aria-hidden="true"></span>
        </a>
      </td>
      <td class="col-md-6"></td>
    </tr>
  )
})

const Jumbotron = memo(function Jumbotron(props: { dispatch: Dispatch }) {
  return (
    <div class="row">
      <div class="col-md-6">
        <h1>Preact 11 (keyed)</h1>
      </div>
      <div class="col-md-6">
        <div class="row">
          {BUTTONS.map(([id, label]) => (
            <div class="col-sm-6 smallpad" key={id}>
              <button type="button" class="btn btn-primary btn-block" id={id} onClick={() => props.dispatch({ type: id })}>{label}</button>
            </div>
          ))}
        </div>
      </div>
    </div>
  )
})

function Main() {
  const [model, dispatch] = useReducer<Model, Msg, undefined>(update, undefined, init)
  const rows = model.rows
  return (
    <div class="container">
      <div class="jumbotron">
        <Jumbotron dispatch={dispatch} />
        <div class="row filter-row">
          <input id="filter" type="text" placeholder="Filter labels (Esc clears)" autocomplete="off" />
          <span id="status">{`${rows.length} of ${rows.length} rows`}</span>
        </div>
      </div>
      <table class="table table-hover table-striped test-data">
        <tbody>
          {rows.map((row) => <Row key={row.id} row={row} selected={row.id === model.selected} dispatch={dispatch} />)}
        </tbody>
      </table>
      <span class="preloadicon glyphicon glyphicon-remove" aria-hidden="true"></span>
    </div>
  )
}

render(<Main />, document.getElementById("app")!)
