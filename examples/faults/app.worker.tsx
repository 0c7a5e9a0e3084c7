/**
 * Faults demo, in the worker: two counters (one fed by dispatches, one by commands, so
 * that messages born in the worker are journaled too) and a 5,000-row list whose every
 * row depends on `tick`, re-rendered in the Transition lane while the counters stream.
 *
 * The worker URL's query picks a fault at start: `?fault=throws` throws at the top level
 * (the worker never serves); `?bootMs=N` spins N ms before serving (a slow boot, to see
 * the placeholder).
 */
import * as Effect from "effect/Effect"
import { runProgram, type VNode, withCommand } from "shuttle-ui/worker"

export const ROWS = 5_000

export interface Model {
  /** Incremented by `inc`, dispatched from the main thread and by the + button. */
  readonly direct: number
  /** Incremented by `incDone`, the result of the command `incLater` starts. */
  readonly via: number
  readonly tick: number
}
export type Msg =
  | { readonly type: "inc" }
  | { readonly type: "incLater" }
  | { readonly type: "incDone" }
  | { readonly type: "tick" }
  | { readonly type: "load"; readonly model: Model }

declare module "shuttle-ui/worker" {
  interface Register {
    faults: Msg
  }
}

function update(model: Model, msg: Msg): Model | ReturnType<typeof withCommand<Model, Msg>> {
  switch (msg.type) {
    case "inc":
      return { ...model, direct: model.direct + 1 }
    case "incLater":
      return withCommand<Model, Msg>(model, Effect.succeed({ type: "incDone" }))
    case "incDone":
      return { ...model, via: model.via + 1 }
    case "tick":
      return { ...model, tick: model.tick + 1 }
    case "load":
      return msg.model
  }
}

/** A component, so that a counter's render skips the rows (equal props). */
function Rows(props: { tick: number }): VNode[] {
  const rows: VNode[] = new Array(ROWS)
  for (let i = 0; i < ROWS; i++) rows[i] = <li key={i}>{(i * 7 + props.tick) % 1000}</li>
  return rows
}

function view(model: Model): VNode {
  return (
    <main>
      <p>
        direct <output id="direct">{model.direct}</output> · via commands <output id="via">{model.via}</output> · tick <output id="tick">{model.tick}</output>
      </p>
      <button id="inc" onClick={{ type: "inc" }}>+1</button>
      <ol id="rows">
        <Rows tick={model.tick} />
      </ol>
    </main>
  )
}

const params = new URLSearchParams(location.search)
if (params.get("fault") === "throws") throw new Error("the faults demo throws at start (?fault=throws)")
const bootMs = Number(params.get("bootMs") ?? 0)
if (bootMs > 0) {
  // A slow boot (a big bundle to parse): the page shows its placeholder meanwhile.
  const until = performance.now() + bootMs
  while (performance.now() < until) { /* spin */ }
}

runProgram<Model, Msg>({ init: { direct: 0, via: 0, tick: 0 }, update, view })
