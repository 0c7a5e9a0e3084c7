/**
 * Streaming demo, main thread: mounts the worker's app. Tests and the probe read
 * `window.streamDemo` (the root and every commit's stats).
 */
import { type CommitStats, createRoot, type Root } from "shuttle-ui"

declare global {
  interface Window {
    streamDemo?: { root: Root; commits: CommitStats[]; firstCommitAt(): number }
  }
}

const container = document.getElementById("app")
if (container === null) throw new Error("index.html must contain an element with id 'app'")
const commits: CommitStats[] = []
/** When the first real commit was applied (performance.now()), for the startup probe. */
let firstCommitAt = -1
const root = createRoot(container, () => new Worker(new URL("./app.worker.tsx", import.meta.url), { type: "module" }), {
  // Shown at once, before the worker has even loaded: first paint does not wait for it.
  placeholder: '<div class="card skeleton"><h2>Slow data</h2><p>Starting…</p></div>',
  onCommit(commit) {
    if (firstCommitAt < 0) firstCommitAt = performance.now()
    commits.push(commit)
  }
})
window.streamDemo = { root, commits, firstCommitAt: () => firstCommitAt }
