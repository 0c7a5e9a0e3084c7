// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest"
import type { WorkerTables } from "../../protocol/messages.ts"
import { DEFAULT_BUDGETS, monitorRoot, type BudgetReport, type LongFrameReport, type MonitoredRoot } from "../../src/devtools/monitor.ts"
import type { CommitStats, RootStats } from "../../src/index.ts"
import { h } from "../../workers/h.ts"
import type { Program } from "../../workers/program.ts"
import { useRoots } from "../_util/harness.ts"

/**
 * The Monitoring API (src/devtools/monitor.ts) driven by a fake root whose commits the
 * tests craft: budgets, the profile's culprit, Performance-panel marks, long animation
 * frames, memory samples and stop(); then once through a real root whose view is slow
 * by construction.
 */

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

const TABLES: WorkerTables = { liveNodes: 12, waitingIds: 0, strings: 5, pooledBuffers: 1, bufferAllocations: 2, resources: 0, subscriptions: 0 }

/** A commit of the default lane that took no time, with `fields` over it. */
function commitOf(fields: Partial<CommitStats> & { readonly profile?: unknown } = {}): CommitStats {
  return {
    lane: 2,
    laneName: "default",
    commitId: 1,
    messages: 1,
    updateMs: 0,
    viewMs: 0,
    diffMs: 0,
    encodeMs: 0,
    slices: 1,
    interruptions: 0,
    expired: false,
    patchBytes: 64,
    applyMs: 0,
    ...fields
  } as CommitStats
}

/** A root whose commits and stats the test controls. */
function fakeRoot() {
  const listeners = new Set<(commit: CommitStats) => void>()
  const stats: { -readonly [K in keyof RootStats]: RootStats[K] } = {
    commits: 0,
    lastPatchBytes: 0,
    totalPatchBytes: 0,
    lastApplyMs: 0,
    nodes: 40,
    strings: 7,
    listeners: 2,
    queuedCommits: 0,
    lastCommit: null,
    restarts: 0,
    journalLength: 3
  }
  const root: MonitoredRoot = {
    stats,
    observeCommits(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    }
  }
  const emit = (commit: CommitStats): void => {
    for (const listener of listeners) listener(commit)
  }
  return { root, stats, listeners, emit }
}

/** Marks and long frames off: the budget tests see budgets only. */
const QUIET = { marks: false, longFrames: false } as const

/** The fields of a report that name what exceeded what. */
const brief = (report: BudgetReport) => ({ phase: report.phase, ms: report.ms, budgetMs: report.budgetMs, commitId: report.commitId, lane: report.lane })

describe("budgets", () => {
  it("reports each phase over its default budget with its figure and the commit, in phase order", () => {
    const { root, emit } = fakeRoot()
    const seen: BudgetReport[] = []
    const monitor = monitorRoot(root, { ...QUIET, onBudget: (report) => seen.push(report) })
    const commit = commitOf({ commitId: 7, lane: 3, laneName: "transition", updateMs: 5, viewMs: 3, diffMs: 20, encodeMs: 1, applyMs: 9 })
    emit(commit)
    expect(monitor.overBudget.map(brief)).toEqual([
      { phase: "update", ms: 5, budgetMs: 4, commitId: 7, lane: "transition" },
      { phase: "diff", ms: 20, budgetMs: 16, commitId: 7, lane: "transition" },
      { phase: "apply", ms: 9, budgetMs: 8, commitId: 7, lane: "transition" }
    ])
    expect(seen).toEqual(monitor.overBudget)
    expect(seen[0].commit).toBe(commit)
    expect(seen.every((report) => report.culprit === null && report.frame === null)).toBe(true)
  })

  it("reports nothing for a commit under every budget, nor at a figure equal to the budget", () => {
    const { root, emit } = fakeRoot()
    const onBudget = vi.fn()
    const monitor = monitorRoot(root, { ...QUIET, onBudget })
    emit(commitOf({ updateMs: 1, viewMs: 15.9, diffMs: 2, encodeMs: 0.5, applyMs: 3 }))
    emit(commitOf({ updateMs: 4, viewMs: 16, diffMs: 16, encodeMs: 8, applyMs: 8 }))
    expect(monitor.overBudget).toEqual([])
    expect(onBudget).not.toHaveBeenCalled()
  })

  it("takes the given budgets over the defaults, and keeps a default for a budget given as undefined", () => {
    const { root, emit } = fakeRoot()
    const monitor = monitorRoot(root, { ...QUIET, budgets: { view: 2, diff: undefined, apply: 100 } })
    expect(monitor.limits).toEqual({ ...DEFAULT_BUDGETS, view: 2, apply: 100 })
    emit(commitOf({ commitId: 3, viewMs: 3, diffMs: 17, applyMs: 50 }))
    expect(monitor.overBudget.map(brief)).toEqual([
      { phase: "view", ms: 3, budgetMs: 2, commitId: 3, lane: "default" },
      { phase: "diff", ms: 17, budgetMs: 16, commitId: 3, lane: "default" }
    ])
  })

  it("keeps the last `keep` reports", () => {
    const { root, emit } = fakeRoot()
    const monitor = monitorRoot(root, { ...QUIET, keep: 2 })
    for (let id = 1; id <= 5; id++) emit(commitOf({ commitId: id, viewMs: 20 }))
    expect(monitor.overBudget.map((report) => report.commitId)).toEqual([4, 5])
  })

  it("a callback that throws is reported and stops neither the root's other listeners nor later reports", () => {
    const { root, emit } = fakeRoot()
    const reportError = vi.fn()
    vi.stubGlobal("reportError", reportError)
    const monitor = monitorRoot(root, { ...QUIET, onBudget: () => { throw new Error("listener bug") } })
    const other = vi.fn()
    root.observeCommits(other)
    emit(commitOf({ commitId: 1, viewMs: 20 }))
    emit(commitOf({ commitId: 2, viewMs: 20 }))
    expect(reportError).toHaveBeenCalledTimes(2)
    expect((reportError.mock.calls[0][0] as Error).message).toBe("listener bug")
    expect(other).toHaveBeenCalledTimes(2)
    expect(monitor.overBudget.map((report) => report.commitId)).toEqual([1, 2])
  })
})

describe("the worker's profile", () => {
  const profile = {
    components: [
      { name: "Row", renders: 100, skipped: 900, ms: 12 },
      { name: "Chart", renders: 1, skipped: 0, ms: 30 },
      { name: "Header", renders: 1, skipped: 0, ms: 0.2 }
    ],
    slowestUpdate: { msg: { type: "sort", by: "name" }, ms: 6 }
  }

  it("names the slowest message for update, the slowest component for view and diff, nothing for the rest", () => {
    const { root, emit } = fakeRoot()
    const monitor = monitorRoot(root, QUIET)
    emit(commitOf({ updateMs: 7, viewMs: 40, diffMs: 20, encodeMs: 9, applyMs: 9, profile }))
    const culprits = Object.fromEntries(monitor.overBudget.map((report) => [report.phase, report.culprit]))
    expect(culprits).toEqual({
      update: { kind: "message", msg: { type: "sort", by: "name" }, ms: 6 },
      view: { kind: "component", name: "Chart", renders: 1, skipped: 0, ms: 30 },
      diff: { kind: "component", name: "Chart", renders: 1, skipped: 0, ms: 30 },
      encode: null,
      apply: null
    })
  })

  it("names nothing when the commit was not profiled, or the profile lacks that part", () => {
    const { root, emit } = fakeRoot()
    const monitor = monitorRoot(root, QUIET)
    emit(commitOf({ updateMs: 7, viewMs: 40 }))
    emit(commitOf({ updateMs: 7, viewMs: 40, profile: { components: [] } }))
    expect(monitor.overBudget).toHaveLength(4)
    expect(monitor.overBudget.map((report) => report.culprit)).toEqual([null, null, null, null])
  })
})

describe("marks on the Performance panel", () => {
  it("measures each phase on the root's track, the worker's back to back ending where the apply began", () => {
    const { root, emit } = fakeRoot()
    const measure = vi.spyOn(performance, "measure").mockImplementation(() => undefined as unknown as PerformanceMeasure)
    const clear = vi.spyOn(performance, "clearMeasures").mockImplementation(() => undefined)
    vi.spyOn(performance, "now").mockReturnValue(1000)
    monitorRoot(root, { name: "app", longFrames: false, budgets: { diff: 3 } })
    // No encode time: no encode entry.
    emit(commitOf({ commitId: 9, updateMs: 2, viewMs: 3, diffMs: 4, encodeMs: 0, applyMs: 5 }))
    const calls = measure.mock.calls.map(([name, options]) => {
      const { start, end, detail } = options as { start: number; end: number; detail: { devtools: Record<string, unknown> } }
      return { name, start, end, color: detail.devtools.color, track: detail.devtools.track, group: detail.devtools.trackGroup, type: detail.devtools.dataType }
    })
    const onTrack = { track: "Shuttle app", group: "Shuttle", type: "track-entry" }
    expect(calls).toEqual([
      { name: "update #9", start: 986, end: 988, color: "tertiary", ...onTrack },
      { name: "view #9", start: 988, end: 991, color: "primary", ...onTrack },
      { name: "diff #9", start: 991, end: 995, color: "error", ...onTrack },
      { name: "apply #9", start: 995, end: 1000, color: "tertiary-dark", ...onTrack }
    ])
    const detail = (measure.mock.calls[0][1] as { detail: { devtools: { properties: unknown } } }).detail.devtools
    expect(detail.properties).toEqual([["commit", "9"], ["lane", "default"], ["messages", "1"], ["patch bytes", "64"]])
    // The page's timeline buffer does not keep them.
    expect(clear.mock.calls.map(([name]) => name)).toEqual(["update #9", "view #9", "diff #9", "apply #9"])
  })

  it("clamps a start before the clock's zero, and makes no marks with `marks: false`", () => {
    const { root, emit } = fakeRoot()
    const measure = vi.spyOn(performance, "measure").mockImplementation(() => undefined as unknown as PerformanceMeasure)
    vi.spyOn(performance, "clearMeasures").mockImplementation(() => undefined)
    // The apply began at 2: the update's 4 ms would start at -2.
    vi.spyOn(performance, "now").mockReturnValue(3)
    const off = monitorRoot(root, { marks: false, longFrames: false })
    emit(commitOf({ updateMs: 4, applyMs: 1 }))
    expect(measure).not.toHaveBeenCalled()
    off.stop()
    monitorRoot(root, { marks: true, longFrames: false })
    emit(commitOf({ updateMs: 4, applyMs: 1 }))
    expect(measure.mock.calls.map(([, options]) => [(options as PerformanceMeasureOptions).start, (options as PerformanceMeasureOptions).end])).toEqual([
      [0, 2],
      [2, 3]
    ])
  })
})

/** A PerformanceObserver stand-in that reports long animation frames when the test says. */
class FakeObserver {
  static readonly supportedEntryTypes = ["long-animation-frame", "mark", "measure"]
  static readonly made: FakeObserver[] = []
  observed: unknown = null
  disconnected = false
  private readonly callback: (list: { getEntries(): unknown[] }) => void
  constructor(callback: (list: { getEntries(): unknown[] }) => void) {
    this.callback = callback
    FakeObserver.made.push(this)
  }
  observe(options: unknown): void {
    this.observed = options
  }
  disconnect(): void {
    this.disconnected = true
  }
  deliver(...entries: unknown[]): void {
    this.callback({ getEntries: () => entries })
  }
}

function useFakeObserver(): () => FakeObserver {
  FakeObserver.made.length = 0
  vi.stubGlobal("PerformanceObserver", FakeObserver)
  return () => {
    expect(FakeObserver.made).toHaveLength(1)
    return FakeObserver.made[0]
  }
}

describe("long animation frames", () => {
  it("attributes each frame to the commits applied during it, and reports a frame over budget against its longest apply", () => {
    const observer = useFakeObserver()
    const { root, emit } = fakeRoot()
    const now = vi.spyOn(performance, "now")
    const budgets: BudgetReport[] = []
    const frames: LongFrameReport[] = []
    const monitor = monitorRoot(root, { marks: false, budgets: { frame: 70 }, onBudget: (r) => budgets.push(r), onLongFrame: (r) => frames.push(r) })
    expect(observer().observed).toEqual({ type: "long-animation-frame" })
    // Applies: #1 [995, 1000], #2 [1003, 1005], #3 [2000, 2001].
    now.mockReturnValue(1000)
    emit(commitOf({ commitId: 1, applyMs: 5 }))
    now.mockReturnValue(1005)
    emit(commitOf({ commitId: 2, applyMs: 2 }))
    now.mockReturnValue(2001)
    emit(commitOf({ commitId: 3, applyMs: 1 }))
    const script = { invoker: "FrameRequestCallback", sourceURL: "https://app.test/main.js", sourceFunctionName: "tick", duration: 40, startTime: 990 }
    observer().deliver(
      { entryType: "long-animation-frame", startTime: 990, duration: 80, blockingDuration: 30, scripts: [{ ...script, duration: 6, invoker: "DOMWindow.onclick" }, script] },
      { entryType: "long-animation-frame", startTime: 1500, duration: 60, blockingDuration: 10, scripts: [] },
      { entryType: "long-animation-frame", startTime: 1950, duration: 55, blockingDuration: 5 }
    )
    expect(frames).toEqual(monitor.longFrames)
    expect(frames.map((frame) => ({ start: frame.startTime, commits: frame.commits.map((c) => c.commitId), applyMs: frame.applyMs }))).toEqual([
      { start: 990, commits: [1, 2], applyMs: 7 },
      { start: 1500, commits: [], applyMs: 0 },
      { start: 1950, commits: [3], applyMs: 1 }
    ])
    expect(frames[0].blockingDuration).toBe(30)
    expect(frames[0].scripts.map((s) => [s.invoker, s.sourceFunctionName, s.duration])).toEqual([
      ["FrameRequestCallback", "tick", 40],
      ["DOMWindow.onclick", "tick", 6]
    ])
    // Only the first frame is over 70 ms and holds a commit; #1 had the longest apply in it.
    expect(budgets.map(brief)).toEqual([{ phase: "frame", ms: 80, budgetMs: 70, commitId: 1, lane: "default" }])
    expect(budgets[0].frame).toBe(frames[0])
  })

  it("is on by default where the browser reports long frames, and off where it does not", () => {
    const observer = useFakeObserver()
    const { root } = fakeRoot()
    monitorRoot(root, { marks: false }).stop()
    expect(observer().disconnected).toBe(true)
    class NoLoaf extends FakeObserver {
      static override readonly supportedEntryTypes = ["mark"]
    }
    FakeObserver.made.length = 0
    vi.stubGlobal("PerformanceObserver", NoLoaf)
    const monitor = monitorRoot(root, { marks: false })
    expect(FakeObserver.made).toEqual([])
    expect(monitor.longFrames).toEqual([])
  })
})

describe("memory samples", () => {
  it("samples the worker's tables of the last commit, the page's tables and performance.memory every N ms", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] })
    Object.defineProperty(performance, "memory", { configurable: true, value: { usedJSHeapSize: 5_000_000, totalJSHeapSize: 8_000_000, jsHeapSizeLimit: 1e9 } })
    try {
      const { root, stats, emit } = fakeRoot()
      const monitor = monitorRoot(root, { ...QUIET, memoryEveryMs: 1000 })
      vi.advanceTimersByTime(999)
      expect(monitor.memory).toEqual([])
      vi.advanceTimersByTime(1)
      emit(commitOf({ worker: TABLES }))
      // A commit without tables (a ring commit's stats still on their way) keeps the last ones.
      emit(commitOf({}))
      stats.nodes = 41
      vi.advanceTimersByTime(2000)
      expect(monitor.memory.map(({ at: _, heap, ...rest }) => ({ ...rest, heap: heap && { source: heap.source, usedBytes: heap.usedBytes, totalBytes: heap.totalBytes } }))).toEqual([
        { worker: null, nodes: 40, strings: 7, listeners: 2, journalLength: 3, heap: { source: "performance.memory", usedBytes: 5_000_000, totalBytes: 8_000_000 } },
        { worker: TABLES, nodes: 41, strings: 7, listeners: 2, journalLength: 3, heap: { source: "performance.memory", usedBytes: 5_000_000, totalBytes: 8_000_000 } },
        { worker: TABLES, nodes: 41, strings: 7, listeners: 2, journalLength: 3, heap: { source: "performance.memory", usedBytes: 5_000_000, totalBytes: 8_000_000 } }
      ])
    } finally {
      delete (performance as { memory?: unknown }).memory
    }
  })

  it("on a cross-origin isolated page, measures the whole agent's memory, one measurement at a time", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] })
    vi.stubGlobal("crossOriginIsolated", true)
    let resolve: (result: { bytes: number }) => void = () => {}
    const measureMemory = vi.fn(() => new Promise<{ bytes: number }>((done) => (resolve = done)))
    Object.defineProperty(performance, "measureUserAgentSpecificMemory", { configurable: true, value: measureMemory })
    try {
      const { root } = fakeRoot()
      const samples: unknown[] = []
      const monitor = monitorRoot(root, { ...QUIET, memoryEveryMs: 100, onMemory: (sample) => samples.push(sample) })
      vi.advanceTimersByTime(200)
      // Still measuring: no reading yet (and no performance.memory here), no second measurement.
      expect(monitor.memory.map((sample) => sample.heap)).toEqual([null, null])
      expect(measureMemory).toHaveBeenCalledTimes(1)
      resolve({ bytes: 12_345_678 })
      await Promise.resolve()
      vi.advanceTimersByTime(100)
      expect(monitor.memory[2].heap).toMatchObject({ source: "measureUserAgentSpecificMemory", usedBytes: 12_345_678, totalBytes: null })
      expect(measureMemory).toHaveBeenCalledTimes(2)
      expect(samples).toEqual(monitor.memory)
    } finally {
      delete (performance as { measureUserAgentSpecificMemory?: unknown }).measureUserAgentSpecificMemory
    }
  })
})

describe("stop", () => {
  it("unsubscribes from the root, disconnects the observer and ends the sampling; its reports stay", () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] })
    const observer = useFakeObserver()
    const { root, listeners, emit } = fakeRoot()
    const monitor = monitorRoot(root, { marks: false, longFrames: true, memoryEveryMs: 100 })
    expect(listeners.size).toBe(1)
    emit(commitOf({ viewMs: 20 }))
    vi.advanceTimersByTime(100)
    monitor.stop()
    monitor.stop()
    expect(listeners.size).toBe(0)
    expect(observer().disconnected).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
    emit(commitOf({ viewMs: 20 }))
    vi.advanceTimersByTime(1000)
    expect(monitor.overBudget).toHaveLength(1)
    expect(monitor.memory).toHaveLength(1)
  })
})

describe("through a real root", () => {
  const { mount } = useRoots()

  /** Busy for `ms` in the view: the view phase exceeds a smaller budget by construction. */
  function busy(ms: number): void {
    const start = performance.now()
    while (performance.now() - start < ms) {
      // spin
    }
  }

  const slowOnDemand: Program<{ slow: boolean }, { type: "slow" }> = {
    init: { slow: false },
    update: () => ({ slow: true }),
    view: (model) => {
      if (model.slow) busy(30)
      return h("p", null, model.slow ? "slow" : "fast")
    }
  }

  it("reports the view budget for the commit whose view busy-looped", async () => {
    const { root, container } = mount(slowOnDemand)
    await root.flush()
    // The real performance.measure runs (spied on, not replaced); nothing of the monitor throws.
    const measure = vi.spyOn(performance, "measure")
    const reportError = vi.fn()
    vi.stubGlobal("reportError", reportError)
    const monitor = monitorRoot(root, { budgets: { view: 10 } })
    root.dispatch({ type: "slow" })
    await root.flush()
    expect(container.textContent).toBe("slow")
    const last = root.stats.lastCommit!
    expect(last.viewMs).toBeGreaterThanOrEqual(30)
    const views = monitor.overBudget.filter((report) => report.phase === "view")
    expect(views.map(brief)).toEqual([{ phase: "view", ms: last.viewMs, budgetMs: 10, commitId: last.commitId, lane: last.laneName }])
    const viewMark = measure.mock.calls.find(([name]) => name === `view #${last.commitId}`)
    expect((viewMark?.[1] as { detail: { devtools: { track: string; color: string } } }).detail.devtools).toMatchObject({ track: "Shuttle root", color: "error" })
    expect(reportError).not.toHaveBeenCalled()
    monitor.stop()
  })

  it("with the worker profiling, a component that busy-loops is named as the culprit of the diff budget", async () => {
    function SlowChart(props: { slow: boolean }) {
      if (props.slow) busy(30)
      return h("figure", null, props.slow ? "slow" : "fast")
    }
    const app: Program<{ slow: boolean }, { type: "slow" }> = {
      init: { slow: false },
      update: () => ({ slow: true }),
      view: (model) => h("main", null, h(SlowChart, { slow: model.slow }))
    }
    const { root, container } = mount(app)
    await root.flush()
    await root.inspect({ q: "profile", on: true })
    const monitor = monitorRoot(root, { budgets: { diff: 10 }, marks: false })
    root.dispatch({ type: "slow" })
    await root.flush()
    expect(container.textContent).toBe("slow")
    const diffs = monitor.overBudget.filter((report) => report.phase === "diff")
    expect(diffs).toHaveLength(1)
    expect(diffs[0].culprit).toMatchObject({ kind: "component", name: "SlowChart", renders: 1 })
    monitor.stop()
  })
})
