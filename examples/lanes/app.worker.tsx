/**
 * Lanes demo, in the worker: a 10,000-row grid whose every cell depends on `tick`, and a
 * text box whose echo must keep up with typing while the grid re-renders. The page
 * dispatches the ticks (in the Transition lane by default); keystrokes are DOM events,
 * which take the Sync lane.
 */
import { runProgram, type ShuttleEvent, type VNode } from "shuttle-ui/worker"

export const ROWS = 10_000

interface Model {
  readonly tick: number
  readonly text: string
}
type Msg = { readonly type: "tick" } | { readonly type: "typed"; readonly text: string } | { readonly type: "reset" }

declare module "shuttle-ui/worker" {
  interface Register {
    lanes: Msg
  }
}

function update(model: Model, msg: Msg): Model {
  switch (msg.type) {
    case "tick":
      return { ...model, tick: model.tick + 1 }
    case "typed":
      return { ...model, text: msg.text }
    case "reset":
      return { tick: 0, text: "" }
  }
}

const onInput = (event: ShuttleEvent): Msg => ({ type: "typed", text: event.value ?? "" })

/**
 * Rows change with every tick: the whole grid is re-diffed and most text nodes change.
 * A component, so a keystroke's render (same tick) skips the grid: equal props.
 */
function Grid(props: { tick: number }): VNode[] {
  const tick = props.tick
  const rows: VNode[] = new Array(ROWS)
  for (let i = 0; i < ROWS; i++) {
    rows[i] = (
      <tr key={i}>
        <td class="id">{i}</td>
        <td class="value">{(i * 7 + tick) % 1000}</td>
      </tr>
    )
  }
  return rows
}

function view(model: Model): VNode {
  return (
    <main>
      <header>
        <input id="text" value={model.text} onInput={onInput} placeholder="type here while the grid renders" />
        <p>echo: <span id="echo">{model.text}</span></p>
        <p>tick: <span id="tick">{model.tick}</span></p>
      </header>
      <table>
        <tbody>
          <Grid tick={model.tick} />
        </tbody>
      </table>
    </main>
  )
}

runProgram<Model, Msg>({ init: { tick: 0, text: "" }, update, view })
