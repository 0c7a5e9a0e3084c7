// @vitest-environment happy-dom
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { LANE_DEFAULT, LANE_TRANSITION } from "../../protocol/lanes.ts"
import { ErrorBoundary } from "../../workers/components/error-boundary.ts"
import { h } from "../../workers/h.ts"
import type { ComponentSelf, Resource } from "../../workers/components/instance.ts"
import { Suspense } from "../../workers/components/suspense.ts"
import type { Child } from "../../workers/vnode.ts"
import { createPipeline } from "../_util/pipeline.ts"

/**
 * Suspense at the renderer level, with a hand-driven clock and resources that the test
 * settles by hand: every timing rule is checked without real time.
 */
function suspensePipeline() {
  const pipeline = createPipeline()
  let now = 0
  const timers: Array<{ at: number; fn: () => void }> = []
  const resources = new Map<string, Resource>()
  let renderRequests = 0
  pipeline.renderer.ctx.host = {
    dispatch() {},
    requestRender() {
      renderRequests++
    },
    startResource(resource) {
      resources.set(resource.key, resource)
    },
    now: () => now,
    setTimer(ms, fn) {
      timers.push({ at: now + ms, fn })
    }
  }
  // Views are functions: a real view builds fresh vnodes each time (an identical vnode is skipped).
  const renderAt = (view: Child, lane: number) => {
    const buffer = pipeline.renderer.render(() => view, lane, 0)
    if (buffer === null) return
    const sent = buffer.slice(0)
    pipeline.renderer.acknowledge(pipeline.applier.apply(sent), buffer)
  }
  return {
    container: pipeline.container,
    resources,
    get renderRequests() {
      return renderRequests
    },
    render: (view: Child) => renderAt(view, LANE_DEFAULT),
    renderTransition: (view: Child) => renderAt(view, LANE_TRANSITION),
    advance(ms: number) {
      now += ms
      for (const timer of timers.splice(0)) {
        if (timer.at <= now) timer.fn()
        else timers.push(timer)
      }
    }
  }
}

const Data = (props: { id: string }, self: ComponentSelf) => h("p", { class: "data" }, self.read(props.id, Effect.never) as string)
const fallback = h("p", { class: "fallback" }, "loading")
const text = (container: Element) => container.textContent

describe("Suspense", () => {
  it("shows the fallback while a resource is pending, then the content as its own render", () => {
    const s = suspensePipeline()
    const view = () => h("main", null, h("h1", null, "title"), h(Suspense, { fallback }, h(Data, { id: "a" })))
    s.render(view())
    expect(s.container.innerHTML).toBe('<main><h1>title</h1><p class="fallback">loading</p></main>')
    const title = s.container.querySelector("h1")
    s.resources.get("a")!.settle(true, "A!")
    expect(s.renderRequests).toBe(1)
    s.render(view())
    expect(s.container.innerHTML).toBe('<main><h1>title</h1><p class="data">A!</p></main>')
    expect(s.container.querySelector("h1")).toBe(title)
  })

  it("shares one resource between readers with the same key", () => {
    const s = suspensePipeline()
    const view = () => h(Suspense, { fallback }, h(Data, { id: "k" }), h(Data, { id: "k" }))
    s.render(view())
    expect(s.resources.size).toBe(1)
    s.resources.get("k")!.settle(true, "v")
    s.render(view())
    expect(text(s.container)).toBe("vv")
  })

  it("waits delayMs before showing the fallback, showing nothing meanwhile", () => {
    const s = suspensePipeline()
    const view = () => h(Suspense, { fallback, delayMs: 200 }, h(Data, { id: "a" }))
    s.render(view())
    expect(s.container.innerHTML).toBe("")
    s.advance(199)
    expect(s.renderRequests).toBe(0)
    s.advance(1)
    expect(s.renderRequests).toBe(1)
    s.render(view())
    expect(text(s.container)).toBe("loading")
  })

  it("does not flash: content arriving within delayMs replaces nothing with the content directly", () => {
    const s = suspensePipeline()
    const view = () => h(Suspense, { fallback, delayMs: 200 }, h(Data, { id: "a" }))
    s.render(view())
    s.advance(50)
    s.resources.get("a")!.settle(true, "fast")
    s.render(view())
    expect(text(s.container)).toBe("fast")
  })

  it("keeps a shown fallback for minDurationMs even if the content is ready earlier", () => {
    const s = suspensePipeline()
    const view = () => h(Suspense, { fallback, minDurationMs: 300 }, h(Data, { id: "a" }))
    s.render(view())
    expect(text(s.container)).toBe("loading")
    s.advance(10)
    s.resources.get("a")!.settle(true, "ready")
    s.render(view())
    expect(text(s.container)).toBe("loading")
    s.advance(289)
    s.render(view())
    expect(text(s.container)).toBe("loading")
    s.advance(1)
    s.render(view())
    expect(text(s.container)).toBe("ready")
  })

  it("in a Transition keeps the old content instead of the fallback; in Default shows the fallback", () => {
    const s = suspensePipeline()
    const view = (id: string) => h(Suspense, { fallback }, h(Data, { id }))
    s.render(view("a"))
    s.resources.get("a")!.settle(true, "first")
    s.render(view("a"))
    const shown = s.container.querySelector(".data")
    s.renderTransition(view("b"))
    expect(text(s.container)).toBe("first")
    expect(s.container.querySelector(".data")).toBe(shown)
    s.resources.get("b")!.settle(true, "second")
    s.renderTransition(view("b"))
    expect(text(s.container)).toBe("second")
    s.render(view("c"))
    expect(text(s.container)).toBe("loading")
  })

  for (const order of [["outer", "inner"], ["inner", "outer"]]) {
    it(`nested boundaries reveal independently (${order.join(" first, then ")})`, () => {
      const s = suspensePipeline()
      const view = () => h(Suspense, { fallback: h("i", null, "outer…") },
        h(Data, { id: "outer" }),
        h(Suspense, { fallback: h("i", null, "inner…") }, h(Data, { id: "inner" })))
      s.render(view())
      expect(text(s.container)).toBe("outer…")
      s.resources.get(order[0])?.settle(true, order[0])
      s.render(view())
      if (order[0] === "outer") expect(text(s.container)).toBe("outerinner…")
      else expect(text(s.container)).toBe("outer…")
      // The inner resource starts only once the outer content renders.
      const second = s.resources.get(order[1])
      if (second !== undefined) second.settle(true, order[1])
      s.render(view())
      s.resources.get("inner")?.settle(true, "inner")
      s.render(view())
      expect(text(s.container)).toBe("outerinner")
    })
  }

  it("a failed resource shows the nearest ErrorBoundary's fallback", () => {
    const s = suspensePipeline()
    const view = () => h(ErrorBoundary, { fallback: (e: unknown) => h("p", null, `error: ${(e as Error).message}`) },
      h(Suspense, { fallback }, h(Data, { id: "a" })))
    s.render(view())
    s.resources.get("a")!.settle(false, new Error("no network"))
    s.render(view())
    expect(text(s.container)).toBe("error: no network")
  })
})
