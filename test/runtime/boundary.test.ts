// @vitest-environment happy-dom
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { ShuttleError } from "../../src/index.ts"
import { ErrorBoundary } from "../../workers/components/error-boundary.ts"
import { h } from "../../workers/h.ts"
import type { ComponentSelf } from "../../workers/components/instance.ts"
import { useRoots } from "../_util/harness.ts"
import { gate, until } from "../_util/wait.ts"

const { mount } = useRoots()

interface Model {
  readonly broken: number
  readonly count: number
}
type Msg = { type: "break"; index: number } | { type: "fix" } | { type: "inc" }
const update = (m: Model, msg: Msg): Model =>
  msg.type === "break" ? { ...m, broken: msg.index } : msg.type === "fix" ? { ...m, broken: -1 } : { ...m, count: m.count + 1 }

describe("ErrorBoundary", () => {
  it("a throw in 1 of 50 siblings shows only its boundary's fallback; the other 49 keep their nodes and effects; retry recovers", async () => {
    const finalized: number[] = []
    let started = 0
    const Item = (props: { index: number; broken: boolean; count: number }, self: ComponentSelf) => {
      self.mount("life", Effect.sync(() => { started++ }).pipe(
        Effect.andThen(Effect.never),
        Effect.onInterrupt(() => Effect.sync(() => { finalized.push(props.index) }))
      ))
      if (props.broken) throw new Error(`item ${props.index} broke`)
      return h("li", { class: "item" }, `item ${props.index} · ${props.count}`)
    }
    const retries: Array<() => void> = []
    const errors: ShuttleError[] = []
    const caught: unknown[] = []
    const { container, root } = mount({
      init: { broken: -1, count: 0 },
      update,
      view: (m: Model) =>
        h("ul", null, Array.from({ length: 50 }, (_, i) =>
          h(ErrorBoundary, {
            key: i,
            onError: (error: unknown) => caught.push(error),
            fallback: (error: unknown, retry: () => void) => {
              retries[i] = retry
              return h("li", { class: "fallback" }, `fallback ${i}: ${(error as Error).message}`)
            }
          }, h(Item, { index: i, broken: m.broken === i, count: m.count }))))
    }, { onError: (e) => errors.push(e) })
    await root.flush()
    await until(() => started === 50, "the 50 items' effects to start")
    const before = [...container.querySelectorAll("li")]
    expect(before).toHaveLength(50)

    root.dispatch({ type: "break", index: 17 })
    root.dispatch({ type: "inc" })
    await root.flush()
    await until(() => finalized.length > 0, "the failed item's effect to be interrupted")
    // One more round trip: a sibling wrongly unmounted by that commit would be finalized by now.
    await root.flush()
    const after = [...container.querySelectorAll("li")]
    expect(after).toHaveLength(50)
    expect(container.querySelectorAll(".fallback")).toHaveLength(1)
    expect(after[17].textContent).toBe("fallback 17: item 17 broke")
    for (let i = 0; i < 50; i++) {
      if (i === 17) continue
      expect(after[i], `sibling ${i} keeps its node`).toBe(before[i])
      expect(after[i].textContent).toBe(`item ${i} · 1`)
    }
    expect(finalized).toEqual([17]) // only the failed item's instance was unmounted
    expect(caught).toHaveLength(1)
    expect(errors.some((e) => e.message.includes("item 17 broke"))).toBe(true)

    root.dispatch({ type: "fix" })
    await root.flush()
    expect(container.querySelectorAll(".fallback")).toHaveLength(1) // still showing until retried
    retries[17]()
    await root.flush()
    expect(container.querySelectorAll(".fallback")).toHaveLength(0)
    expect(container.querySelectorAll("li")[17].textContent).toBe("item 17 · 1")
  })

  it("shows the fallback when a component's effect fails after the commit", async () => {
    const loaded = gate()
    const Loader = (_: object, self: ComponentSelf) => {
      self.mount("load", Effect.promise(() => loaded.promise).pipe(Effect.andThen(Effect.fail(new Error("could not load")))))
      return h("p", null, "loading")
    }
    const { container, root } = mount({
      init: 0,
      update: (n: number) => n,
      view: () => h("div", null,
        h("p", { id: "outside" }, "outside"),
        h(ErrorBoundary, { fallback: (e: unknown) => h("p", { id: "fb" }, (e as Error).message) }, h(Loader, {})))
    }, { onError: () => {} })
    await root.flush()
    expect(container.textContent).toBe("outsideloading")
    const outside = container.querySelector("#outside")
    loaded.open()
    await until(() => container.querySelector("#fb") !== null, "the effect's failure to reach the boundary")
    expect(container.querySelector("#fb")!.textContent).toBe("could not load")
    expect(container.querySelector("#outside")).toBe(outside)
  })

  it("an error in a fallback goes to the next boundary up; nested boundaries catch the nearest error", async () => {
    const Boom = (props: { label: string }) => {
      throw new Error(props.label)
    }
    const { container, root } = mount({
      init: 0,
      update: (n: number) => n,
      view: () => h("div", null,
        h(ErrorBoundary, { fallback: (e: unknown) => h("p", { id: "outer" }, `outer caught ${(e as Error).message}`) },
          h("section", null,
            h(ErrorBoundary, { fallback: () => h(Boom, { label: "fallback broke" }) }, h(Boom, { label: "inner broke" })))),
        h(ErrorBoundary, { fallback: (e: unknown) => h("p", { id: "nearest" }, `nearest caught ${(e as Error).message}`) },
          h(ErrorBoundary, { fallback: (e: unknown) => h("p", { id: "inner" }, `inner caught ${(e as Error).message}`) }, h(Boom, { label: "deep" }))))
    }, { onError: () => {} })
    await root.flush()
    expect(container.querySelector("#outer")!.textContent).toBe("outer caught fallback broke")
    expect(container.querySelector("#inner")!.textContent).toBe("inner caught deep")
    expect(container.querySelector("#nearest")).toBeNull()
  })

  it("a boundary that fails during an update keeps the old content's nodes out of the patch: the DOM equals a fresh render", async () => {
    const Flaky = (props: { n: number }) => {
      if (props.n === 2) throw new Error("two")
      return h("ul", null, Array.from({ length: props.n + 3 }, (_, i) => h("li", { key: i }, `${props.n}.${i}`)))
    }
    const view = (n: number) => h("main", null, h(ErrorBoundary, { fallback: (e: unknown, retry: () => void) => h("button", { onClick: { handler: () => { retry(); return undefined } } }, `retry ${(e as Error).message}`) }, h(Flaky, { n })), h("p", null, `n=${n}`))
    const { container, root } = mount({ init: 1, update: (n: number, by: number) => n + by, view }, { onError: () => {} })
    await root.flush()
    root.dispatch(1)
    await root.flush()
    expect(container.innerHTML).toBe("<main><button>retry two</button><p>n=2</p></main>")
    root.dispatch(1)
    await root.flush()
    // The click reaches the worker before the flush (one ordered port): the flush renders the retry.
    container.querySelector("button")!.click()
    await root.flush()
    expect(container.innerHTML).toBe(`<main><ul>${Array.from({ length: 6 }, (_, i) => `<li>3.${i}</li>`).join("")}</ul><p>n=3</p></main>`)
  })
})

describe("component effects", () => {
  it("start after the commit, dispatch their result, and are interrupted with finalizers on unmount", async () => {
    const log: string[] = []
    const Ticker = (props: { id: number }, self: ComponentSelf<{ type: "ticked"; id: number }>) => {
      self.mount("tick", Effect.gen(function*() {
        log.push(`start ${props.id}`)
        yield* Effect.addFinalizer(() => Effect.sync(() => { log.push(`final ${props.id}`) }))
        return { type: "ticked" as const, id: props.id }
      }).pipe(Effect.scoped, Effect.andThen((msg) => Effect.as(Effect.never, msg)), Effect.onInterrupt(() => Effect.sync(() => { log.push(`interrupted ${props.id}`) }))))
      self.mount("once", Effect.succeed({ type: "ticked" as const, id: props.id }))
      return h("li", null, String(props.id))
    }
    const { container, root } = mount({
      init: { ids: [1, 2], ticked: [] as number[] },
      update: (m: { ids: number[]; ticked: number[] }, msg: { type: "ticked"; id: number } | { type: "set"; ids: number[] }) =>
        msg.type === "set" ? { ...m, ids: msg.ids } : { ...m, ticked: [...m.ticked, msg.id] },
      view: (m: { ids: number[]; ticked: number[] }) => h("div", null, h("ul", null, m.ids.map((id) => h(Ticker, { key: id, id }))), h("p", null, m.ticked.join(",")))
    })
    await root.flush()
    await until(() => container.querySelector("p")!.textContent === "1,2" && log.length >= 4, "both effects to run and dispatch")
    expect(log).toEqual(["start 1", "final 1", "start 2", "final 2"])
    expect(container.querySelector("p")!.textContent).toBe("1,2")
    root.dispatch({ type: "set", ids: [2] })
    await root.flush()
    await until(() => log.includes("interrupted 1"), "the unmounted component's effect to be interrupted")
    await root.flush()
    expect(log).toContain("interrupted 1")
    expect(log).not.toContain("interrupted 2")
  })
})
