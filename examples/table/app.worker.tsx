/**
 * The js-framework-benchmark table app, running in a Web Worker. `update` is the pure
 * function in model.ts; this file adds the view and starts the program.
 */
import { runProgram, type ShuttleEvent, type VNode } from "shuttle-ui/worker"
import { init, type Model, type Msg, type Row, update, visibleRows } from "./model.ts"

// Every handler in JSX is checked against the app's messages (see Register).
declare module "shuttle-ui/worker" {
  interface Register {
    table: Msg
  }
}

/** The messages a button sends: those with nothing but a type. */
type ButtonMsg = Extract<Msg, { readonly type: "run" | "runlots" | "add" | "update" | "clear" | "swaprows" }>

const BUTTONS: ReadonlyArray<readonly [id: ButtonMsg["type"], label: string]> = [
  ["run", "Create 1,000 rows"],
  ["runlots", "Create 10,000 rows"],
  ["add", "Append 1,000 rows"],
  ["update", "Update every 10th row"],
  ["clear", "Clear"],
  ["swaprows", "Swap Rows"]
]

/** A row's props are the row object and one boolean, so an unchanged row is skipped by the diff. */
function TableRow(props: { row: Row; selected: boolean }): VNode {
  const row = props.row
  return (
    <tr class={props.selected ? "danger" : undefined}>
      <td class="col-md-1">{row.id}</td>
      <td class="col-md-4">
        <a class="lbl" onClick={{ type: "select", id: row.id }}>{row.label}</a>
      </td>
      <td class="col-md-1">
        <a class="remove" onClick={{ type: "remove", id: row.id }}>
          <span class="remove glyphicon glyphicon-remove" aria-hidden="true"></span>
        </a>
      </td>
      <td class="col-md-6"></td>
    </tr>
  )
}

const onFilterInput = (event: ShuttleEvent): Msg => ({ type: "filter", value: event.value ?? "" })
const onFilterKey = (event: ShuttleEvent): Msg | undefined => (event.key === "Escape" ? { type: "filter", value: "" } : undefined)

function view(model: Model): VNode {
  const rows = visibleRows(model)
  return (
    <div class="container">
      <div class="jumbotron">
        <div class="row">
          <div class="col-md-6">
            <h1>Shuttle (keyed)</h1>
          </div>
          <div class="col-md-6">
            <div class="row">
              {BUTTONS.map(([id, label]) => (
                <div class="col-sm-6 smallpad" key={id}>
                  <button type="button" class="btn btn-primary btn-block" id={id} onClick={{ type: id }}>{label}</button>
                </div>
              ))}
            </div>
          </div>
        </div>
        <div class="row filter-row">
          <input
            id="filter"
            type="text"
            placeholder="Filter labels (Esc clears)"
            autocomplete="off"
            value={model.filter}
            onInput={onFilterInput}
            onKeyDown={onFilterKey}
          />
          <span id="status">{`${rows.length} of ${model.rows.length} rows`}</span>
        </div>
      </div>
      <table class="table table-hover table-striped test-data">
        <tbody>
          {rows.map((row) => <TableRow key={row.id} row={row} selected={row.id === model.selected} />)}
        </tbody>
      </table>
      <span class="preloadicon glyphicon glyphicon-remove" aria-hidden="true"></span>
    </div>
  )
}

runProgram<Model, Msg>({ init, update, view })
