import * as Comlink from "comlink"
import type { WorkerApi } from "../../protocol/messages.ts"
import type { WorkerLike } from "./root-api.ts"

/** The comlink control channel to one worker, shared by every root mounted on it. */
export interface Control {
  readonly remote: Comlink.Remote<WorkerApi>
  roots: number
}

const controls = new WeakMap<WorkerLike, Control>()

/** The worker's control channel, made on first use; counts this root as a user. */
export function acquireControl(worker: WorkerLike): Control {
  let control = controls.get(worker)
  if (control === undefined) {
    control = { remote: Comlink.wrap<WorkerApi>(worker), roots: 0 }
    controls.set(worker, control)
  }
  control.roots++
  return control
}

/** One root stopped using the worker; the last one releases the proxy and terminates the worker. */
export function releaseControl(worker: WorkerLike, control: Control): void {
  control.roots--
  if (control.roots > 0) return
  controls.delete(worker)
  control.remote[Comlink.releaseProxy]()
  worker.terminate?.()
}
