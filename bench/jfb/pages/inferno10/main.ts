/**
 * The js-framework-benchmark table in Inferno 10, after jfb's inferno keyed implementation:
 * a class component holding the model (examples/table/model.ts's `update`), function rows
 * with `onComponentShouldUpdate`, and `linkEvent` for row clicks. The same page as
 * `pages/inferno/` (Inferno 9), in Inferno 10's API.
 *
 * Written as the calls babel-plugin-inferno 10 compiles JSX to, since esbuild has no Inferno
 * JSX transform: `newVNode(flags, type, className, children, props, key)` with the child
 * shape folded into the flags (what jfb's `$HasTextChildren` / `$HasKeyedChildren` ask for),
 * `newComponentVNode` and `newTextVNode`. Inferno 10 numbers its flags differently from 9;
 * the values are copied from inferno-vnode-flags 10 (its `const enum`s cannot be imported
 * under `verbatimModuleSyntax`). Imported through the `inferno10` npm alias.
 */
import { Component, linkEvent, newComponentVNode, newTextVNode, newVNode, render, type VNode } from "inferno10"
import { init, type Model, type Msg, type Row as RowData, update } from "../../../../examples/table/model.ts"

// VNodeFlags of inferno-vnode-flags 10: the node's kind ...
const HTML_ELEMENT = 1
const INPUT_ELEMENT = 512
const COMPONENT_CLASS = 128
const COMPONENT_FUNCTION = 8192
// ... and its children's shape, in the same number.
const HAS_TEXT_CHILDREN = 2
const HAS_NON_KEYED_CHILDREN = 4
const HAS_VNODE_CHILDREN = 8
const HAS_INVALID_CHILDREN = 16
const HAS_KEYED_CHILDREN = 32

const EL_TEXT = HTML_ELEMENT | HAS_TEXT_CHILDREN
const EL_VNODE = HTML_ELEMENT | HAS_VNODE_CHILDREN
const EL_NON_KEYED = HTML_ELEMENT | HAS_NON_KEYED_CHILDREN
const EL_KEYED = HTML_ELEMENT | HAS_KEYED_CHILDREN
const EL_EMPTY = HTML_ELEMENT | HAS_INVALID_CHILDREN
/** A component of a known kind: its flags carry HasInvalidChildren (its children are in props). */
const FUNCTION_COMPONENT = COMPONENT_FUNCTION | HAS_INVALID_CHILDREN
const CLASS_COMPONENT = COMPONENT_CLASS | HAS_INVALID_CHILDREN

type Dispatch = (msg: Msg) => void

const BUTTONS: ReadonlyArray<readonly [id: "run" | "runlots" | "add" | "update" | "clear" | "swaprows", label: string]> = [
  ["run", "Create 1,000 rows"],
  ["runlots", "Create 10,000 rows"],
  ["add", "Append 1,000 rows"],
  ["update", "Update every 10th row"],
  ["clear", "Clear"],
  ["swaprows", "Swap Rows"]
]

interface RowProps {
  readonly row: RowData
  readonly selected: boolean
  readonly dispatch: Dispatch
}

function selectClick(props: RowProps): void {
  props.dispatch({ type: "select", id: props.row.id })
}

function removeClick(props: RowProps): void {
  props.dispatch({ type: "remove", id: props.row.id })
}

function Row(props: RowProps): VNode {
  const row = props.row
  return newVNode(EL_NON_KEYED, "tr", props.selected ? "danger" : null, [
    newVNode(EL_TEXT, "td", "col-md-1", String(row.id)),
    newVNode(EL_VNODE, "td", "col-md-4",
      newVNode(EL_TEXT, "a", "lbl", row.label, { onClick: linkEvent(props, selectClick) })),
    newVNode(EL_VNODE, "td", "col-md-1",
      newVNode(EL_VNODE, "a", "remove",
        newVNode(EL_EMPTY, "span", "remove glyphicon glyphicon-remove", null, { "aria-hidden": "true" }),
        { onClick: linkEvent(props, removeClick) })),
    newVNode(EL_EMPTY, "td", "col-md-6")
  ])
}

/** What jfb's Inferno rows do: re-render only when the row object or the selection changed. */
const ROW_HOOKS = {
  onComponentShouldUpdate(last: RowProps, next: RowProps): boolean {
    return last.row !== next.row || last.selected !== next.selected
  }
}

/** The jumbotron never changes after its first render (React's and Preact's are memo'd). */
const STATIC_HOOKS = { onComponentShouldUpdate: (): boolean => false }

function Jumbotron(props: { readonly dispatch: Dispatch }): VNode {
  const dispatch = props.dispatch
  const buttons = BUTTONS.map(([id, label]) =>
    newVNode(EL_VNODE, "div", "col-sm-6 smallpad",
      newVNode(EL_TEXT, "button", "btn btn-primary btn-block", label, { type: "button", id, onClick: () => dispatch({ type: id }) }),
      null, id))
  return newVNode(EL_NON_KEYED, "div", "row", [
    newVNode(EL_VNODE, "div", "col-md-6", newVNode(EL_TEXT, "h1", null, "Inferno 10 (keyed)")),
    newVNode(EL_VNODE, "div", "col-md-6", newVNode(EL_KEYED, "div", "row", buttons))
  ])
}

class Main extends Component<object, { model: Model }> {
  override state = { model: init() }
  private readonly dispatch: Dispatch = (msg) => {
    const next = update(this.state.model, msg)
    if (next !== this.state.model) this.setState({ model: next })
  }

  override render(): VNode {
    const model = this.state.model
    const rows = model.rows
    const dispatch = this.dispatch
    const trs: VNode[] = new Array(rows.length)
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]
      trs[i] = newComponentVNode(FUNCTION_COMPONENT, Row, { row, selected: row.id === model.selected, dispatch }, row.id, ROW_HOOKS)
    }
    return newVNode(EL_NON_KEYED, "div", "container", [
      newVNode(EL_NON_KEYED, "div", "jumbotron", [
        newComponentVNode(FUNCTION_COMPONENT, Jumbotron, { dispatch }, null, STATIC_HOOKS),
        newVNode(EL_NON_KEYED, "div", "row filter-row", [
          newVNode(INPUT_ELEMENT | HAS_INVALID_CHILDREN, "input", null, null, { id: "filter", type: "text", placeholder: "Filter labels (Esc clears)", autocomplete: "off" }),
          newVNode(EL_VNODE, "span", null, newTextVNode(`${rows.length} of ${rows.length} rows`), { id: "status" })
        ])
      ]),
      newVNode(EL_VNODE, "table", "table table-hover table-striped test-data",
        trs.length === 0 ? newVNode(EL_EMPTY, "tbody") : newVNode(EL_KEYED, "tbody", null, trs)),
      newVNode(EL_EMPTY, "span", "preloadicon glyphicon glyphicon-remove", null, { "aria-hidden": "true" })
    ])
  }
}

render(newComponentVNode(CLASS_COMPONENT, Main), document.getElementById("app"))
