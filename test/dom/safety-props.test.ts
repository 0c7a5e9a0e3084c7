// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import type { ShuttleError } from "../../src/index.ts"
import type { ElementProps } from "../../workers/element-props.ts"
import { h } from "../../workers/h.ts"
import { createPipeline } from "../_util/pipeline.ts"
import { useRoots } from "../_util/harness.ts"

/**
 * The worker side of docs/safety.md (workers/diff/props.ts): a prop named `on…` in any
 * case is an event handler, never an attribute; a string in one is refused with a typed
 * error in the worker, before the main thread would refuse it anyway.
 */

type Msg = { readonly type: "inc" } | { readonly type: "add"; readonly n: number } | { readonly type: "bad" }
interface Model {
  readonly count: number
  readonly bad: boolean
}

const roots = useRoots()

describe("on… props in any case are event handlers", () => {
  it("onclick={{ type: 'inc' }}, ONCLICK={fn} and onClick on other elements of the same root all dispatch; no on… attribute is written", async () => {
    const { container, root } = roots.mount({
      init: { count: 0, bad: false } as Model,
      update: (model: Model, msg: Msg): Model => msg.type === "inc" ? { ...model, count: model.count + 1 } : msg.type === "add" ? { ...model, count: model.count + msg.n } : model,
      view: (model: Model) => h<Msg>("div", null,
        h<Msg>("button", { id: "lower", onclick: { type: "inc" } }, "lower"),
        h<Msg>("button", { id: "upper", ONCLICK: () => ({ type: "add", n: 10 }) }, "upper"),
        h<Msg>("button", { id: "camel", onClick: { type: "add", n: 100 } }, "camel"),
        h("output", null, String(model.count)))
    })
    await root.flush()
    expect(container.innerHTML).toBe('<div><button id="lower">lower</button><button id="upper">upper</button><button id="camel">camel</button><output>0</output></div>')
    for (const id of ["lower", "upper", "camel", "lower"]) {
      container.querySelector<HTMLButtonElement>(`#${id}`)!.click()
      await root.flush()
    }
    expect(container.querySelector("output")!.textContent).toBe("112")
  })

  it("a handler whose spelling changes between renders keeps its event; removing it under any spelling removes it", () => {
    const pipeline = createPipeline()
    pipeline.render(h<number>("button", { onClick: 1 }))
    const button = pipeline.container.firstChild as Element
    const id = (button as unknown as { __shuttleId: number }).__shuttleId
    pipeline.render(h<number>("button", { onclick: 1 }))
    expect(pipeline.applier.flagsFor("click", id)).not.toBe(0)
    pipeline.render(h<number>("button", { ONCLICK: { msg: 1, preventDefault: true } }))
    expect(pipeline.applier.flagsFor("click", id)).not.toBe(0)
    expect(pipeline.listened).toEqual(new Set(["click"]))
    expect(pipeline.container.innerHTML).toBe("<button></button>")
    pipeline.render(h("button", null))
    expect(pipeline.applier.flagsFor("click", id)).toBe(0)
    expect(pipeline.listened).toEqual(new Set())
  })
})

describe("a string in an on… prop is refused in the worker", () => {
  for (const [prop, value] of [["onclick", "alert(1)"], ["ONCLICK", "alert(1)"], ["onerror", "alert(1)"], ["onClick", "inc"], ["on", "x"]] as const) {
    it(`${prop}=${JSON.stringify(value)}: the render fails with UnsafePropError, reported to onError and shown as text; no on… attribute is written`, async () => {
      const errors: ShuttleError[] = []
      const { container, root } = roots.mount({
        init: { count: 0, bad: false } as Model,
        update: (model: Model, msg: Msg): Model => msg.type === "bad" ? { ...model, bad: true } : { ...model, count: model.count + 1 },
        view: (model: Model) => h("div", null,
          // Untyped on purpose: what a JavaScript app (or props spread from data) can pass.
          h("button", (model.bad ? { [prop]: value } : { title: "ok" }) as ElementProps, "button"),
          h("output", null, String(model.count)))
      }, { onError: (error) => errors.push(error) })
      await root.flush()
      expect(container.querySelector("button")!.getAttributeNames()).toEqual(["title"])
      root.dispatch({ type: "bad" })
      await root.flush()
      expect(errors).toHaveLength(1)
      expect(errors[0]._tag).toBe("WorkerError")
      expect(errors[0].message).toContain(`<button ${prop}=${JSON.stringify(value)}>`)
      expect(errors[0].message).toContain("a string in an on… prop would be script in HTML")
      expect(errors[0].message).toContain(prop === "onerror" ? "onError: (event) => msg" : "onClick: (event) => msg")
      // The view failed, so the root shows its error view: the message, markup and all, as text.
      expect(container.textContent).toContain(`<button ${prop}=${JSON.stringify(value)}>`)
      expect(container.querySelectorAll("*").length).toBe(container.querySelectorAll("[role=alert], [role=alert] *").length)
      for (const el of container.querySelectorAll("*")) expect(el.getAttributeNames().filter((name) => name.toLowerCase().startsWith("on"))).toEqual([])
    })
  }
})
