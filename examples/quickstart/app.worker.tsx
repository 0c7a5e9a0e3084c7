// app.worker.tsx: the whole app, run in a Web Worker
import { runProgram, withCommand } from "shuttle-ui/worker"
import * as Effect from "effect/Effect"

type Model = { count: number; text: string }
type Msg = { type: "inc" } | { type: "typed"; text: string } | { type: "saved" }

// Every handler in the app is checked against Msg (declared once per app).
declare module "shuttle-ui/worker" {
  interface Register { msg: Msg }
}

runProgram<Model, Msg>({
  init: { count: 0, text: "" },
  update: (model, msg) => {
    switch (msg.type) {
      case "inc": return { ...model, count: model.count + 1 }
      case "typed": return withCommand({ ...model, text: msg.text }, Effect.succeed({ type: "saved" } as const))
      case "saved": return model
    }
  },
  view: (model) => (
    <main>
      <button onClick={{ type: "inc" }}>Clicked {model.count} times</button>
      <input value={model.text} onInput={(e) => ({ type: "typed", text: e.value ?? "" })} />
      <p>You typed: {model.text}</p>
    </main>
  )
})
