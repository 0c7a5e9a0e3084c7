// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { RingControl } from "../../protocol/ring/ring-layout.ts"
import { ErrorBoundary } from "../../workers/components/error-boundary.ts"
import { h } from "../../workers/h.ts"
import { useRoots } from "../_util/harness.ts"
import { until } from "../_util/wait.ts"

/**
 * The worker says which DOM events it has answered (the commit ring's AnsweredSeq word,
 * docs/commit-ring.md): a page waiting in a discrete event's handler (answerWaitMs) stops
 * waiting when it covers the event, and the answer's commit is in the ring by then.
 */
const { mount } = useRoots()

type Msg = { readonly type: "inc" } | { readonly type: "same" } | { readonly type: "moved" }
const update = (model: number, msg: Msg): number => (msg.type === "inc" ? model + 1 : model)
const view = (model: number) =>
  h<Msg>("main", { onPointerMove: { type: "moved" } },
    h<Msg>("button", { id: "inc", onClick: { type: "inc" } }, "+1"),
    h<Msg>("button", { id: "same", onClick: { type: "same" } }, "nothing"),
    h("p", { id: "count" }, String(model)))

/** The ring's AnsweredSeq, read through the worker's writer (private state). */
function answeredSeq(runtime: unknown): number {
  const ring = (runtime as { ring: { words: Uint32Array } | null }).ring
  if (ring === null) throw new Error("no commit ring")
  return Atomics.load(ring.words, RingControl.AnsweredSeq)
}

describe("AnsweredSeq: the events the worker has answered", () => {
  it("follows each event once its messages are folded and its commit is in the ring: a change, no change, a Continuous event", async () => {
    const { container, root, runtime } = mount({ init: 0, update, view }, { ring: true })
    await root.flush()
    const worker = await runtime()
    expect(answeredSeq(worker)).toBe(0)
    const click = (id: string) => container.querySelector<HTMLElement>(`#${id}`)!.click()

    click("inc")
    await until(() => answeredSeq(worker) === 1, "event 1 answered")
    // Its commit was published before the word moved: the page's next pump finds it.
    await until(() => container.querySelector("#count")!.textContent === "1", "the answer applied")

    // A message that changes nothing: answered, with no commit.
    const commits = root.stats.commits
    click("same")
    await until(() => answeredSeq(worker) === 2, "event 2 answered")
    await root.flush()
    expect(root.stats.commits).toBe(commits)

    // A Continuous event is answered once its frame has rendered it.
    container.querySelector("main")!.dispatchEvent(new Event("pointermove", { bubbles: true }))
    await until(() => answeredSeq(worker) === 3, "event 3 answered")
  })

  it("is written as soon as the commit is published, before the render's side effects run", async () => {
    let worker: unknown = null
    const seen: number[] = []
    const Broken = (props: { n: number }) => {
      if (props.n > 0) throw new Error("broken")
      return h("p", null, "fine")
    }
    const boundaryView = (model: number) =>
      h<Msg>("main", null,
        h<Msg>("button", { id: "inc", onClick: { type: "inc" } }, "+1"),
        // onError runs with the render's side effects, after the commit went out.
        h(ErrorBoundary, { fallback: () => h("p", { id: "fallback" }, "caught"), onError: () => void seen.push(answeredSeq(worker)) }, h(Broken, { n: model })))
    const { container, root, runtime } = mount({ init: 0, update, view: boundaryView }, { ring: true })
    await root.flush()
    worker = await runtime()
    container.querySelector<HTMLElement>("#inc")!.click()
    await until(() => container.querySelector("#fallback") !== null, "the fallback applied")
    expect(seen).toEqual([1])
  })

  it("ring commits are acknowledged in the ring (AppliedCommit): node ids they released are reused from the next render on", async () => {
    type ListMsg = { readonly type: "set"; readonly n: number }
    const list = (n: number) => h("ul", null, Array.from({ length: n }, (_, i) => h("li", { key: i }, `item ${i}`)))
    const { root, runtime } = mount({ init: 0, update: (_: number, msg: ListMsg) => msg.n, view: list }, { ring: true })
    await root.flush()
    const worker = (await runtime()) as unknown as { tableSizes: { waitingIds: number; liveNodes: number }; ring: { appliedCommit: number } }
    root.dispatch({ type: "set", n: 50 })
    await root.flush()
    root.dispatch({ type: "set", n: 0 })
    await root.flush()
    // The page applied the commit that released 100 ids and said so in the ring.
    expect(worker.ring.appliedCommit).toBe(root.stats.lastCommit!.commitId)
    root.dispatch({ type: "set", n: 1 })
    await root.flush()
    // Read before that render: nothing waits for an ack any more.
    expect(worker.tableSizes.waitingIds).toBe(0)
  })

  it("is not written when the page has no ring (every commit by message)", async () => {
    const { container, root, runtime } = mount({ init: 0, update, view }, { ring: false })
    await root.flush()
    const worker = await runtime()
    container.querySelector<HTMLElement>("#inc")!.click()
    await until(() => container.querySelector("#count")!.textContent === "1", "the answer applied")
    expect((worker as unknown as { ring: unknown }).ring).toBeNull()
  })
})
