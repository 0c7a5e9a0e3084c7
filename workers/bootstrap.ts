import * as Comlink from "comlink"
import type { FromWorker, MountOptions, MountReply, WorkerApi } from "../protocol/messages.ts"
import type { Program } from "./program.ts"
import { type DataPort, RootRuntime } from "./runtime/root.ts"

/** Where the worker listens for control calls: `self` in a Worker, a MessagePort in tests. */
export type ControlEndpoint = Comlink.Endpoint

/** A program served on an endpoint: its mounted roots, and `swap` for new code (a hot update). */
export type ServedProgram<Model, Msg, R> = WorkerApi & {
  readonly roots: ReadonlyMap<number, RootRuntime<Model, Msg, R>>
  /** New code for every root mounted now and later, under their models and DOM (docs/hmr.md). */
  swap(next: Program<Model, Msg, R>): void
}

/**
 * The program this worker serves, once `runProgram` ran. A module-level slot on purpose:
 * a hot module update runs the app's module again in the same worker, and its second
 * `runProgram` call must reach the first one's roots instead of serving twice.
 */
let served: ServedProgram<any, any, any> | null = null

/**
 * Serves `program` on `endpoint`: every `createRoot` on the main thread that names this
 * worker mounts a new, independent root (its own model, tables and fiber).
 *
 * @since 0.1.0
 */
export function serveProgram<Model, Msg, R>(program: Program<Model, Msg, R>, endpoint: ControlEndpoint): ServedProgram<Model, Msg, R> {
  const roots = new Map<number, RootRuntime<Model, Msg, R>>()
  const lifeLocks = new Map<number, () => void>()
  const api = {
    roots,
    swap(next: Program<Model, Msg, R>): void {
      program = next
      for (const root of roots.values()) root.hotSwap(next)
    },
    async mount(port: MessagePort, options: MountOptions): Promise<MountReply> {
      // At once: the page stops waiting for a sign of runProgram (mountTimeoutMs), however long the layer takes to build.
      const mounting: FromWorker = { t: "mounting" }
      port.postMessage(mounting)
      // The lock first: the reply then goes out before the first render keeps this thread busy.
      const release = options.lifeLock === undefined ? null : await holdLifeLock(options.lifeLock)
      let root: RootRuntime<Model, Msg, R>
      try {
        root = await RootRuntime.start(program, port as unknown as DataPort, options)
      } catch (error) {
        release?.()
        throw error
      }
      roots.set(options.rootId, root)
      if (release !== null) lifeLocks.set(options.rootId, release)
      return { lifeLock: release !== null }
    },
    async unmount(rootId: number): Promise<void> {
      const root = roots.get(rootId)
      roots.delete(rootId)
      lifeLocks.get(rootId)?.()
      lifeLocks.delete(rootId)
      if (root !== undefined) await root.close()
    }
  }
  Comlink.expose({ mount: api.mount, unmount: api.unmount }, endpoint)
  return api
}

/**
 * Takes the Web Lock `name` and holds it until the returned function is called, or until
 * this worker dies: the browser releases a dead worker's locks at once, and the main
 * thread, queued for the same lock, learns of the death without polling (even of a
 * `terminate()` or an out-of-memory kill, which fire no event). Null without Web Locks.
 */
function holdLifeLock(name: string): Promise<(() => void) | null> {
  const locks = (globalThis as { navigator?: { locks?: LockManager | null } }).navigator?.locks
  if (locks == null) return Promise.resolve(null)
  return new Promise((resolve) => {
    locks.request(name, () => new Promise<void>((release) => resolve(() => release()))).catch(() => resolve(null))
  })
}

/**
 * Runs `program` in this worker. Call it once at the top level of the worker module.
 *
 * @since 0.1.0
 * @example
 * // app.worker.ts
 * import { h, runProgram } from "shuttle-ui/worker"
 * runProgram({ init: 0, update: (n: number) => n + 1, view: (n) => h("button", { onClick: 1 }, String(n)) })
 */
export function runProgram<Model, Msg, R = never>(program: Program<Model, Msg, R>): void {
  if (served !== null) {
    // The app's module ran again (a hot update, docs/hmr.md): new code for the running roots.
    served.swap(program)
    return
  }
  // The only place that touches the worker global.
  served = serveProgram(program, globalThis as unknown as ControlEndpoint)
}
