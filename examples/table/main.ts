/**
 * The table demo's main thread: all it does is mount the worker's app into #app.
 *
 * For the browser tests only, the root is exposed as `window.shuttleRoot` (they call
 * `dispatch`, `flush`, `unmount` and read `stats` through it), and `createRoot` as
 * `window.shuttleCreateRoot` (the memory test mounts and unmounts extra roots). Nothing
 * else reads them. `?history=1` mounts with the `history` option (the time-travel test).
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
const history = new URLSearchParams(location.search).get("history") === "1"
const root = createRoot(container, new Worker(new URL("./app.worker.tsx", import.meta.url), { type: "module" }), { history })
window.shuttleRoot = root
window.shuttleCreateRoot = createRoot
