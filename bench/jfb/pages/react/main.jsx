/** @jsxImportSource react */
/**
 * The js-framework-benchmark table in React 19 with hooks, after jfb's react-hooks keyed
 * implementation: one `useReducer` over examples/table/model.ts's `update`, memoized rows
 * and a memoized jumbotron.
 *
 * Plain JSX rather than TSX: the repository has no @types/react, and this file is only
 * bundled (by bench/jfb/build.mjs), never typechecked.
 */
import { memo, useReducer } from "react"
import { createRoot } from "react-dom/client"
import { init, update } from "../../../../examples/table/model.ts"

const BUTTONS = [
  ["run", "Create 1,000 rows"],
  ["runlots", "Create 10,000 rows"],
  ["add", "Append 1,000 rows"],
  ["update", "Update every 10th row"],
  ["clear", "Clear"],
  ["swaprows", "Swap Rows"]
]

const Row = memo(function Row({ row, selected, dispatch }) {
  return (
    <tr className={selected ? "danger" : ""}>
      <td className="col-md-1">{row.id}</td>
      <td className="col-md-4">
        <a className="lbl" onClick={() => dispatch({ type: "select", id: row.id })}>{row.label}</a>
      </td>
      <td className="col-md-1">
        <a className="remove" onClick={() => dispatch({ type: "remove", id: row.id })}>
          <span className="remove glyphicon glyphicon-remove" aria-hidden="true"></span>
        </a>
      </td>
      <td className="col-md-6"></td>
    </tr>
  )
})

const Jumbotron = memo(function Jumbotron({ dispatch }) {
  return (
    <div className="row">
      <div className="col-md-6">
        <h1>React (keyed)</h1>
      </div>
      <div className="col-md-6">
        <div className="row">
          {BUTTONS.map(([id, label]) => (
            <div className="col-sm-6 smallpad" key={id}>
              <button type="button" className="btn btn-primary btn-block" id={id} onClick={() => dispatch({ type: id })}>{label}</button>
            </div>
          ))}
        </div>
      </div>
    </div>
  )
})

function Main() {
  const [model, dispatch] = useReducer(update, undefined, init)
  const rows = model.rows
  return (
    <div className="container">
      <div className="jumbotron">
        <Jumbotron dispatch={dispatch} />
        <div className="row filter-row">
          <input id="filter" type="text" placeholder="Filter labels (Esc clears)" autoComplete="off" />
          <span id="status">{`${rows.length} of ${rows.length} rows`}</span>
        </div>
      </div>
      <table className="table table-hover table-striped test-data">
        <tbody>
          {rows.map((row) => <Row key={row.id} row={row} selected={row.id === model.selected} dispatch={dispatch} />)}
        </tbody>
      </table>
      <span className="preloadicon glyphicon glyphicon-remove" aria-hidden="true"></span>
    </div>
  )
}

createRoot(document.getElementById("app")).render(<Main />)
