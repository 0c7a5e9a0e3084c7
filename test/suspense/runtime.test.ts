// @vitest-environment happy-dom
import { Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import type { CommitStats, ShuttleError } from "../../src/index.ts"
import type { Child } from "../../workers/vnode.ts"
import { ErrorBoundary } from "../../workers/components/error-boundary.ts"
import { h } from "../../workers/h.ts"
import type { ComponentSelf } from "../../workers/components/instance.ts"
import { lazy } from "../../workers/components/lazy.ts"
import { Suspense } from "../../workers/components/suspense.ts"
import type { Subscriptions } from "../../workers/runtime/subscriptions.ts"
import { useRoots } from "../_util/harness.ts"
import { gate, until } from "../_util/wait.ts"

const { mount } = useRoots()

describe("resources in the runtime", () => {
  it("a resource runs with the root's services once, and its boundary reveals it", async () => {
    let runs = 0
    const data = gate<string>()
    const Slow = (_: object, self: ComponentSelf) => h("p", { id: "slow" }, self.read("slow", Effect.sync(() => ++runs).pipe(Effect.andThen(Effect.promise(() => data.promise)))))
    const { container, root } = mount({
      init: 0,
      update: (n: number, by: number) => n + by,
      view: (n: number) => h("main", null, h("p", { id: "n" }, String(n)), h(Suspense, { fallback: h("p", { id: "fb" }, "…") }, h(Slow, {})))
    })
    await root.flush()
    expect(container.querySelector("#fb")).not.toBeNull()
    root.dispatch(1)
    await root.flush()
    // Still pending: the fallback stays through a commit of the rest of the view.
    expect(container.querySelector("#n")!.textContent).toBe("1")
    expect(container.querySelector("#fb")).not.toBeNull()
    data.open("slow data")
    await until(() => container.querySelector("#slow") !== null, "the resource")
    expect(container.querySelector("#slow")!.textContent).toBe("slow data")
    expect(runs).toBe(1)
  })

  it("unmounting a pending boundary interrupts its resource's fiber; nothing is left in the cache", async () => {
    const events: string[] = []
    const Pending = (_: object, self: ComponentSelf) =>
      h("p", null, self.read("forever", Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => { events.push("interrupted") })))) as string)
    const { container, root, runtime } = mount({
      init: true,
      update: (_: boolean, show: boolean) => show,
      view: (show: boolean) => h("main", null, show ? h(Suspense, { fallback: "loading" }, h(Pending, {})) : "gone")
    })
    await root.flush()
    expect(container.textContent).toBe("loading")
    root.dispatch(false)
    await root.flush()
    await until(() => events.length > 0, "the interruption")
    expect(events).toEqual(["interrupted"])
    expect(container.textContent).toBe("gone")
    const rt = await runtime()
    expect((rt as unknown as { renderer: { ctx: { resources: { size: number } } } }).renderer.ctx.resources.size).toBe(0)
  })

  it("outside any Suspense, the whole commit waits for the resource (the old view stays)", async () => {
    const data = gate<string>()
    const Slow = (_: object, self: ComponentSelf) => h("p", null, self.read("late", Effect.promise(() => data.promise)))
    const { container, root } = mount({
      init: false,
      update: (_: boolean, show: boolean) => show,
      view: (show: boolean) => h("main", null, show ? h(Slow, {}) : "before")
    })
    await root.flush()
    root.dispatch(true)
    await root.flush()
    expect(container.textContent).toBe("before")
    data.open("late data")
    await until(() => container.textContent === "late data", "the suspended commit")
  })
})

describe("lazy", () => {
  it("suspends until the module loads, then renders its default export with the props", async () => {
    const module = gate<{ default: (props: { points: number }) => Child }>()
    const Chart = lazy<{ points: number }>(() => module.promise)
    const { container, root } = mount({ init: 3, update: (n: number) => n, view: (n: number) => h(Suspense, { fallback: "loading chart" }, h(Chart, { points: n })) })
    await root.flush()
    expect(container.textContent).toBe("loading chart")
    module.open({ default: (props: { points: number }) => h("svg", { "data-points": props.points }) })
    await until(() => container.querySelector("svg") !== null, "the lazy module")
    expect(container.querySelector("svg")!.getAttribute("data-points")).toBe("3")
  })

  it("a failed import is a LazyLoadError naming the module, shown by the nearest ErrorBoundary", async () => {
    // As the browser rejects a dynamic import() whose file is missing.
    const Broken = lazy<object>(() => Promise.reject(new TypeError("Failed to fetch dynamically imported module")), "./no-such-module.ts")
    const errors: ShuttleError[] = []
    const { container, root } = mount({
      init: 0,
      update: (n: number) => n,
      view: () => h(ErrorBoundary, { fallback: (e: unknown) => h("p", null, `${(e as { _tag: string })._tag}: ${(e as Error).message}`) },
        h(Suspense, { fallback: "loading" }, h(Broken, {})))
    }, { onError: (e) => errors.push(e) })
    await root.flush()
    await until(() => container.textContent!.startsWith("LazyLoadError"), "the failed import")
    expect(container.textContent).toContain("./no-such-module.ts")
  })
})

describe("subscriptions", () => {
  interface Model {
    readonly on: string[]
    readonly got: string[]
  }
  it("start, stop and restart with the model, by key", async () => {
    // Each stream says when it stops: a stopped one can deliver nothing more, whatever the wait.
    const stopped: string[] = []
    const feed = (name: string, everyMs: number) =>
      Stream.tick(everyMs).pipe(Stream.map(() => name), Stream.onExit(() => Effect.sync(() => { stopped.push(name) })))
    const { container, root, runtime } = mount({
      init: { on: ["a"], got: [] } as Model,
      update: (m: Model, msg: { type: "on"; keys: string[] } | string) => (typeof msg === "string" ? { ...m, got: [...m.got, msg] } : { ...m, on: msg.keys }),
      view: (m: Model) => h("p", null, m.got.join("")),
      subscriptions: (m: Model): Subscriptions<string> => Object.fromEntries(m.on.map((key) => [key, feed(key, 5)]))
    })
    await until(() => container.textContent!.includes("aaa"), "subscription a")
    root.dispatch({ type: "on", keys: ["b"] })
    // The flush is answered after the commit, the subscriptions it stopped, and a render of
    // every message they delivered before they stopped.
    await root.flush()
    expect(stopped).toEqual(["a"])
    const afterSwitch = container.textContent!
    const lastA = afterSwitch.lastIndexOf("a")
    await until(() => container.textContent!.slice(lastA + 1).includes("bbb"), "subscription b")
    expect(container.textContent!.slice(lastA + 1)).not.toContain("a")
    root.dispatch({ type: "on", keys: [] })
    await root.flush()
    expect(stopped).toEqual(["a", "b"])
    const rt = await runtime()
    expect((rt as unknown as { subscriptions: { size: number } }).subscriptions.size).toBe(0)
    const whenStopped = container.textContent!
    await root.flush()
    expect(container.textContent).toBe(whenStopped)
    root.dispatch({ type: "on", keys: ["a"] })
    await until(() => container.textContent!.length > whenStopped.length + 2, "subscription a again")
    expect(container.textContent!.slice(whenStopped.length)).toMatch(/^a+$/)
  })

  it("a 100,000-item stream reaches the DOM complete and in order, in bounded chunks per frame", async () => {
    const total = 100_000
    const commits: CommitStats[] = []
    const { container, root } = mount({
      init: [] as number[][],
      update: (chunks: number[][], chunk: readonly number[]) => [...chunks, [...chunk]],
      view: (chunks: number[][]) => h("ol", null, chunks.map((chunk, i) => h("li", { key: i }, chunk.join(",")))),
      subscriptions: (): Subscriptions<readonly number[]> => ({ feed: { stream: Stream.range(0, total - 1).pipe(Stream.grouped(1000)), perFrame: 4 } })
    }, { onCommit: (c) => commits.push(c) })
    await until(() => container.querySelectorAll("li").length === total / 1000, "the whole stream")
    await root.flush()
    const items = [...container.querySelectorAll("li")].flatMap((li) => li.textContent!.split(",").map(Number))
    expect(items).toHaveLength(total)
    for (let i = 0; i < total; i++) if (items[i] !== i) throw new Error(`item ${i} is ${items[i]}`)
    const streamCommits = commits.filter((c) => c.messages > 0)
    // Bounded: at most perFrame chunks (4 × 1,000 items) per commit, so it took many commits.
    expect(Math.max(...streamCommits.map((c) => c.messages))).toBeLessThanOrEqual(4)
    expect(streamCommits.length).toBeGreaterThanOrEqual(total / 1000 / 4)
  })

  it("coalesces a burst into few commits", async () => {
    const commits: CommitStats[] = []
    const { container, root } = mount({
      init: 0,
      update: (n: number, by: number) => n + by,
      view: (n: number) => h("p", null, String(n)),
      subscriptions: (): Subscriptions<number> => ({ burst: { stream: Stream.range(1, 500).pipe(Stream.map(() => 1)), perFrame: 500 } })
    }, { onCommit: (c) => commits.push(c) })
    await until(() => container.textContent === "500", "the burst")
    await root.flush()
    const burstCommits = commits.filter((c) => c.messages > 0)
    expect(burstCommits.length).toBeLessThanOrEqual(3)
  })
})
