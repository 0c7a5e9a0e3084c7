/**
 * Type tests of programs: `runProgram<Model, Msg>` types `update` (a model, or
 * `withCommand(model, ...effects)` whose effects yield a `Msg` or nothing), `init`,
 * `view` (a Child) and `subscriptions` (streams of `Msg`).
 */
import { Effect, Stream } from "effect"
import { describe, expect, expectTypeOf, it } from "vitest"
import { type Command, type Program, runProgram, withCommand } from "shuttle-ui/worker"
import type { TestMsg } from "./register.ts"

type Model = { readonly count: number; readonly text: string }
type Msg = TestMsg

const program: Program<Model, Msg> = {
  init: () => ({ count: 0, text: "" }),
  update: (model, msg) => {
    expectTypeOf(msg).toEqualTypeOf<Msg>()
    switch (msg.type) {
      case "inc":
        return { ...model, count: model.count + 1 }
      case "typed":
        // The command's message is checked against Msg; no `as const` needed.
        return withCommand({ ...model, text: msg.text }, Effect.succeed({ type: "saved" }), Effect.succeed(undefined), Effect.void)
      case "saved":
        return model
    }
  },
  view: (model) => (
    <main>
      <button onClick={{ type: "inc" }}>{model.count}</button>
      <input value={model.text} onInput={(e) => ({ type: "typed", text: e.value ?? "" })} />
    </main>
  ),
  subscriptions: (model) => ({ ticks: Stream.make({ type: "inc" }), slow: { stream: Stream.take(Stream.make({ type: "saved" }), model.count), perFrame: 1 } })
}

const refused: ReadonlyArray<Program<Model, Msg>> = [
  {
    ...program,
    // @ts-expect-error: a command whose result is not a Msg
    update: (model) => withCommand(model, Effect.succeed({ type: "incc" }))
  },
  {
    ...program,
    // @ts-expect-error: update returns a Model
    update: (model) => ({ ...model, count: "1" })
  },
  {
    ...program,
    // @ts-expect-error: view returns vnodes, text or nothing, not a function
    view: () => () => 1
  },
  {
    ...program,
    // @ts-expect-error: init is a Model
    init: { count: 0 }
  },
  {
    ...program,
    // @ts-expect-error: a subscription streams Msg
    subscriptions: () => ({ ticks: Stream.make({ type: "tick" }) })
  }
]

describe("program types", () => {
  it("runProgram takes a Program<Model, Msg>", () => {
    expectTypeOf(runProgram<Model, Msg>).toBeCallableWith(program)
    expectTypeOf(withCommand<Model, Msg>).returns.toEqualTypeOf<Command<Model, Msg, never>>()
    const command = withCommand<Model, Msg>({ count: 1, text: "" }, Effect.succeed({ type: "saved" }))
    expect(command.model).toEqual({ count: 1, text: "" })
    expect(command.effects).toHaveLength(1)
    expect(refused).toHaveLength(5)
  })
})
