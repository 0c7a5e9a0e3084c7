// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { h } from "../../workers/h.ts"
import { holdWorkerPosts, useRoots } from "../_util/harness.ts"
import { until } from "../_util/wait.ts"

/**
 * Credits never get lost (docs/lanes.md, "Credits"): work that waits for one reaches the
 * DOM without a flush, whichever order a commit, its doorbell and the next frame come in.
 * Found in Chromium: a ring commit the page drained at a frame and applied before its
 * doorbell came had its ack offer the next credit while the gate still counted the spent
 * one; the doorbell then cleared it and nothing offered again, so the next Transition
 * waited for ever.
 */
const { mount } = useRoots()

type Msg = { readonly type: "typed"; readonly text: string } | { readonly type: "tick" } | { readonly type: "moved" }
interface Model {
  readonly text: string
  readonly tick: number
}
const update = (model: Model, msg: Msg): Model => {
  switch (msg.type) {
    case "tick":
      return { ...model, tick: model.tick + 1 }
    case "typed":
      return { ...model, text: msg.text }
    case "moved":
      return model
  }
}
const view = (model: Model) =>
  h<Msg>("main", { onPointerMove: { type: "moved" } },
    h<Msg>("input", { value: model.text, onInput: (e) => ({ type: "typed", text: e.value ?? "" }) }),
    h("p", { id: "tick" }, String(model.tick)))

/** The worker runtime's credit, read from outside (private state). */
const holdsCredit = (runtime: unknown): boolean => (runtime as { credit: boolean }).credit

describe("credit liveness", () => {
  it("a Transition commit drained from the ring before its doorbell: the doorbell's stats let the page grant the next credit", async () => {
    const { container, root, runtime } = mount({ init: { text: "", tick: 0 }, update, view }, { ring: true, inputQuietMs: 0 })
    await root.flush()
    const worker = await runtime()
    const tick = () => container.querySelector("#tick")!.textContent
    const input = container.querySelector("input")!
    input.value = "a"
    // An event: the page polls the ring at the next frames for its answer, and grants a credit once input is quiet.
    input.dispatchEvent(new Event("input", { bubbles: true }))
    await until(() => holdsCredit(worker), "a credit granted after the keystroke")

    // The Transition commit goes into the ring; its doorbell is held on its way.
    const held = holdWorkerPosts(worker)
    root.dispatch({ type: "tick" }, { lane: "transition" })
    await until(() => held.commits === 1, "the Transition commit, rendered with the credit")
    // A Continuous event (it keeps the credit) drains the ring: the commit is applied at the next frame, before its doorbell.
    container.querySelector("main")!.dispatchEvent(new Event("pointermove", { bubbles: true }))
    await until(() => tick() === "1", "the page to apply the commit it drained, before its doorbell")
    held.releaseAll()

    // No flush: the next Transition needs the credit the doorbell lets the page grant.
    root.dispatch({ type: "tick" }, { lane: "transition" })
    await until(() => tick() === "2", "the next Transition, with a new credit", 2_000)
  })

  it("work waiting for a credit that never comes still renders when its lane's timeout expires, with no other message to wake the worker", async () => {
    const { container, root, runtime } = mount({ init: { text: "", tick: 0 }, update, view }, { ring: false, lanes: { transition: { timeoutMs: 50 } } })
    await root.flush()
    const worker = await runtime()
    // The page grants no credit from now on: its grants are dropped on their way.
    const port = (worker as unknown as { port: MessagePort }).port
    const receive = port.onmessage!
    port.onmessage = (event) => {
      if ((event.data as { t: string }).t !== "credit") receive.call(port, event)
    }
    ;(worker as unknown as { credit: boolean }).credit = false
    root.dispatch({ type: "tick" }, { lane: "transition" })
    await until(() => container.querySelector("#tick")!.textContent === "1", "the expired Transition to render without a credit", 2_000)
    expect(root.stats.lastCommit).toMatchObject({ laneName: "transition", expired: true })
  })
})
