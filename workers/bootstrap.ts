import * as Comlink from "comlink"
import type { MountOptions, WorkerApi } from "../src/protocol/messages.ts"
import type { Program } from "./program.ts"
import { type DataPort, RootRuntime } from "./root.ts"

/** Where the worker listens for control calls: `self` in a Worker, a MessagePort in tests. */
export type ControlEndpoint = Comlink.Endpoint

/**
 * Serves `program` on `endpoint`: every `createRoot` on the main thread that names this
 * worker mounts a new, independent root (its own model, tables and fiber).
 *
 * @since 0.1.0
 */
export function serveProgram<Model, Msg, R>(program: Program<Model, Msg, R>, endpoint: ControlEndpoint): WorkerApi & {
  readonly roots: ReadonlyMap<number, RootRuntime<Model, Msg, R>>
} {
  const roots = new Map<number, RootRuntime<Model, Msg, R>>()
  const api = {
    roots,
    async mount(port: MessagePort, options: MountOptions): Promise<void> {
      const root = await RootRuntime.start(program, port as unknown as DataPort, options)
      roots.set(options.rootId, root)
    },
    async unmount(rootId: number): Promise<void> {
      const root = roots.get(rootId)
      roots.delete(rootId)
      if (root !== undefined) await root.close()
    }
  }
  Comlink.expose({ mount: api.mount, unmount: api.unmount }, endpoint)
  return api
}

/**
 * Runs `program` in this worker. Call it once at the top level of the worker module.
 *
 * @since 0.1.0
 * @example
 * // app.worker.ts
 * import { h, runProgram } from "shuttle/worker"
 * runProgram({ init: 0, update: (n: number) => n + 1, view: (n) => h("button", { onClick: "inc" }, String(n)) })
 */
export function runProgram<Model, Msg, R = never>(program: Program<Model, Msg, R>): void {
  // The only place that touches the worker global.
  serveProgram(program, globalThis as unknown as ControlEndpoint)
}
