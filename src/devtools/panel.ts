import { createRoot } from "../root/create-root.ts"
import type { Root, RootOptions, WorkerSource } from "../root/root-api.ts"

/**
 * Mounts the devtools panel (docs/devtools.md, "The devtools panel"): a Shuttle app like
 * any other, whose worker module calls `runDevtoolsPanel()` from
 * "shuttle-ui/worker/devtools". The panel finds the page's roots by itself, over the
 * BroadcastChannel that `exposeRoots` listens on (this page, or another tab of the same
 * origin), so nothing else is needed here.
 *
 * ```ts
 * exposeRoots({ app: { root, container: app } })
 * mountDevtools(document.getElementById("devtools")!, new Worker(new URL("./devtools.worker.ts", import.meta.url), { type: "module" }))
 * ```
 *
 * @since 0.1.0
 */
export function mountDevtools(container: Element, worker: WorkerSource, options: RootOptions = {}): Root {
  // The panel's own commits are not the app's: no history, nothing persisted.
  return createRoot(container, worker, options)
}
