import type { CommitStats } from "../root/root-api.ts"

/**
 * Long Animation Frames (the "long-animation-frame" PerformanceObserver type: frames whose
 * work took over 50 ms) and the commits applied during each. Used by the monitor
 * (monitor.ts); see docs/monitoring.md.
 */

/** A long animation frame, and what of it was Shuttle's. */
export interface LongFrameReport {
  /** When the frame began (the page's clock, performance.now()). */
  readonly startTime: number
  /** Milliseconds from its start to its end (presentation). */
  readonly duration: number
  /** Milliseconds of it that blocked input (past 50 ms per long task, and the rendering). */
  readonly blockingDuration: number
  /** The commits whose apply ran during this frame, oldest first; empty when none did. */
  readonly commits: readonly CommitStats[]
  /** Milliseconds of those applies together. */
  readonly applyMs: number
  /** What the browser blamed (scripts over 5 ms), longest first. */
  readonly scripts: readonly LongFrameScript[]
}

/** A script the browser saw run during a long animation frame. */
export interface LongFrameScript {
  /** What called it, e.g. "DOMWindow.onclick", "FrameRequestCallback", "Response.json.then". */
  readonly invoker: string
  readonly sourceURL: string
  readonly sourceFunctionName: string
  readonly duration: number
}

/** The fields of a PerformanceLongAnimationFrameTiming this module reads (the DOM typings may lack them). */
export interface LongFrameEntry {
  readonly startTime: number
  readonly duration: number
  readonly blockingDuration?: number
  readonly scripts?: ReadonlyArray<Partial<LongFrameScript>>
}

/** Whether this browser reports long animation frames. */
export function longFramesSupported(): boolean {
  return typeof PerformanceObserver !== "undefined" && (PerformanceObserver.supportedEntryTypes ?? []).includes("long-animation-frame")
}

/** Recent commits with when their apply ran, to find those of a frame reported later. */
export class AppliedCommits {
  private readonly stats: CommitStats[] = []
  private readonly starts: number[] = []
  private readonly ends: number[] = []
  /** The observer reports a frame soon after it ends: a few seconds of commits is plenty. */
  private readonly capacity: number

  constructor(capacity = 256) {
    this.capacity = capacity
  }

  add(commit: CommitStats, applyStart: number, applyEnd: number): void {
    if (this.stats.length === this.capacity) {
      this.stats.shift()
      this.starts.shift()
      this.ends.shift()
    }
    this.stats.push(commit)
    this.starts.push(applyStart)
    this.ends.push(applyEnd)
  }

  /** The commits whose apply overlapped [start, end], oldest first. */
  within(start: number, end: number): CommitStats[] {
    const found: CommitStats[] = []
    for (let i = 0; i < this.stats.length; i++) {
      if (this.ends[i] >= start && this.starts[i] <= end) found.push(this.stats[i])
    }
    return found
  }
}

/** A long animation frame as reported by the monitor, with the commits applied in it. */
export function longFrameReport(entry: LongFrameEntry, applied: AppliedCommits): LongFrameReport {
  const commits = applied.within(entry.startTime, entry.startTime + entry.duration)
  let applyMs = 0
  for (const commit of commits) applyMs += commit.applyMs
  const scripts: LongFrameScript[] = (entry.scripts ?? []).map((script) => ({
    invoker: script.invoker ?? "",
    sourceURL: script.sourceURL ?? "",
    sourceFunctionName: script.sourceFunctionName ?? "",
    duration: script.duration ?? 0
  }))
  scripts.sort((a, b) => b.duration - a.duration)
  return { startTime: entry.startTime, duration: entry.duration, blockingDuration: entry.blockingDuration ?? 0, commits, applyMs, scripts }
}

/** Observes long animation frames until `disconnect()`; null where the browser does not report them. */
export function observeLongFrames(onFrame: (entry: LongFrameEntry) => void): { disconnect(): void } | null {
  if (!longFramesSupported()) return null
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) onFrame(entry as unknown as LongFrameEntry)
  })
  // Not buffered: frames before the monitor started hold none of its commits.
  observer.observe({ type: "long-animation-frame" })
  return observer
}
