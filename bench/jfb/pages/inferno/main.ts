/**
 * The js-framework-benchmark table in Inferno, after jfb's inferno keyed implementation: a
 * class component holding the model (examples/table/model.ts's `update`), function rows
 * with `onComponentShouldUpdate`, and `linkEvent` for row clicks.
 *
 * Written as the calls babel-plugin-inferno compiles JSX to (`createVNode` with the child
 * shape flags jfb's version asks for with `$HasTextChildren` / `$HasKeyedChildren`), since
 * esbuild has no Inferno JSX transform. The flag values are copied from inferno-vnode-flags:
 * its `const enum`s cannot be imported under `verbatimModuleSyntax`.
 */
import { Component, createComponentVNode, createTextVNode, createVNode, linkEvent, render, type VNode } from "inferno"
import { init, type Model, type Msg, type Row as RowData, update } from "../../../../examples/table/model.ts"

// VNodeFlags
const HTML_ELEMENT = 1
const COMPONENT_CLASS = 4
const COMPONENT_FUNCTION = 8
// ChildFlags
const HAS_INVALID_CHILDREN = 1
const HAS_VNODE_CHILDREN = 2
const HAS_NON_KEYED_CHILDREN = 4
const HAS_KEYED_CHILDREN = 8
const HAS_TEXT_CHILDREN = 16

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
  return createVNode(HTML_ELEMENT, "tr", props.selected ? "danger" : null, [
    createVNode(HTML_ELEMENT, "td", "col-md-1", String(row.id), HAS_TEXT_CHILDREN),
    createVNode(HTML_ELEMENT, "td", "col-md-4",
      createVNode(HTML_ELEMENT, "a", "lbl", row.label, HAS_TEXT_CHILDREN, { onClick: linkEvent(props, selectClick) }),
      HAS_VNODE_CHILDREN),
    createVNode(HTML_ELEMENT, "td", "col-md-1",
      createVNode(HTML_ELEMENT, "a", "remove",
        createVNode(HTML_ELEMENT, "span", "remove glyphicon glyphicon-remove", null, HAS_INVALID_CHILDREN, { "aria-hidden": "true" }),
        HAS_VNODE_CHILDREN, { onClick: linkEvent(props, removeClick) }),
      HAS_VNODE_CHILDREN),
    createVNode(HTML_ELEMENT, "td", "col-md-6", null, HAS_INVALID_CHILDREN)
  ], HAS_NON_KEYED_CHILDREN)
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
    createVNode(HTML_ELEMENT, "div", "col-sm-6 smallpad",
      createVNode(HTML_ELEMENT, "button", "btn btn-primary btn-block", label, HAS_TEXT_CHILDREN,
        { type: "button", id, onClick: () => dispatch({ type: id }) }),
      HAS_VNODE_CHILDREN, null, id))
  return createVNode(HTML_ELEMENT, "div", "row", [
    createVNode(HTML_ELEMENT, "div", "col-md-6", createVNode(HTML_ELEMENT, "h1", null, "Inferno (keyed)", HAS_TEXT_CHILDREN), HAS_VNODE_CHILDREN),
    createVNode(HTML_ELEMENT, "div", "col-md-6", createVNode(HTML_ELEMENT, "div", "row", buttons, HAS_KEYED_CHILDREN), HAS_VNODE_CHILDREN)
  ], HAS_NON_KEYED_CHILDREN)
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
      trs[i] = createComponentVNode(COMPONENT_FUNCTION, Row, { row, selected: row.id === model.selected, dispatch }, row.id, ROW_HOOKS)
    }
    return createVNode(HTML_ELEMENT, "div", "container", [
      createVNode(HTML_ELEMENT, "div", "jumbotron", [
        createComponentVNode(COMPONENT_FUNCTION, Jumbotron, { dispatch }, null, STATIC_HOOKS),
        createVNode(HTML_ELEMENT, "div", "row filter-row", [
          createVNode(HTML_ELEMENT, "input", null, null, HAS_INVALID_CHILDREN,
            { id: "filter", type: "text", placeholder: "Filter labels (Esc clears)", autocomplete: "off" }),
          createVNode(HTML_ELEMENT, "span", null, createTextVNode(`${rows.length} of ${rows.length} rows`), HAS_VNODE_CHILDREN, { id: "status" })
        ], HAS_NON_KEYED_CHILDREN)
      ], HAS_NON_KEYED_CHILDREN),
      createVNode(HTML_ELEMENT, "table", "table table-hover table-striped test-data",
        createVNode(HTML_ELEMENT, "tbody", null, trs.length === 0 ? null : trs, trs.length === 0 ? HAS_INVALID_CHILDREN : HAS_KEYED_CHILDREN),
        HAS_VNODE_CHILDREN),
      createVNode(HTML_ELEMENT, "span", "preloadicon glyphicon glyphicon-remove", null, HAS_INVALID_CHILDREN, { "aria-hidden": "true" })
    ], HAS_NON_KEYED_CHILDREN)
  }
}

render(createComponentVNode(COMPONENT_CLASS, Main), document.getElementById("app"))
