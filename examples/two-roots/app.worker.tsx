/** A counter: each root on the two-roots page runs its own copy in its own worker. */
import { runProgram, type VNode } from "shuttle-ui/worker"

type Msg = { readonly type: "inc" } | { readonly type: "reset" }

declare module "shuttle-ui/worker" {
  interface Register {
    twoRoots: Msg
  }
}

const update = (count: number, msg: Msg): number => (msg.type === "inc" ? count + 1 : 0)

const view = (count: number): VNode => (
  <div class="counter">
    <button type="button" class="inc" onClick={{ type: "inc" }}>+1</button>
    <button type="button" class="reset" onClick={{ type: "reset" }}>reset</button>
    <output class="count">{String(count)}</output>
  </div>
)

runProgram<number, Msg>({ init: 0, update, view })
