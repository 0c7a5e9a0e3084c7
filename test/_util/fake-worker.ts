import type { WorkerLike } from "../../src/index.ts"
import { serveProgram } from "../../workers/bootstrap.ts"
import type { Program } from "../../workers/program.ts"

/**
 * A Worker stand-in for happy-dom (which has none): the program is served in this thread
 * over a MessageChannel, and the object fires `message`, `error` and `messageerror` as a
 * Worker does. `crash()` stops it the way a dead worker stops (nothing is answered or
 * posted any more) and fires `error`; `failToLoad()` fires `error` without ever serving,
 * as a worker whose script 404s does. Real Workers are tested in Chromium.
 */
export class FakeWorker<Model = unknown, Msg = unknown, R = never> extends EventTarget implements WorkerLike {
  private readonly channel = new MessageChannel()
  readonly served: ReturnType<typeof serveProgram<Model, Msg, R>> | null
  terminated = false

  constructor(program: Program<Model, Msg, R> | null) {
    super()
    this.channel.port1.onmessage = (event) => {
      if (!this.terminated) this.dispatchEvent(new MessageEvent("message", { data: event.data }))
    }
    this.served = program === null ? null : serveProgram(program, this.channel.port2)
  }

  postMessage(message: unknown, transfer?: Transferable[]): void {
    if (!this.terminated) this.channel.port1.postMessage(message, transfer ?? [])
  }

  terminate(): void {
    if (this.terminated) return
    this.terminated = true
    // A dead worker runs nothing: close every root (their ports, fibers and timers) and the control channel.
    for (const root of this.served?.roots.values() ?? []) void root.close()
    this.channel.port1.close()
    this.channel.port2.close()
  }

  /** Dies as an uncaught error kills a worker: it stops, then `error` fires. */
  crash(message = "Uncaught Error: the worker crashed"): void {
    this.terminate()
    this.fireError(message)
  }

  /** Fires `error` the way a worker whose script could not be loaded does (a plain Event, no message). */
  fireError(message?: string): void {
    const event = new Event("error", { cancelable: true })
    if (message !== undefined) Object.defineProperty(event, "message", { value: message })
    this.dispatchEvent(event)
  }
}

/**
 * A worker factory for `createRoot`: each call serves `program` on a new FakeWorker
 * (or fails to load, for the calls `failing` says). `workers` lists every worker made.
 */
export function fakeWorkers<Model, Msg, R>(program: Program<Model, Msg, R>, failing: (call: number) => boolean = () => false) {
  const workers: Array<FakeWorker<Model, Msg, R>> = []
  const factory = (): FakeWorker<Model, Msg, R> => {
    const fails = failing(workers.length)
    const worker = new FakeWorker(fails ? null : program)
    workers.push(worker)
    if (fails) setTimeout(() => worker.fireError(), 0)
    return worker
  }
  return {
    factory,
    workers,
    get last(): FakeWorker<Model, Msg, R> {
      return workers[workers.length - 1]
    }
  }
}
