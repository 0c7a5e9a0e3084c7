/**
 * Streaming demo, main thread: mounts the worker's app. Tests and the probe read
 * `window.streamDemo` (the root and every commit's stats).
 */
import { type CommitStats, createRoot, type Root } from "shuttle"

declare global {
  interface Window {
    streamDemo?: { root: Root; commits: CommitStats[] }
  }
}

const container = document.getElementById("app")
if (container === null) throw new Error("index.html must contain an element with id 'app'")
const commits: CommitStats[] = []
const root = createRoot(container, new Worker("./app.worker.js", { type: "module" }), { onCommit: (c) => commits.push(c) })
window.streamDemo = { root, commits }
