// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest"
import { createRoot, type Root, type RootOptions, type ShuttleError, WorkerError, type WorkerLike } from "../../src/index.ts"
import { serveProgram } from "../../workers/bootstrap.ts"
import { h } from "../../workers/h.ts"
import type { Program } from "../../workers/program.ts"

/**
 * createRoot composed of its parts, with the program served in this thread over a
 * MessageChannel (happy-dom has no Worker): the failure path for a worker that never
 * calls runProgram, wrapped errors that keep their cause, the update that returns
 * undefined, and error texts that are clean sentences naming the fix.
 */

/** A worker that loaded but serves nothing: no error, no answer, as a module without runProgram. */
class SilentWorker extends EventTarget implements WorkerLike {
  terminated = false
  postMessage(): void {}
  terminate(): void {
    this.terminated = true
  }
}

type Msg = { readonly type: "add"; readonly by: number } | { readonly type: "boom" } | { readonly type: "incc" }

const counter: Program<number, Msg, never> = {
  init: 0,
  update: (n, msg) => {
    switch (msg.type) {
      case "add":
        return n + msg.by
      case "boom":
        throw new Error("update exploded")
    }
    // `incc` has no case: update returns undefined.
    return undefined as unknown as number
  },
  view: (n) => h("p", null, `count ${n}`)
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  vi.useRealTimers()
  while (cleanups.length > 0) await cleanups.pop()!()
})

function mount<M>(worker: Parameters<typeof createRoot>[1], options: RootOptions<M> = {}) {
  const container = document.createElement("div")
  document.body.appendChild(container)
  const errors: ShuttleError[] = []
  const root: Root<M> = createRoot<M>(container, worker, { onError: (error) => errors.push(error), ...options })
  cleanups.push(async () => {
    await root.unmount()
    container.remove()
  })
  return { container, root, errors }
}

function served(program: Program<number, Msg, never>) {
  const channel = new MessageChannel()
  serveProgram(program, channel.port2)
  cleanups.push(async () => {
    channel.port1.close()
    channel.port2.close()
  })
  return channel.port1
}

/** Every error text Shuttle makes ends in one period, and never doubles one (an ellipsis is fine). */
function expectCleanSentence(text: string): void {
  expect(text).toMatch(/[^.]\.$/)
  expect(text).not.toMatch(/(^|[^.])\.\.($|[^.])/)
}

describe("a worker module that never calls runProgram", () => {
  it("fails as NoProgram after mountTimeoutMs: ready and flush reject, onError gets it, the error state names runProgram, dispatch throws it", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    const worker = new SilentWorker()
    const { container, root, errors } = mount<Msg>(worker, { mountTimeoutMs: 50 })
    const flushed = root.flush().then(() => "resolved", (error: WorkerError) => error)
    const ready = root.ready.then(() => "resolved", (error: WorkerError) => error)
    vi.advanceTimersByTime(49)
    expect(errors).toEqual([])
    vi.advanceTimersByTime(1)
    expect(errors).toHaveLength(1)
    const error = errors[0] as WorkerError
    expect(error).toBeInstanceOf(WorkerError)
    expect(error.kind).toBe("NoProgram")
    expect(error.message).toContain("the worker module did not call runProgram(...)")
    expectCleanSentence(error.message)
    expect(await ready).toBe(error)
    expect(await flushed).toBe(error)
    const alert = container.querySelector("[role=alert]")!
    expect(alert.getAttribute("data-shuttle-error")).toBe("NoProgram")
    expect(alert.textContent).toContain("runProgram")
    expect(() => root.dispatch({ type: "add", by: 1 })).toThrow(error)
    expect(worker.terminated).toBe(true)
    // Not restarted: the same module would not call runProgram either.
    vi.advanceTimersByTime(60_000)
    expect(errors).toHaveLength(1)
  })

  it("with a worker function too: no restart", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    const workers: SilentWorker[] = []
    const { errors } = mount<Msg>(() => {
      const worker = new SilentWorker()
      workers.push(worker)
      return worker
    }, { mountTimeoutMs: 20 })
    vi.advanceTimersByTime(10_000)
    expect(errors.map((e) => (e as WorkerError).kind)).toEqual(["NoProgram"])
    expect(workers).toHaveLength(1)
  })
})

describe("errors keep their cause", () => {
  it("a factory that throws: the WorkerError's cause is what it threw", async () => {
    const thrown = new Error("no workers today")
    const { root, errors } = mount<Msg>(() => {
      throw thrown
    })
    await expect(root.ready).rejects.toMatchObject({ kind: "MountFailed" })
    expect(errors).toHaveLength(1)
    expect(errors[0].cause).toBe(thrown)
    expectCleanSentence(errors[0].message)
  })

  it("an update that throws: RenderError:update whose cause is the worker's error, revived on this thread", async () => {
    const { container, root, errors } = mount<Msg>(served(counter))
    root.dispatch({ type: "add", by: 2 })
    root.dispatch({ type: "boom" })
    root.dispatch({ type: "add", by: 3 })
    await root.flush()
    expect(container.textContent).toBe("count 5")
    expect(errors).toHaveLength(1)
    const error = errors[0] as WorkerError
    expect(error.kind).toBe("RenderError:update")
    expect(error.cause).toBeInstanceOf(Error)
    expect((error.cause as Error).message).toBe("update exploded")
    expect((error.cause as Error).stack).toContain("update exploded")
    expect(error.message).toContain("the message was rejected and the model kept")
    expectCleanSentence(error.message)
  })

  it("a crash of a Worker object given directly ends in the error state and says how to have it restarted", async () => {
    const channel = new MessageChannel()
    serveProgram(counter, channel.port2)
    const worker = Object.assign(new EventTarget(), {
      postMessage: (message: unknown, transfer?: Transferable[]) => channel.port1.postMessage(message, transfer ?? []),
      terminate: () => {
        channel.port1.close()
        channel.port2.close()
      }
    })
    channel.port1.onmessage = (event) => worker.dispatchEvent(new MessageEvent("message", { data: event.data }))
    const { container, root, errors } = mount<Msg>(worker)
    await root.flush()
    const event = new Event("error", { cancelable: true })
    Object.defineProperty(event, "message", { value: "Uncaught Error: out of cheese" })
    worker.dispatchEvent(event)
    expect(errors).toHaveLength(1)
    const error = errors[0] as WorkerError
    expect(error.kind).toBe("WorkerCrashed")
    expect(error.cause).toBe(event)
    expect(error.message).toContain("give createRoot a function that starts it")
    expectCleanSentence(error.message)
    expect(container.querySelector("[role=alert]")!.textContent).toContain("out of cheese")
  })
})

describe("an update that returns undefined", () => {
  it("is a RenderError:update naming the message and the fix; the model is kept and the next messages apply", async () => {
    const { container, root, errors } = mount<Msg>(served(counter))
    root.dispatch({ type: "add", by: 1 })
    root.dispatch({ type: "incc" })
    for (let i = 0; i < 10; i++) root.dispatch({ type: "add", by: 1 })
    await root.flush()
    expect(container.textContent).toBe("count 11")
    expect(errors).toHaveLength(1)
    const error = errors[0] as WorkerError
    expect(error.kind).toBe("RenderError:update")
    expect(error.message).toContain('update returned undefined for message {"type":"incc"}: return the model (or withCommand(model, …)) from every case')
    expectCleanSentence(error.message)
    expect(container.querySelector("[role=alert]")).toBeNull()
  })
})
