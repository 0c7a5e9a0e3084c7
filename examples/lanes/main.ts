/**
 * Lanes demo, main thread. `?lane=default|transition|idle` picks the lane of the grid's
 * re-renders (default: transition); `?ticks=N` how many (default 30). Each tick is
 * dispatched when the previous one has been committed, so the grid re-renders back to
 * back. The browser test and the responsiveness benchmark read `window.lanesDemo`.
 */
import { createRoot, type CommitStats, type LaneName, type Root } from "shuttle-ui"

interface LanesDemo {
  readonly root: Root
  readonly lane: LaneName
  /** Starts `ticks` back-to-back grid renders; resolves when the last is committed. */
  run(ticks?: number): Promise<void>
  readonly commits: CommitStats[]
}

declare global {
  interface Window {
    lanesDemo?: LanesDemo
  }
}

const params = new URLSearchParams(location.search)
const lane = (params.get("lane") ?? "transition") as LaneName
const container = document.getElementById("app")
if (container === null) throw new Error("index.html must contain an element with id 'app'")

const commits: CommitStats[] = []
let remaining = 0
let finished: (() => void) | null = null
// ?answerWaitMs=0 (benchmarks): the keystroke's handler does not wait for the echo.
const answerWaitMs = params.has("answerWaitMs") ? Number(params.get("answerWaitMs")) : undefined
const root = createRoot(container, new Worker(new URL("./app.worker.tsx", import.meta.url), { type: "module" }), {
  ...(answerWaitMs === undefined ? {} : { answerWaitMs }),
  onCommit(commit) {
    commits.push(commit)
    if (commit.laneName !== lane || remaining === 0) return
    remaining--
    if (remaining > 0) root.dispatch({ type: "tick" }, { lane })
    else finished?.()
  }
})

window.lanesDemo = {
  root,
  lane,
  commits,
  run(ticks = Number(params.get("ticks") ?? 30)) {
    remaining = ticks
    return new Promise<void>((resolve) => {
      finished = resolve
      root.dispatch({ type: "tick" }, { lane })
    })
  }
}

document.getElementById("start")?.addEventListener("click", () => void window.lanesDemo!.run())
