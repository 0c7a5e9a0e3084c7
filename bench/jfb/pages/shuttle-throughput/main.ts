/**
 * Throughput page, main thread. The driver (bench/jfb/lib/throughput.mjs) calls
 * `window.shuttleThroughput`:
 * - `sustained(ms)`: one `bump` message per task, tasks back to back for `ms`; returns how
 *   many were dispatched, how many the DOM showed when the window closed, the commits
 *   applied in the window and where the main thread's time went;
 * - `burst(total, size)`: `total` `inc` messages in tasks of `size` dispatches, then a
 *   flush; returns the time until the DOM shows the last one.
 */
import { type CommitStats, createRoot, type Root } from "shuttle-ui"

interface Window_ {
  readonly root: Root
  fill(count: number): Promise<void>
  sustained(ms: number): Promise<SustainedResult>
  burst(total: number, size: number): Promise<BurstResult>
  latency(count: number): Promise<number[]>
}

interface PhaseTotals {
  commits: number
  messages: number
  updateMs: number
  viewMs: number
  diffMs: number
  encodeMs: number
  applyMs: number
  patchBytes: number
  maxApplyMs: number
}

interface SustainedResult {
  readonly ms: number
  readonly dispatched: number
  /** Bump messages the DOM showed when the window closed. */
  readonly appliedInWindow: number
  readonly commitsInWindow: number
  /** Commits received from the worker but still waiting for a frame when the window closed. */
  readonly queuedCommitsAtClose: number
  /** Frames (rAF callbacks) seen in the window, and the longest gap between two. */
  readonly frames: number
  readonly longestFrameGapMs: number
  /** Time from the end of the window until a flush saw every dispatched message applied. */
  readonly drainMs: number
  readonly appliedAfterDrain: number
  readonly phases: PhaseTotals
}

interface BurstResult {
  readonly total: number
  readonly size: number
  readonly ms: number
  /** Main-thread milliseconds spent inside the dispatch loops. */
  readonly dispatchMs: number
  readonly counter: number
  readonly commits: number
  readonly phases: PhaseTotals
}

declare global {
  interface Window {
    shuttleThroughput?: Window_
  }
}

function emptyTotals(): PhaseTotals {
  return { commits: 0, messages: 0, updateMs: 0, viewMs: 0, diffMs: 0, encodeMs: 0, applyMs: 0, patchBytes: 0, maxApplyMs: 0 }
}

let totals = emptyTotals()
function onCommit(commit: CommitStats): void {
  totals.commits++
  totals.messages += commit.messages
  totals.updateMs += commit.updateMs
  totals.viewMs += commit.viewMs
  totals.diffMs += commit.diffMs
  totals.encodeMs += commit.encodeMs
  totals.applyMs += commit.applyMs
  totals.patchBytes += commit.patchBytes
  if (commit.applyMs > totals.maxApplyMs) totals.maxApplyMs = commit.applyMs
}

const container = document.getElementById("app")
if (container === null) throw new Error("index.html must contain an element with id 'app'")
const root = createRoot(container, new Worker("./app.worker.js", { type: "module" }), { onCommit })

function readNumber(id: string): number {
  return Number(document.getElementById(id)?.textContent ?? "NaN")
}

/** Runs `step` in back-to-back tasks (a MessageChannel, not setTimeout, which is clamped) until it returns false. */
function taskLoop(step: () => boolean): Promise<void> {
  const channel = new MessageChannel()
  return new Promise((resolve) => {
    channel.port1.onmessage = () => {
      if (step()) channel.port2.postMessage(null)
      else {
        channel.port1.close()
        resolve()
      }
    }
    channel.port2.postMessage(null)
  })
}

window.shuttleThroughput = {
  root,
  async fill(count) {
    root.dispatch({ type: "fill", count })
    await root.flush()
    if (readNumber("rows") !== count) throw new Error(`fill: the DOM shows ${readNumber("rows")} rows, expected ${count}`)
  },
  async sustained(ms) {
    root.dispatch({ type: "reset" })
    await root.flush()
    totals = emptyTotals()
    let frames = 0
    let lastFrame = performance.now()
    let longestFrameGapMs = 0
    let counting = true
    const onFrame = (now: number): void => {
      if (!counting) return
      frames++
      if (now - lastFrame > longestFrameGapMs) longestFrameGapMs = now - lastFrame
      lastFrame = now
      requestAnimationFrame(onFrame)
    }
    requestAnimationFrame(onFrame)
    let dispatched = 0
    const start = performance.now()
    const end = start + ms
    await taskLoop(() => {
      root.dispatch({ type: "bump", n: ++dispatched })
      return performance.now() < end
    })
    counting = false
    const closed = performance.now()
    const appliedInWindow = readNumber("applied")
    const queuedCommitsAtClose = root.stats.queuedCommits
    const phases = { ...totals }
    await root.flush()
    const drainMs = performance.now() - closed
    return {
      ms: closed - start,
      dispatched,
      appliedInWindow,
      commitsInWindow: phases.commits,
      queuedCommitsAtClose,
      frames,
      longestFrameGapMs,
      drainMs,
      appliedAfterDrain: readNumber("applied"),
      phases
    }
  },
  async burst(total, size) {
    root.dispatch({ type: "reset" })
    await root.flush()
    totals = emptyTotals()
    let sent = 0
    let dispatchMs = 0
    const start = performance.now()
    await taskLoop(() => {
      const t = performance.now()
      const last = Math.min(total, sent + size)
      for (; sent < last; sent++) root.dispatch({ type: "inc" })
      dispatchMs += performance.now() - t
      return sent < total
    })
    await root.flush()
    const ms = performance.now() - start
    return { total, size, ms, dispatchMs, counter: readNumber("counter"), commits: totals.commits, phases: { ...totals } }
  },
  /**
   * `count` round trips, one at a time: dispatch one `inc`, then `flush()`, which resolves
   * once the worker has rendered it and its commit is in the DOM. A quiet frame between two.
   */
  async latency(count) {
    const times: number[] = []
    for (let i = 0; i < count; i++) {
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 5)))
      const expected = readNumber("counter") + 1
      const t = performance.now()
      root.dispatch({ type: "inc" })
      await root.flush()
      times.push(performance.now() - t)
      if (readNumber("counter") !== expected) throw new Error(`latency: the DOM shows counter ${readNumber("counter")}, expected ${expected}`)
    }
    return times
  }
}
