// @vitest-environment happy-dom
import { Effect } from "effect"
import { describe, expect, it, vi } from "vitest"
import { createRoot, InvalidOptionError, WorkerError } from "../../src/index.ts"
import { h } from "../../workers/h.ts"
import { type Program, withCommand } from "../../workers/program.ts"
import { FakeWorker, fakeWorkers } from "../_util/fake-worker.ts"
import { useRoots } from "../_util/harness.ts"
import { freshRender } from "../_util/pipeline.ts"
import { until } from "../_util/wait.ts"

/**
 * Worker crash recovery through createRoot, with FakeWorkers (happy-dom has no Worker):
 * a crash fails the pending flushes at once and is reported; with a worker factory the
 * root restarts from the last snapshot plus the journal, and the new worker's first
 * commit replaces the old DOM; a worker that cannot start ends in a visible error state.
 * The same in a real browser, with real Workers: test/browser/faults.test.ts.
 */

interface Model {
  readonly count: number
  readonly pongs: number
}
type Msg = { readonly type: "add" } | { readonly type: "ping" } | { readonly type: "pong" }

const view = (model: Model) =>
  h("main", null,
    h("p", { id: "count" }, `count ${model.count}`),
    h("p", { id: "pongs" }, `pongs ${model.pongs}`),
    h("button", { id: "inc", onClick: { type: "add" } }, "+"))

const counter: Program<Model, Msg, never> = {
  init: () => ({ count: 0, pongs: 0 }),
  update: (model, msg) => {
    switch (msg.type) {
      case "add":
        return { ...model, count: model.count + 1 }
      case "ping":
        // The command's result is a message born in the worker: it reaches the main thread only through the journal.
        return withCommand(model, Effect.succeed({ type: "pong" } as const))
      case "pong":
        return { ...model, pongs: model.pongs + 1 }
    }
  },
  view
}

const { mountOn: mount } = useRoots()

/**
 * Runs `body` with fake timers, then every timer it left (a restart's backoff, a retry)
 * to the end: a negative check after it ("no restart happened") cannot be fooled by a
 * timer that would have fired a little later.
 */
async function withFakeTimers(body: () => Promise<void> | void): Promise<void> {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
  try {
    await body()
    await vi.runAllTimersAsync()
  } finally {
    vi.useRealTimers()
  }
}

const modelOf = (worker: FakeWorker<Model, Msg, never>): Model => [...worker.served!.roots.values()][0]!.currentModel as Model

describe("a crashed worker", () => {
  it("fails pending flushes at once, then restarts from the snapshot and the journal: no acknowledged message is lost, and the DOM is a fresh render", async () => {
    const workers = fakeWorkers(counter)
    const { container, root, errors } = mount(workers.factory, { recover: { retries: 3, backoffMs: 0 } })
    for (let i = 0; i < 50; i++) root.dispatch({ type: "add" })
    for (let i = 0; i < 10; i++) root.dispatch({ type: "ping" })
    await root.flush()
    await root.flush() // the pongs are dispatched by commands after the first flush's commit
    for (let i = 0; i < 5; i++) (container.querySelector("#inc") as HTMLButtonElement).click()
    await root.flush()
    expect(container.querySelector("#count")!.textContent).toBe("count 55")
    expect(container.querySelector("#pongs")!.textContent).toBe("pongs 10")
    const oldButton = container.querySelector("#inc")

    // Twenty more, still in the port when the worker dies: the main thread's journal holds them.
    for (let i = 0; i < 20; i++) root.dispatch({ type: "add" })
    const pending = root.flush()
    workers.last.crash("Uncaught Error: out of cheese")
    await expect(pending).rejects.toMatchObject({ _tag: "WorkerError", kind: "WorkerCrashed" })
    expect(errors.map((e) => (e as WorkerError).kind)).toEqual(["WorkerCrashed"])
    expect(errors[0].message).toContain("out of cheese")
    // Until the new worker commits, the page shows the old DOM.
    expect(container.querySelector("#inc")).toBe(oldButton)

    await root.flush()
    expect(workers.workers).toHaveLength(2)
    expect(root.stats.restarts).toBe(1)
    const model = modelOf(workers.last)
    expect(model).toEqual({ count: 75, pongs: 10 })
    expect(container.innerHTML).toBe(freshRender(view(model)))
    // The whole DOM was replaced: no node of the old worker is left.
    expect(container.contains(oldButton)).toBe(false)
    // Commands of messages shown before the crash did not run again (no extra pongs), and the app is interactive.
    ;(container.querySelector("#inc") as HTMLButtonElement).click()
    await root.flush()
    expect(container.querySelector("#count")!.textContent).toBe("count 76")
    expect(container.querySelector("#pongs")!.textContent).toBe("pongs 10")
    expect(errors).toHaveLength(1)
  })

  it("replays the commands of messages no commit had shown, and messages dispatched while no worker ran", async () => {
    const workers = fakeWorkers(counter)
    const { container, root, errors } = mount(workers.factory, { recover: { retries: 3, backoffMs: 20 } })
    await root.flush()
    for (let i = 0; i < 3; i++) root.dispatch({ type: "ping" })
    const pending = root.flush()
    workers.last.crash()
    await expect(pending).rejects.toBeInstanceOf(WorkerError)
    // The worker is down (the restart waits 20 ms): these go to the journal only.
    for (let i = 0; i < 4; i++) root.dispatch({ type: "add" })
    await root.flush()
    await root.flush()
    expect(modelOf(workers.last)).toEqual({ count: 4, pongs: 3 })
    expect(container.innerHTML).toBe(freshRender(view({ count: 4, pongs: 3 })))
    expect(errors).toHaveLength(1)
  })

  it("drops events on the old DOM while the new worker starts", async () => {
    const workers = fakeWorkers(counter)
    const { container, root, errors } = mount(workers.factory, { recover: { retries: 1, backoffMs: 10 } })
    root.dispatch({ type: "add" })
    await root.flush()
    workers.last.crash()
    ;(container.querySelector("#inc") as HTMLButtonElement).click()
    await root.flush()
    expect(container.querySelector("#count")!.textContent).toBe("count 1")
    expect(errors.map((e) => e._tag)).toEqual(["WorkerError"])
  })

  it("survives a second crash: the restarted worker journals and snapshots too", async () => {
    const workers = fakeWorkers(counter)
    const { container, root } = mount(workers.factory, { recover: { retries: 3, backoffMs: 0 } })
    await root.ready
    for (let i = 0; i < 7; i++) root.dispatch({ type: "add" })
    workers.last.crash()
    await root.flush()
    for (let i = 0; i < 5; i++) root.dispatch({ type: "add" })
    workers.last.crash()
    await root.flush()
    expect(workers.workers).toHaveLength(3)
    expect(root.stats.restarts).toBe(2)
    expect(container.innerHTML).toBe(freshRender(view({ count: 12, pongs: 0 })))
  })

  it("ends in a visible error state when the restarts keep failing, and says so", async () => {
    // Every worker after the first fails to load.
    const workers = fakeWorkers(counter, (call) => call > 0)
    const { container, root, errors } = mount(workers.factory, { recover: { retries: 2, backoffMs: 1 } })
    await root.flush()
    workers.last.crash()
    await until(() => container.querySelector("[role=alert]") !== null, "the error state")
    expect(workers.workers).toHaveLength(3)
    const alert = container.querySelector("[role=alert]")!
    expect(alert.textContent).toContain("This app stopped.")
    expect(alert.textContent).toContain("Gave up after 2 restarts in a row")
    expect(container.querySelector("#count")).toBeNull()
    expect(errors.map((e) => (e as WorkerError).kind)).toEqual(["WorkerCrashed", "MountFailed", "MountFailed"])
    expect(errors.at(-1)!.message).toContain("Gave up after 2 restarts in a row")
    // The root is dead: it says so to every caller.
    expect(() => root.dispatch({ type: "add" })).toThrow(WorkerError)
    await expect(root.flush()).rejects.toBe(errors.at(-1))
  })

  it("with a Worker object instead of a factory, a crash is reported and ends in the error state", async () => {
    const worker = new FakeWorker(counter)
    const { container, root, errors } = mount(worker)
    root.dispatch({ type: "add" })
    await root.flush()
    const pending = root.flush()
    worker.crash("Uncaught RangeError: too deep")
    await expect(pending).rejects.toMatchObject({ kind: "WorkerCrashed" })
    expect(container.querySelector("[role=alert]")!.textContent).toContain("too deep")
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ _tag: "WorkerError", kind: "WorkerCrashed" })
  })

  it("recover: false does not restart", async () => {
    const workers = fakeWorkers(counter)
    const { container, root, errors } = mount(workers.factory, { recover: false })
    await root.flush()
    await withFakeTimers(() => {
      workers.last.crash()
      expect(container.querySelector("[role=alert]")).not.toBeNull()
    })
    expect(workers.workers).toHaveLength(1)
    expect(errors).toHaveLength(1)
  })

  it("unmount during the wait before a restart cancels it", async () => {
    const workers = fakeWorkers(counter)
    const { container, root } = mount(workers.factory, { recover: { retries: 3, backoffMs: 10 } })
    await root.flush()
    await withFakeTimers(async () => {
      workers.last.crash()
      await root.unmount()
    })
    expect(workers.workers).toHaveLength(1)
    expect(container.innerHTML).toBe("")
  })

  it("a model that cannot be cloned turns recovery off, reported as SnapshotFailed; a crash then ends in the error state", async () => {
    const unclonable: Program<{ readonly count: number; readonly f: () => number }, "add", never> = {
      init: () => ({ count: 0, f: () => 1 }),
      update: (model) => ({ ...model, count: model.count + 1 }),
      view: (model) => h("p", null, String(model.count))
    }
    const workers = fakeWorkers(unclonable)
    const { container, root, errors } = mount(workers.factory, { recover: { retries: 3, backoffMs: 0 } })
    await root.flush()
    expect(errors.map((e) => (e as WorkerError).kind)).toEqual(["SnapshotFailed"])
    expect(errors[0].message).toContain("cannot be structured-cloned")
    workers.last.crash()
    expect(container.querySelector("[role=alert]")).not.toBeNull()
    expect(workers.workers).toHaveLength(1)
  })
})

describe("a worker that fails to start", () => {
  it("shows the error state and reports MountFailed at once, without restarting", async () => {
    const workers = fakeWorkers(counter, () => true)
    await withFakeTimers(async () => {
      const { container, root, errors } = mount(workers.factory)
      const ready = expect(root.ready).rejects.toMatchObject({ kind: "MountFailed" })
      const pending = expect(root.flush()).rejects.toMatchObject({ kind: "MountFailed" })
      // The stand-in fires its `error` from a timer, as a browser does after the failed fetch.
      await vi.advanceTimersByTimeAsync(0)
      await ready
      await pending
      expect(container.querySelector("[role=alert]")!.textContent).toContain("failed before it mounted the root")
      expect(errors).toHaveLength(1)
    })
    expect(workers.workers).toHaveLength(1)
  })

  it("a factory that throws is a failed start too", async () => {
    const { container, root, errors } = mount(() => {
      throw new Error("no workers today")
    })
    await expect(root.ready).rejects.toMatchObject({ kind: "MountFailed" })
    expect(container.querySelector("[role=alert]")!.textContent).toContain("no workers today")
    expect(errors).toHaveLength(1)
  })
})

describe("placeholder", () => {
  it("an HTML string is shown at once and replaced by the first commit", async () => {
    const workers = fakeWorkers(counter)
    const { container, root } = mount(workers.factory, { placeholder: "<p class=\"loading\">Loading…</p>" })
    expect(container.innerHTML).toBe("<p class=\"loading\">Loading…</p>")
    await root.flush()
    expect(container.querySelector(".loading")).toBeNull()
    expect(container.innerHTML).toBe(freshRender(view({ count: 0, pongs: 0 })))
  })

  it("a Node is shown at once and replaced by the first commit", async () => {
    const spinner = document.createElement("progress")
    const { container, root } = mount(new FakeWorker(counter), { placeholder: spinner })
    expect(container.firstChild).toBe(spinner)
    await root.flush()
    expect(spinner.isConnected).toBe(false)
    expect(container.querySelector("#count")!.textContent).toBe("count 0")
  })

  it("anything else is an InvalidOptionError naming the field", () => {
    const container = document.createElement("div")
    let thrown: unknown
    try {
      createRoot(container, new FakeWorker(counter), { placeholder: 42 as never })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError)
    expect((thrown as InvalidOptionError).field).toBe("placeholder")
  })

  it("recover is validated before anything starts", () => {
    const workers = fakeWorkers(counter)
    expect(() => createRoot(document.createElement("div"), workers.factory, { recover: { retries: -2 } })).toThrow(InvalidOptionError)
    expect(workers.workers).toHaveLength(0)
  })
})
