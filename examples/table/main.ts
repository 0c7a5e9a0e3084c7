/**
 * The table demo's main thread: all it does is mount the worker's app into #app.
 *
 * For the browser tests only, the root is exposed as `window.shuttleRoot` (they call
 * `dispatch`, `flush`, `unmount` and read `stats` through it). Nothing else reads it.
 */
import { createRoot, type Root } from "shuttle"

declare global {
  interface Window {
    shuttleRoot?: Root
  }
}

const container = document.getElementById("app")
if (container === null) throw new Error("index.html must contain an element with id 'app'")
const root = createRoot(container, new Worker("./app.worker.js", { type: "module" }))
window.shuttleRoot = root
