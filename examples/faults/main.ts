/**
 * Faults demo, main thread: a root whose worker can be terminated mid-stream and is
 * restarted from its last snapshot (createRoot is given a function that starts workers).
 *
 * `?worker=missing` starts a worker whose script 404s; `?worker=throws` one that throws at
 * start; `?worker=no-program` a module that loads but never calls runProgram (with
 * `?mountTimeoutMs=N`, createRoot's wait for it, default 10 s); `?bootMs=N` one that spins
 * N ms before serving (the placeholder shows meanwhile); `?backoffMs=N` the wait before a
 * restart (default 100, createRoot's default).
 * The browser test (test/browser/faults.test.ts) and the recovery probe
 * (bench/faults/recovery-time.mjs) drive it through `window.faults`.
 */
import { createRoot, type Root, type ShuttleError, type WorkerError } from "shuttle-ui"

interface Counters {
  readonly direct: number
  readonly via: number
  readonly tick: number
}

interface Faults {
  readonly root: Root
  /** Every worker started, the running one last. */
  readonly workers: Worker[]
  /** Every error onError reported: kind and message. */
  readonly errors: Array<{ kind: string; message: string; at: number }>
  /** What was dispatched: `inc` (direct) and `incLater` (a command dispatches `incDone`). */
  readonly sent: { direct: number; incLater: number; ticks: number }
  /** Streams for `ms`: every frame, `perFrame` inc and incLater, and a Transition tick when the last one is shown. */
  stream(ms: number, perFrame?: number): Promise<void>
  /** Terminates the running worker; returns the counters on screen just before (all acknowledged commits). */
  crash(): Counters
  /** The counters the DOM shows. */
  counters(): Counters
  /** The container's HTML for `model` rendered by a fresh root and worker. */
  freshRender(model: Counters): Promise<string>
}

declare global {
  interface Window {
    faults?: Faults
  }
}

const params = new URLSearchParams(location.search)
const which = params.get("worker") ?? "ok"
const bootMs = params.get("bootMs")
const backoffMs = Number(params.get("backoffMs") ?? 100)
const mountTimeoutMs = params.get("mountTimeoutMs")
const container = document.getElementById("app")
if (container === null) throw new Error("index.html must contain an element with id 'app'")

const workerUrl = which === "missing" ? "./missing.worker.js" : which === "throws" ? "./app.worker.js?fault=throws" : bootMs !== null ? `./app.worker.js?bootMs=${bootMs}` : "./app.worker.js"
const workers: Worker[] = []
const errors: Faults["errors"] = []
const sent = { direct: 0, incLater: 0, ticks: 0 }
let tickShown = true

/** A worker module that loads fine but forgot to call runProgram: nobody answers the page. */
const noProgramUrl = (): string => URL.createObjectURL(new Blob(["// the app forgot runProgram({ init, update, view })\nexport {}\n"], { type: "text/javascript" }))

const root = createRoot(container, () => {
  const worker = new Worker(which === "no-program" ? noProgramUrl() : workerUrl, { type: "module" })
  workers.push(worker)
  return worker
}, {
  placeholder: '<p class="loading">Loading…</p>',
  recover: { retries: 3, backoffMs },
  ...(mountTimeoutMs === null ? {} : { mountTimeoutMs: Number(mountTimeoutMs) }),
  // The counters' messages arrive every frame and would interrupt the 5,000-row Transition
  // render again and again: let it expire soon, so the list re-renders while they stream.
  lanes: { transition: { timeoutMs: 150 } },
  onError(error: ShuttleError) {
    errors.push({ kind: (error as WorkerError).kind ?? error._tag, message: error.message, at: performance.now() })
  },
  onCommit(commit) {
    if (commit.laneName === "transition") tickShown = true
    document.getElementById("restarts")!.textContent = String(root.stats.restarts)
  }
})

const read = (element: Element, id: string): number => Number(element.querySelector(`#${id}`)?.textContent ?? NaN)
const countersOf = (element: Element): Counters => ({ direct: read(element, "direct"), via: read(element, "via"), tick: read(element, "tick") })

window.faults = {
  root,
  workers,
  errors,
  sent,
  stream(ms, perFrame = 20) {
    const end = performance.now() + ms
    return new Promise<void>((resolve) => {
      const frame = (): void => {
        if (performance.now() >= end) {
          resolve()
          return
        }
        try {
          for (let i = 0; i < perFrame; i++) {
            root.dispatch({ type: "inc" })
            sent.direct++
            root.dispatch({ type: "incLater" })
            sent.incLater++
          }
          // One 5,000-row re-render in flight at a time, as a streaming list would.
          if (tickShown) {
            tickShown = false
            root.dispatch({ type: "tick" }, { lane: "transition" })
            sent.ticks++
          }
        } catch {
          // The root failed for good: stop streaming (the error is in `errors`).
          resolve()
          return
        }
        requestAnimationFrame(frame)
      }
      frame()
    })
  },
  crash() {
    const shown = countersOf(container)
    workers[workers.length - 1].terminate()
    return shown
  },
  counters: () => countersOf(container),
  async freshRender(model) {
    const scratch = document.createElement("div")
    const fresh = createRoot(scratch, new Worker("./app.worker.js", { type: "module" }))
    fresh.dispatch({ type: "load", model })
    await fresh.flush()
    const html = scratch.innerHTML
    await fresh.unmount()
    return html
  }
}

document.getElementById("stream")!.addEventListener("click", () => void window.faults!.stream(2000))
document.getElementById("crash")!.addEventListener("click", () => window.faults!.crash())
