// @vitest-environment happy-dom
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import type { ShuttleError } from "../../protocol/errors.ts"
import { h } from "../../workers/h.ts"
import { type Program, withCommand } from "../../workers/program.ts"
import type { ComponentSelf } from "../../workers/components/instance.ts"
import { useRoots } from "../_util/harness.ts"
import { serveProgram } from "../../workers/bootstrap.ts"
import * as Schema from "effect/Schema"
import { withSchemas } from "../../workers/state/schemas.ts"
import { until } from "../_util/wait.ts"

/**
 * Hot swap (docs/hmr.md): `runProgram` called again in the same worker gives every root
 * new code under the same model and DOM. Driven here through `served.swap(program)`, what
 * the second `runProgram` call does.
 */
const { mount, mountOn } = useRoots()

interface Model {
  readonly count: number
  readonly rows: readonly string[]
}
type Msg = { readonly type: "inc" } | { readonly type: "noop" }
const init: Model = { count: 0, rows: ["a", "b", "c"] }

/** A counter and keyed rows drawn by a `Row` component; `label` stands for an edit of the view's text. */
function makeProgram(label: string, step = 1, onEffect?: () => void): Program<Model, Msg> {
  function Row(props: { text: string }, self: ComponentSelf) {
    if (onEffect !== undefined) self.mount("effect", Effect.sync(onEffect))
    return h("li", { class: "row" }, `${label} ${props.text}`)
  }
  return {
    init,
    update: (model, msg) => (msg.type === "inc" ? { ...model, count: model.count + step } : model),
    view: (model) =>
      h("main", null,
        h("p", { id: "count" }, `${label}: ${model.count}`),
        h("ul", null, model.rows.map((text) => h(Row, { key: text, text }))))
  }
}

describe("hot swap", () => {
  it("new view text shows at once; the model is kept; unchanged element nodes are the same DOM objects", async () => {
    const { root, container, served } = mount(makeProgram("v1"))
    root.dispatch({ type: "inc" })
    root.dispatch({ type: "inc" })
    await root.flush()
    const list = container.querySelector("ul")!
    const items = [...container.querySelectorAll("li")]
    served.swap(makeProgram("v2") as never)
    await until(() => container.querySelector("#count")!.textContent === "v2: 2", "the new code's render")
    expect([...container.querySelectorAll("li")].map((li) => li.textContent)).toEqual(["v2 a", "v2 b", "v2 c"])
    expect(container.querySelector("ul")).toBe(list)
    // The Row component of the new code is taken for the old one of its name: its DOM stays.
    expect([...container.querySelectorAll("li")]).toEqual(items)
    items.forEach((li, i) => expect(container.querySelectorAll("li")[i]).toBe(li))
  })

  it("a new update takes the next messages; what was folded stays", async () => {
    const { root, container, served } = mount(makeProgram("v1"))
    root.dispatch({ type: "inc" })
    await root.flush()
    served.swap(makeProgram("v1", 10) as never)
    root.dispatch({ type: "inc" })
    await root.flush()
    expect(container.querySelector("#count")!.textContent).toBe("v1: 11")
  })

  it("the history replays the messages after a swap with the new update", async () => {
    const { root, container, served } = mount(makeProgram("v1"), { history: true })
    root.dispatch({ type: "inc" })
    await root.flush()
    served.swap(makeProgram("v1", 10) as never)
    await until(() => container.querySelector("#count")!.textContent === "v1: 1", "the new code's render")
    root.dispatch({ type: "inc" })
    root.dispatch({ type: "inc" })
    await root.flush()
    expect(container.querySelector("#count")!.textContent).toBe("v1: 21")
    const info = await root.history.info()
    expect(await root.history.modelAt(info.end - 1)).toMatchObject({ count: 21 })
    expect(await root.history.modelAt(info.end - 2)).toMatchObject({ count: 11 })
  })

  it("a view that throws keeps the old code running and reports it; the next good code swaps in", async () => {
    const errors: ShuttleError[] = []
    const { root, container, served } = mount(makeProgram("v1"), { onError: (error) => errors.push(error) })
    await root.flush()
    const broken: Program<Model, Msg> = { ...makeProgram("v2"), view: () => { throw new Error("typo in view") } }
    served.swap(broken as never)
    await until(() => errors.length > 0, "the refusal")
    expect(errors[0]).toMatchObject({ kind: "RenderError:view", message: expect.stringContaining("typo in view") })
    root.dispatch({ type: "inc" })
    await root.flush()
    expect(container.querySelector("#count")!.textContent).toBe("v1: 1")
    served.swap(makeProgram("v3") as never)
    await until(() => container.querySelector("#count")!.textContent === "v3: 1", "the fixed code")
  })

  it("component effects start again under the new code; running commands are interrupted; subscriptions restart", async () => {
    let effects = 0
    let interrupted = 0
    let subscribed = 0
    const withLongCommand = (label: string): Program<Model, Msg> => {
      const base = makeProgram(label, 1, () => effects++)
      return {
        ...base,
        update: (model, msg) => msg.type === "inc"
          ? withCommand<Model, Msg>({ ...model, count: model.count + 1 }, Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => interrupted++))))
          : model,
        subscriptions: () => ({ ticks: Stream.fromEffect(Effect.sync(() => void subscribed++)).pipe(Stream.flatMap(() => Stream.never)) })
      }
    }
    const { root, served } = mount(withLongCommand("v1"))
    root.dispatch({ type: "inc" })
    await root.flush()
    await until(() => effects === 3 && subscribed === 1, "the first effects and subscription")
    served.swap(withLongCommand("v2") as never)
    await until(() => effects === 6, "the effects of the three rows again")
    await until(() => interrupted === 1, "the running command interrupted")
    await until(() => subscribed === 2, "the subscription started again")
  })

  it("every root of the worker takes the new code, each under its own model", async () => {
    const channel = new MessageChannel()
    const served = serveProgram(makeProgram("v1"), channel.port2)
    const { root: first, container: one } = mountOn(channel.port1)
    const { root: second, container: two } = mountOn(channel.port1)
    first.dispatch({ type: "inc" })
    second.dispatch({ type: "inc" })
    second.dispatch({ type: "inc" })
    await Promise.all([first.flush(), second.flush()])
    served.swap(makeProgram("v2"))
    await until(() => one.querySelector("#count")?.textContent === "v2: 1" && two.querySelector("#count")?.textContent === "v2: 2", "both roots on the new code")
    expect(served.roots.size).toBe(2)
  })

  it("new code with another model Schema: the model is carried over when it decodes, else the app restarts from init with a ModelRejected", async () => {
    const errors: ShuttleError[] = []
    const v1 = withSchemas(makeProgram("v1"), { model: Schema.Struct({ count: Schema.Number, rows: Schema.Array(Schema.String) }) })
    const { root, container, served } = mount(v1, { onError: (error) => errors.push(error) })
    root.dispatch({ type: "inc" })
    await root.flush()
    // An optional field added: the model decodes.
    const v2 = withSchemas(makeProgram("v2"), { model: Schema.Struct({ count: Schema.Number, rows: Schema.Array(Schema.String), note: Schema.optional(Schema.String) }) })
    served.swap(v2 as never)
    await until(() => container.querySelector("#count")!.textContent === "v2: 1", "the model carried over")
    // A required field added: it does not.
    // (The program's Model type has no title: the Schema is the new deploy's, checked at run time only.)
    const v3 = withSchemas({ ...makeProgram("v3"), init: { ...init, count: 100 } } as never, { model: Schema.Struct({ count: Schema.Number, rows: Schema.Array(Schema.String), title: Schema.String }) })
    served.swap(v3 as never)
    await until(() => container.querySelector("#count")!.textContent === "v3: 100", "the new init")
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ _tag: "StateError", kind: "ModelRejected", path: "[\"title\"]" })
  })
})
