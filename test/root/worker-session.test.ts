// @vitest-environment happy-dom
import * as Comlink from "comlink"
import { afterEach, describe, expect, it, vi } from "vitest"
import { InvalidOptionError } from "../../protocol/errors.ts"
import { DEFAULT_LANES } from "../../protocol/lanes.ts"
import type { FromWorker, MountOptions, MountReply, ToWorker } from "../../protocol/messages.ts"
import { DEFAULT_MOUNT_TIMEOUT_MS, resolveMountTimeout, type SessionFailure, type SessionMessage, type SessionOptions, WorkerSession } from "../../src/root/worker-session.ts"

/**
 * WorkerSession alone, with a fake worker (an endpoint whose far side the test plays) and
 * fake timers for the mount timeout: what it reports to its owner for a worker that
 * mounts, never calls runProgram, fails to load, throws, crashes, or dies silently (its
 * life lock is granted), and that nothing is reported after release.
 */

/** The page's side of a worker; the test plays the worker on `inside`. */
class FakeWorker extends EventTarget {
  private readonly channel = new MessageChannel()
  terminated = false

  constructor() {
    super()
    this.channel.port1.onmessage = (event) => this.dispatchEvent(new MessageEvent("message", { data: event.data }))
  }

  /** The worker's global, as comlink sees it. */
  get inside(): MessagePort {
    return this.channel.port2
  }

  postMessage(message: unknown, transfer?: Transferable[]): void {
    this.channel.port1.postMessage(message, transfer ?? [])
  }

  terminate(): void {
    this.terminated = true
    this.channel.port1.close()
    this.channel.port2.close()
  }

  /** Fires `error` as a worker does: with a message and place when its script threw, plain when it failed to load. */
  fireError(fields?: { message: string; filename: string; lineno: number }): Event {
    const event = new Event("error", { cancelable: true })
    if (fields !== undefined) for (const [key, value] of Object.entries(fields)) Object.defineProperty(event, key, { value })
    this.dispatchEvent(event)
    return event
  }
}

/** Serves a fake control API in the worker, as runProgram's serveProgram does. */
function serve(worker: FakeWorker, mount: (port: MessagePort, options: MountOptions) => Promise<MountReply>, unmount: (rootId: number) => Promise<void> = async () => undefined): void {
  Comlink.expose({ mount, unmount }, worker.inside)
}

function recordingOwner() {
  const received: SessionMessage[] = []
  const failures: SessionFailure[] = []
  let mountedCount = 0
  let onReceived: (() => void) | null = null
  let onMounted: (() => void) | null = null
  let onFailed: (() => void) | null = null
  return {
    received,
    failures,
    get mountedCount() {
      return mountedCount
    },
    owner: {
      received(_session: WorkerSession, data: SessionMessage) {
        received.push(data)
        onReceived?.()
      },
      mounted() {
        mountedCount++
        onMounted?.()
      },
      failed(session: WorkerSession, failure: SessionFailure) {
        failures.push(failure)
        // As createRoot does: a failed session is released by its owner.
        session.release()
        onFailed?.()
      }
    },
    nextMessage: () => new Promise<void>((resolve) => (onReceived = resolve)),
    nextMounted: () => new Promise<void>((resolve) => (onMounted = resolve)),
    nextFailure: () => new Promise<void>((resolve) => (onFailed = resolve))
  }
}

const options = (source: SessionOptions["source"], extra: Partial<SessionOptions> = {}): SessionOptions => ({
  source,
  rootId: 7,
  lanes: { lanes: DEFAULT_LANES, eventLanes: {} },
  journal: true,
  restore: undefined,
  restarted: false,
  mountTimeoutMs: 1000,
  ...extra
})

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe("WorkerSession", () => {
  it("mounts the root over comlink with the root's options, delivers what was posted before, forwards port messages and keeps 'mounting' to itself", async () => {
    const worker = new FakeWorker()
    const inWorker: ToWorker[] = []
    let arrived!: () => void
    const tickArrived = new Promise<void>((resolve) => (arrived = resolve))
    let mountedWith: MountOptions | null = null
    serve(worker, async (port, mountOptions) => {
      mountedWith = mountOptions
      port.onmessage = (event: MessageEvent<ToWorker>) => {
        inWorker.push(event.data)
        arrived()
      }
      const mounting: FromWorker = { t: "mounting" }
      port.postMessage(mounting)
      port.postMessage({ t: "flushed", seq: 3 } satisfies FromWorker)
      return { lifeLock: false }
    })
    const rec = recordingOwner()
    const session = new WorkerSession(options(() => worker), rec.owner)
    expect(session.post({ t: "tick" })).toBe(true)
    const mounted = rec.nextMounted()
    const message = rec.nextMessage()
    session.start()
    await mounted
    await message
    await tickArrived
    expect(rec.mountedCount).toBe(1)
    expect(session.mounted).toBe(true)
    expect(mountedWith).toMatchObject({ rootId: 7, journal: true, restore: undefined })
    expect(rec.received).toEqual([{ t: "flushed", seq: 3 }])
    expect(inWorker).toEqual([{ t: "tick" }])
    expect(rec.failures).toEqual([])
    await session.unmount()
  })

  it("a worker module that never calls runProgram fails as NoProgram once mountTimeoutMs has passed, and is terminated", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    // Nothing is exposed in the worker: comlink's mount call is never answered.
    const worker = new FakeWorker()
    const rec = recordingOwner()
    const session = new WorkerSession(options(worker), rec.owner)
    session.start()
    vi.advanceTimersByTime(999)
    expect(rec.failures).toEqual([])
    vi.advanceTimersByTime(1)
    expect(rec.failures).toHaveLength(1)
    const failure = rec.failures[0]
    expect(failure.kind).toBe("NoProgram")
    expect(failure.reason).toContain("1000 ms")
    expect(failure.reason).toContain("did not call runProgram(...)")
    expect(failure.reason).toContain("mountTimeoutMs")
    expect(worker.terminated).toBe(true)
    expect(session.post({ t: "tick" })).toBe(false)
  })

  it("a restarted worker that does not answer in time is a MountFailed (its program did run before)", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    const rec = recordingOwner()
    const session = new WorkerSession(options(new FakeWorker(), { restore: { hasModel: false, model: undefined, replay: [] }, restarted: true }), rec.owner)
    session.start()
    vi.advanceTimersByTime(1000)
    expect(rec.failures.map((f) => f.kind)).toEqual(["MountFailed"])
    expect(rec.failures[0].reason).toContain("restarted worker")
  })

  it("once mounting has started, a slow mount (a layer that takes long to build) is not timed out", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    const worker = new FakeWorker()
    serve(worker, (port) => {
      port.postMessage({ t: "mounting" } satisfies FromWorker)
      port.postMessage({ t: "flushed", seq: 1 } satisfies FromWorker)
      return new Promise<MountReply>(() => undefined)
    })
    const rec = recordingOwner()
    const session = new WorkerSession(options(worker), rec.owner)
    const message = rec.nextMessage()
    session.start()
    // `flushed` was posted after `mounting` on the same port: `mounting` has arrived.
    await message
    vi.advanceTimersByTime(60_000)
    expect(rec.failures).toEqual([])
    session.release()
  })

  it("Infinity waits forever", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    const rec = recordingOwner()
    const session = new WorkerSession(options(new FakeWorker(), { mountTimeoutMs: Infinity }), rec.owner)
    session.start()
    vi.advanceTimersByTime(1e9)
    expect(rec.failures).toEqual([])
    session.release()
  })

  it("a script that fails to load: MountFailed naming the likely causes (404, syntax error, module type, COOP/COEP); the browser's own report is suppressed", () => {
    const worker = new FakeWorker()
    const rec = recordingOwner()
    new WorkerSession(options(worker), rec.owner).start()
    const event = worker.fireError()
    expect(event.defaultPrevented).toBe(true)
    expect(rec.failures).toHaveLength(1)
    const { kind, reason } = rec.failures[0]
    expect(kind).toBe("MountFailed")
    expect(reason).toContain("failed before it mounted the root")
    expect(reason).toContain("404")
    expect(reason).toContain("syntax error")
    expect(reason).toContain('{ type: "module" }')
    expect(reason).toContain("COOP/COEP")
    expect(worker.terminated).toBe(true)
  })

  it("a factory's `new Worker(url)`: the load failure names the script's URL; the global Worker is the same before and after", () => {
    const made: FakeWorker[] = []
    class ScriptWorker extends FakeWorker {
      constructor() {
        super()
        made.push(this)
      }
    }
    vi.stubGlobal("Worker", ScriptWorker)
    const rec = recordingOwner()
    const factory = () => {
      // Read at call time, as a page's `() => new Worker(url, …)` does.
      const WorkerClass = (globalThis as unknown as { Worker: new (url: string, options?: WorkerOptions) => FakeWorker }).Worker
      return new WorkerClass("./missing.worker.js", { type: "module" })
    }
    new WorkerSession(options(factory), rec.owner).start()
    expect(globalThis.Worker).toBe(ScriptWorker)
    expect(made).toHaveLength(1)
    expect(made[0]).toBeInstanceOf(ScriptWorker)
    made[0].fireError()
    expect(rec.failures).toHaveLength(1)
    expect(rec.failures[0].reason).toMatch(/its script \S*missing\.worker\.js could not be loaded or run/)
  })

  it("a script that throws as it starts: MountFailed with its message and the script's URL and line", () => {
    const worker = new FakeWorker()
    const rec = recordingOwner()
    new WorkerSession(options(worker), rec.owner).start()
    worker.fireError({ message: "Uncaught SyntaxError: Unexpected token '}'", filename: "http://localhost/app.worker.js", lineno: 12 })
    expect(rec.failures).toHaveLength(1)
    expect(rec.failures[0].kind).toBe("MountFailed")
    expect(rec.failures[0].reason).toContain("Uncaught SyntaxError: Unexpected token '}' at http://localhost/app.worker.js:12")
    expect(rec.failures[0].reason).toContain("fix that error")
  })

  it("a factory that throws: MountFailed, with the thrown error as the cause", () => {
    const thrown = new Error("no workers today")
    const rec = recordingOwner()
    new WorkerSession(options(() => {
      throw thrown
    }), rec.owner).start()
    expect(rec.failures).toHaveLength(1)
    expect(rec.failures[0]).toMatchObject({ kind: "MountFailed", cause: thrown })
    expect(rec.failures[0].reason).toContain("could not start a worker (no workers today)")
  })

  it("a mount that throws in the worker (init, the layer): MountFailed with the error as the cause", async () => {
    const worker = new FakeWorker()
    serve(worker, async () => {
      throw new Error("init exploded")
    })
    const rec = recordingOwner()
    const failed = rec.nextFailure()
    new WorkerSession(options(worker), rec.owner).start()
    await failed
    expect(rec.failures[0].kind).toBe("MountFailed")
    expect(rec.failures[0].reason).toContain("init exploded")
    expect(rec.failures[0].cause).toBeInstanceOf(Error)
  })

  it("after mounting, an error event is a WorkerCrashed naming the error", async () => {
    const worker = new FakeWorker()
    serve(worker, async () => ({ lifeLock: false }))
    const rec = recordingOwner()
    const mounted = rec.nextMounted()
    new WorkerSession(options(worker), rec.owner).start()
    await mounted
    worker.fireError({ message: "Uncaught Error: out of cheese.", filename: "http://localhost/app.worker.js", lineno: 3 })
    expect(rec.failures).toHaveLength(1)
    expect(rec.failures[0].kind).toBe("WorkerCrashed")
    expect(rec.failures[0].reason).toBe("the worker crashed (Uncaught Error: out of cheese at http://localhost/app.worker.js:3)")
  })

  it("a silent death after mounting (the life lock is granted to the page) is a WorkerCrashed; release gives up the page's place in the lock queue", async () => {
    const requests: Array<{ name: string; signal: AbortSignal; granted: () => unknown }> = []
    vi.stubGlobal("navigator", {
      locks: {
        request(name: string, lockOptions: { signal: AbortSignal }, granted: () => unknown) {
          requests.push({ name, signal: lockOptions.signal, granted })
          return new Promise(() => undefined)
        }
      }
    })
    const worker = new FakeWorker()
    let lifeLock: string | undefined
    serve(worker, async (_port, mountOptions) => {
      lifeLock = mountOptions.lifeLock
      return { lifeLock: true }
    })
    const rec = recordingOwner()
    const mounted = rec.nextMounted()
    const session = new WorkerSession(options(worker), rec.owner)
    session.start()
    await mounted
    expect(requests).toHaveLength(1)
    expect(requests[0].name).toBe(lifeLock)
    expect(lifeLock).toMatch(/^shuttle-life-/)
    requests[0].granted()
    expect(rec.failures.map((f) => [f.kind, f.reason])).toEqual([["WorkerCrashed", "the worker stopped (it was terminated, or the browser killed it)"]])
    expect(requests[0].signal.aborted).toBe(true)
  })

  it("reports nothing after release, and terminates the worker", () => {
    const worker = new FakeWorker()
    const rec = recordingOwner()
    const session = new WorkerSession(options(worker), rec.owner)
    session.start()
    session.release()
    expect(worker.terminated).toBe(true)
    worker.fireError()
    expect(rec.failures).toEqual([])
    expect(session.post({ t: "tick" })).toBe(false)
  })

  it("unmount asks the worker to unmount the root, then terminates it", async () => {
    const worker = new FakeWorker()
    const unmounted: number[] = []
    serve(worker, async () => ({ lifeLock: false }), async (rootId) => {
      unmounted.push(rootId)
    })
    const rec = recordingOwner()
    const mounted = rec.nextMounted()
    const session = new WorkerSession(options(worker), rec.owner)
    session.start()
    await mounted
    await session.unmount()
    expect(unmounted).toEqual([7])
    expect(worker.terminated).toBe(true)
    expect(rec.failures).toEqual([])
  })
})

describe("resolveMountTimeout", () => {
  it("defaults to 10 s, takes milliseconds > 0 or Infinity, and refuses the rest naming the field", () => {
    expect(resolveMountTimeout(undefined)).toBe(DEFAULT_MOUNT_TIMEOUT_MS)
    expect(DEFAULT_MOUNT_TIMEOUT_MS).toBe(10_000)
    expect(resolveMountTimeout(250)).toBe(250)
    expect(resolveMountTimeout(Infinity)).toBe(Infinity)
    for (const bad of [0, -1, Number.NaN, "5000", null]) {
      let thrown: unknown
      try {
        resolveMountTimeout(bad)
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(InvalidOptionError)
      expect((thrown as InvalidOptionError).field).toBe("mountTimeoutMs")
    }
  })
})
