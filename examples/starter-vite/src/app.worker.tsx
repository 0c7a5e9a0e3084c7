// src/app.worker.tsx: the whole app, run in a Web Worker; edit it while `npm run dev` runs
import { runProgram } from "shuttle-ui/worker"

type Model = { count: number }
type Msg = { type: "inc" }

declare module "shuttle-ui/worker" {
  interface Register { app: Msg }
}

runProgram<Model, Msg>({
  init: { count: 0 },
  update: (model, msg) => (msg.type === "inc" ? { count: model.count + 1 } : model),
  view: (model) => (
    <main>
      <h1>Hello from a worker</h1>
      <button onClick={{ type: "inc" }}>Clicked {model.count} times</button>
    </main>
  )
})
