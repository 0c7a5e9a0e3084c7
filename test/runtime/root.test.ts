// @vitest-environment happy-dom
import { Context, Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { createRoot, InvalidOptionError, MessageNotCloneableError, type ShuttleError } from "../../src/index.ts"
import { serveProgram } from "../../workers/bootstrap.ts"
import { h } from "../../workers/h.ts"
import { withCommand } from "../../workers/program.ts"
import { useRoots } from "../_util/harness.ts"
import { gate, until } from "../_util/wait.ts"

const { mount } = useRoots()

const counter = {
  init: () => ({ count: 0 }),
  update: (model: { count: number }, msg: { type: "add"; by: number } | { type: "boom" }) => {
    if (msg.type === "boom") throw new Error("update exploded")
    return { count: model.count + msg.by }
  },
  view: (model: { count: number }) => h("p", null, `count ${model.count}`)
}

describe("batching", () => {
  it("folds 1,000 dispatches of one task into one commit", async () => {
    const { container, root } = mount(counter)
    await root.flush()
    const before = root.stats.commits
    for (let i = 0; i < 1000; i++) root.dispatch({ type: "add", by: 1 })
    await root.flush()
    expect(container.textContent).toBe("count 1000")
    expect(root.stats.commits - before).toBe(1)
  })

  it("flush resolves after the commit of every earlier dispatch is applied", async () => {
    const { container, root } = mount(counter)
    root.dispatch({ type: "add", by: 2 })
    await root.flush()
    expect(container.textContent).toBe("count 2")
    root.dispatch({ type: "add", by: 3 }, { lane: "transition" })
    await root.flush()
    expect(container.textContent).toBe("count 5")
  })
})

describe("bad input", () => {
  it("rejects a message that cannot be cloned, with a typed error, and keeps working", async () => {
    const { container, root } = mount(counter)
    expect(() => root.dispatch({ type: "add", by: () => 1 } as never)).toThrow(MessageNotCloneableError)
    root.dispatch({ type: "add", by: 1 })
    await root.flush()
    expect(container.textContent).toBe("count 1")
  })

  it("rejects an unknown lane with InvalidOptionError naming the field", () => {
    const { root } = mount(counter)
    expect(() => root.dispatch({ type: "add", by: 1 }, { lane: "urgent" as never })).toThrow(InvalidOptionError)
    try {
      root.dispatch({ type: "add", by: 1 }, { lane: "urgent" as never })
    } catch (error) {
      expect((error as InvalidOptionError).field).toBe("lane")
    }
  })

  it("an update that throws rejects that message only; the next 100 still apply", async () => {
    const errors: ShuttleError[] = []
    const { container, root } = mount(counter, { onError: (e) => errors.push(e) })
    root.dispatch({ type: "add", by: 1 })
    root.dispatch({ type: "boom" })
    for (let i = 0; i < 100; i++) root.dispatch({ type: "add", by: 1 })
    await root.flush()
    expect(container.textContent).toBe("count 101")
    expect(errors).toHaveLength(1)
    expect(errors[0]._tag).toBe("WorkerError")
    expect(errors[0].message).toContain("update exploded")
  })

  it("a view that throws outside any boundary shows a minimal error view; the model stays; the next message renders the app", async () => {
    const errors: ShuttleError[] = []
    const { container, root } = mount({
      init: 0,
      update: (n: number, by: number) => n + by,
      view: (n: number) => {
        if (n === 13) throw new Error("unlucky")
        return h("ul", null, Array.from({ length: n % 5 }, (_, i) => h("li", { key: i }, `${n}-${i}`)))
      }
    }, { onError: (e) => errors.push(e) })
    root.dispatch(12)
    await root.flush()
    root.dispatch(1)
    await root.flush()
    expect(container.querySelector('[role="alert"]')!.textContent).toBe("Something went wrong. unlucky")
    expect(errors.map((e) => e.message).join()).toContain("unlucky")
    root.dispatch(2) // 12 + 2: the rejected +1 is not in the model
    await root.flush()
    expect(container.textContent).toBe("14-014-114-214-3")
  })

  it("duplicate keys are reported with the key, and the app comes back with the next good view", async () => {
    const errors: ShuttleError[] = []
    const { container, root } = mount({
      init: [1, 2],
      update: (_: number[], keys: number[]) => keys,
      view: (keys: number[]) => h("ul", null, keys.map((k) => h("li", { key: k }, String(k))))
    }, { onError: (e) => errors.push(e) })
    await root.flush()
    root.dispatch([1, 2, 1])
    await root.flush()
    expect(container.querySelector('[role="alert"]')!.textContent).toContain("Duplicate key 1")
    expect(errors[0].message).toContain("Duplicate key 1")
    root.dispatch([2, 1])
    await root.flush()
    expect(container.innerHTML).toBe("<ul><li>2</li><li>1</li></ul>")
  })

  it("a handler that throws is reported and later events still work", async () => {
    const errors: ShuttleError[] = []
    const { container, root } = mount({
      init: 0,
      update: (n: number, by: number) => n + by,
      view: (n: number) => h("div", null,
        h("button", { id: "bad", onClick: () => { throw new Error("handler broke") } }, "bad"),
        h<number>("button", { id: "good", onClick: 1 }, `n=${n}`))
    }, { onError: (e) => errors.push(e) })
    await root.flush()
    ;(container.querySelector("#bad") as HTMLButtonElement).click()
    for (let i = 0; i < 100; i++) (container.querySelector("#good") as HTMLButtonElement).click()
    await root.flush()
    expect(container.querySelector("#good")!.textContent).toBe("n=100")
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toContain("handler broke")
  })
})

describe("events", () => {
  it("applies preventDefault and stopPropagation on the main thread, synchronously", async () => {
    const { container, root } = mount({
      init: { submitted: 0, inner: 0, outer: 0 },
      update: (m: { submitted: number; inner: number; outer: number }, msg: "submit" | "inner" | "outer") =>
        ({ ...m, [msg === "submit" ? "submitted" : msg]: m[msg === "submit" ? "submitted" : msg] + 1 }),
      view: (m: { submitted: number; inner: number; outer: number }) =>
        h<unknown>("div", { onClick: () => "outer" },
          h<unknown>("form", { onSubmit: { msg: "submit", preventDefault: true } }, h("button", { type: "submit" }, "go")),
          h<unknown>("span", { id: "inner", onClick: { msg: "inner", stopPropagation: true } }, `${m.submitted}/${m.inner}/${m.outer}`))
    })
    await root.flush()
    const form = container.querySelector("form")!
    const submit = new Event("submit", { bubbles: true, cancelable: true })
    form.dispatchEvent(submit)
    expect(submit.defaultPrevented).toBe(true)
    let reachedDocument = false
    const onDocument = () => { reachedDocument = true }
    document.addEventListener("click", onDocument)
    ;(container.querySelector("#inner") as HTMLElement).click()
    document.removeEventListener("click", onDocument)
    expect(reachedDocument).toBe(false)
    await root.flush()
    expect(container.querySelector("#inner")!.textContent).toBe("1/1/0")
  })

  it("a controlled input keeps what the user typed and is set back when update rejects a key", async () => {
    const { container, root } = mount({
      init: "",
      update: (_: string, text: string) => text.replace(/[0-9]/g, ""),
      view: (text: string) => h("div", null, h<string>("input", { value: text, onInput: (e) => e.value }), h("p", null, text))
    })
    await root.flush()
    const input = container.querySelector("input")!
    for (const next of ["a", "ab", "abc"]) {
      input.value = next
      input.dispatchEvent(new Event("input", { bubbles: true }))
    }
    await root.flush()
    expect(input.value).toBe("abc")
    expect(container.querySelector("p")!.textContent).toBe("abc")
    input.value = "abc1"
    input.dispatchEvent(new Event("input", { bubbles: true }))
    await root.flush()
    expect(input.value).toBe("abc")
  })
})

describe("commands and services", () => {
  class Greeter extends Context.Service<Greeter, { readonly greet: (name: string) => string }>()("test/Greeter") {}

  it("runs commands with the root's services and dispatches their result", async () => {
    const reply = gate()
    const { container, root } = mount({
      init: "",
      update: (_: string, msg: { type: "greet"; name: string } | { type: "greeted"; text: string }) =>
        msg.type === "greet"
          ? withCommand("…", Effect.gen(function*() {
            const greeter = yield* Greeter
            yield* Effect.promise(() => reply.promise)
            return { type: "greeted" as const, text: greeter.greet(msg.name) }
          }))
          : msg.text,
      view: (text: string) => h("p", null, text),
      layer: Layer.succeed(Greeter, { greet: (name) => `hello ${name}` })
    })
    root.dispatch({ type: "greet", name: "ada" })
    await root.flush()
    expect(container.textContent).toBe("…")
    reply.open()
    await until(() => container.textContent === "hello ada", "the command's message")
  })

  it("a failing command is reported, keeps the model, and the next 100 messages still apply", async () => {
    const errors: ShuttleError[] = []
    const { container, root } = mount({
      init: 0,
      update: (n: number, msg: "fail" | "inc") =>
        msg === "fail" ? withCommand(n, Effect.fail(new Error("command broke"))) : n + 1,
      view: (n: number) => h("p", null, String(n))
    }, { onError: (e) => errors.push(e) })
    root.dispatch("fail")
    await root.flush()
    await until(() => errors.length > 0, "the command's failure")
    for (let i = 0; i < 100; i++) root.dispatch("inc")
    await root.flush()
    expect(container.textContent).toBe("100")
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toContain("command broke")
  })

  it("unmount interrupts running commands and closes the layer's scope", async () => {
    const events: string[] = []
    const layer = Layer.effect(Greeter, Effect.acquireRelease(
      Effect.sync(() => ({ greet: (n: string) => n })),
      () => Effect.sync(() => { events.push("layer released") })
    ))
    const { root } = mount({
      init: 0,
      update: (n: number, _msg: "start") => withCommand(n + 1, Effect.sync(() => { events.push("command started") }).pipe(
        Effect.andThen(Effect.never),
        Effect.onInterrupt(() => Effect.sync(() => { events.push("command interrupted") }))
      )),
      view: (n: number) => h("p", null, String(n)),
      layer
    })
    root.dispatch("start")
    await root.flush()
    await until(() => events.includes("command started"), "the command to start")
    // unmount resolves once the worker has closed the root's Scope.
    await root.unmount()
    expect(events).toEqual(["command started", "command interrupted", "layer released"])
  })
})

describe("components", () => {
  it("skips a component whose props are equal", async () => {
    const renders: string[] = []
    const Row = (props: { label: string }) => {
      renders.push(props.label)
      return h("li", null, props.label)
    }
    const { container, root } = mount({
      init: { labels: ["a", "b"], tick: 0 },
      update: (m: { labels: string[]; tick: number }, msg: "tick" | "rename") =>
        msg === "tick" ? { ...m, tick: m.tick + 1 } : { ...m, labels: ["a", "B"] },
      view: (m: { labels: string[]; tick: number }) => h("ul", { "data-tick": m.tick }, m.labels.map((label) => h(Row, { key: label.toLowerCase(), label })))
    })
    await root.flush()
    expect(renders).toEqual(["a", "b"])
    root.dispatch("tick")
    await root.flush()
    expect(renders).toEqual(["a", "b"])
    root.dispatch("rename")
    await root.flush()
    expect(renders).toEqual(["a", "b", "B"])
    expect(container.innerHTML).toBe('<ul data-tick="1"><li>a</li><li>B</li></ul>')
  })
})

describe("several roots", () => {
  it("two roots on one worker have their own models and DOM", async () => {
    const channel = new MessageChannel()
    serveProgram(counter, channel.port2)
    const a = document.createElement("div")
    const b = document.createElement("div")
    const rootA = createRoot(a, channel.port1)
    const rootB = createRoot(b, channel.port1)
    rootA.dispatch({ type: "add", by: 5 })
    rootB.dispatch({ type: "add", by: 7 })
    await Promise.all([rootA.flush(), rootB.flush()])
    expect(a.textContent).toBe("count 5")
    expect(b.textContent).toBe("count 7")
    await rootA.unmount()
    expect(a.innerHTML).toBe("")
    rootB.dispatch({ type: "add", by: 1 })
    await rootB.flush()
    expect(b.textContent).toBe("count 8")
    await rootB.unmount()
    channel.port1.close()
  })
})
