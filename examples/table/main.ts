/**
 * The table demo's main thread: all it does is mount the worker's app into #app.
 *
 * For the browser tests only, the root is exposed as `window.shuttleRoot` (they call
 * `dispatch`, `flush`, `unmount` and read `stats` through it), and `createRoot` as
 * `window.shuttleCreateRoot` (the memory test mounts and unmounts extra roots). Nothing
 * else reads them.
 */
import { createRoot, type Root } from "shuttle-ui"

declare global {
  interface Window {
    shuttleRoot?: Root
    shuttleCreateRoot?: typeof createRoot
  }
}

const container = document.getElementById("app")
if (container === null) throw new Error("index.html must contain an element with id 'app'")
const root = createRoot(container, new Worker(new URL("./app.worker.tsx", import.meta.url), { type: "module" }))
window.shuttleRoot = root
window.shuttleCreateRoot = createRoot
