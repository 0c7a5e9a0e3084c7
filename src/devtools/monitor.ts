import type { LaneName } from "../../protocol/lanes.ts"
import type { CommitProfile } from "../../protocol/inspect.ts"
import { COMMIT_PHASES, type WorkerTables } from "../../protocol/messages.ts"
import type { CommitStats, Root } from "../root/root-api.ts"
import { AppliedCommits, type LongFrameEntry, type LongFrameReport, longFrameReport, longFramesSupported, observeLongFrames } from "./monitor-frames.ts"
import { HeapReader, type MemorySample, memorySample } from "./monitor-memory.ts"
import { CommitTrack } from "./monitor-tracks.ts"

/**
 * The Monitoring API: watch a mounted root's commits without any UI — budgets per phase,
 * the phases on Chrome's Performance panel, long animation frames attributed to commits,
 * and memory samples. It attaches through `root.observeCommits` and reads `root.stats`;
 * nothing of it runs unless `monitorRoot` is called. See docs/monitoring.md.
 *
 * @example
 * ```ts
 * const monitor = monitorRoot(root, {
 *   budgets: { view: 10 },
 *   onBudget: (report) => console.warn(`${report.phase} took ${report.ms} ms (budget ${report.budgetMs})`, report.culprit)
 * })
 * // later
 * monitor.stop()
 * ```
 *
 * @since 0.1.0
 */

export type { LongFrameReport, LongFrameScript } from "./monitor-frames.ts"
export type { HeapReading, MemorySample } from "./monitor-memory.ts"

/**
 * What a budget is on. The worker's phases (`update`, `view`, `diff`, `encode`) and the
 * page's `apply` are the commit's own figures (CommitStats). `frame` is the main-thread
 * frame the commit was applied in: the duration of the Long Animation Frame during which
 * its apply ran (needs `longFrames`; the browser reports only frames over 50 ms, so a
 * frame budget under 50 acts as 50, and where long frames are not reported it never fires).
 */
export type BudgetPhase = "update" | "view" | "diff" | "encode" | "apply" | "frame"

/** Milliseconds per phase that a commit may take before it is reported. */
export const DEFAULT_BUDGETS: Readonly<Record<BudgetPhase, number>> = { update: 4, view: 16, diff: 16, encode: 8, apply: 8, frame: 50 }

/** Options of `monitorRoot`. */
export interface MonitorOptions {
  /** Names the root on the Performance panel: its track is "Shuttle <name>". Default "root". */
  readonly name?: string
  /** Budgets per phase, ms: a commit that takes longer is reported. Defaults: DEFAULT_BUDGETS (update 4, view 16, diff 16, encode 8, apply 8, frame 50). */
  readonly budgets?: Partial<Record<BudgetPhase, number>>
  /** Called with each exceeded budget (after it is added to `overBudget`). */
  readonly onBudget?: (report: BudgetReport) => void
  /**
   * Put each commit's phases on Chrome's Performance panel: `performance.measure` on the
   * track "Shuttle <name>" in the group "Shuttle" (the extensibility API), red past their
   * budget. Default true where `performance.measure` exists.
   */
  readonly marks?: boolean
  /** Observe Long Animation Frames and attribute each to the commits applied during it. Default true where the browser reports them. */
  readonly longFrames?: boolean
  /** Called with each long animation frame (after it is added to `longFrames`), whether or not a commit was applied in it. */
  readonly onLongFrame?: (report: LongFrameReport) => void
  /** Sample memory every this many ms (worker tables, root.stats tables, JS heap). Default off. */
  readonly memoryEveryMs?: number
  /** Called with each memory sample (after it is added to `memory`). */
  readonly onMemory?: (sample: MemorySample) => void
  /** How many of each kind of report the monitor keeps (the oldest go first). Default 100. */
  readonly keep?: number
}

/** A commit that took longer than a budget. */
export interface BudgetReport {
  readonly phase: BudgetPhase
  /** Milliseconds the phase took. */
  readonly ms: number
  /** The budget it exceeded. */
  readonly budgetMs: number
  readonly commitId: number
  readonly lane: LaneName
  /** All the commit's figures. For a `frame` report: the commit with the longest apply in that frame. */
  readonly commit: CommitStats
  /**
   * What took the time, when the worker profiled the commit (CommitStats.profile): for
   * `update`, the slowest message; for `view` and `diff`, the component that rendered
   * longest. Null otherwise.
   */
  readonly culprit: BudgetCulprit | null
  /** For a `frame` report, the long animation frame (with every commit applied in it); else null. */
  readonly frame: LongFrameReport | null
}

/** The message or component a budget report blames. */
export type BudgetCulprit =
  | { readonly kind: "message"; readonly msg: unknown; readonly ms: number }
  | { readonly kind: "component"; readonly name: string; readonly renders: number; readonly skipped: number; readonly ms: number }

/** A monitor attached to a root; `stop()` detaches it (its reports stay readable). */
export interface RootMonitor {
  /** The budgets in force (the options over DEFAULT_BUDGETS). */
  readonly limits: Readonly<Record<BudgetPhase, number>>
  /** The last `keep` budget reports, oldest first. */
  readonly overBudget: readonly BudgetReport[]
  /** The last `keep` long animation frames, oldest first (empty without `longFrames`). */
  readonly longFrames: readonly LongFrameReport[]
  /** The last `keep` memory samples, oldest first (empty without `memoryEveryMs`). */
  readonly memory: readonly MemorySample[]
  /** Stops watching: unsubscribes from the root, disconnects the observer, ends the sampling. Idempotent. */
  stop(): void
}

/** The root's parts a monitor uses (any `Root` has them). */
export type MonitoredRoot = Pick<Root, "observeCommits" | "stats">

/**
 * Attaches a monitor to a root. Budgets are checked on every commit from now on.
 *
 * @since 0.1.0
 */
export function monitorRoot(root: MonitoredRoot, options: MonitorOptions = {}): RootMonitor {
  return new Monitor(root, options)
}

class Monitor implements RootMonitor {
  readonly limits: Readonly<Record<BudgetPhase, number>>
  readonly overBudget: BudgetReport[] = []
  readonly longFrames: LongFrameReport[] = []
  readonly memory: MemorySample[] = []
  private readonly options: MonitorOptions
  private readonly keep: number
  private readonly track: CommitTrack | null
  private readonly applied: AppliedCommits | null
  private readonly heap = new HeapReader()
  private lastWorker: WorkerTables | null = null
  private unsubscribe: (() => void) | null
  private observer: { disconnect(): void } | null = null
  private timer: ReturnType<typeof setInterval> | null = null
  private readonly root: MonitoredRoot

  constructor(root: MonitoredRoot, options: MonitorOptions) {
    this.root = root
    this.options = options
    this.keep = Math.max(1, options.keep ?? 100)
    this.limits = { ...DEFAULT_BUDGETS, ...definedOnly(options.budgets) }
    const marks = options.marks ?? (typeof performance !== "undefined" && typeof performance.measure === "function")
    this.track = marks ? new CommitTrack(options.name ?? "root") : null
    const longFrames = options.longFrames ?? longFramesSupported()
    this.applied = longFrames ? new AppliedCommits() : null
    this.unsubscribe = root.observeCommits((commit) => this.commit(commit))
    if (longFrames) this.observer = observeLongFrames((entry) => this.frame(entry))
    const every = options.memoryEveryMs
    if (every !== undefined && every > 0) this.timer = setInterval(() => this.sample(), every)
  }

  stop(): void {
    this.unsubscribe?.()
    this.unsubscribe = null
    this.observer?.disconnect()
    this.observer = null
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  private commit(commit: CommitStats): void {
    // The listener runs right after the apply: that is when it ended.
    const applyEnd = performance.now()
    const applyStart = applyEnd - commit.applyMs
    if (commit.worker !== undefined) this.lastWorker = commit.worker
    this.applied?.add(commit, applyStart, applyEnd)
    if (this.track !== null) guard(() => this.track!.write(commit, applyStart, this.limits))
    for (const [phase, field] of COMMIT_PHASES) {
      const ms = commit[field]
      if (ms > this.limits[phase]) this.report(phase, ms, commit, null)
    }
  }

  private frame(entry: LongFrameEntry): void {
    const report = longFrameReport(entry, this.applied!)
    push(this.longFrames, report, this.keep)
    if (this.options.onLongFrame !== undefined) guard(() => this.options.onLongFrame!(report))
    if (report.commits.length === 0 || report.duration <= this.limits.frame) return
    let longest = report.commits[0]
    for (const commit of report.commits) if (commit.applyMs > longest.applyMs) longest = commit
    this.report("frame", report.duration, longest, report)
  }

  private sample(): void {
    const sample = memorySample(this.root.stats, this.lastWorker, this.heap)
    push(this.memory, sample, this.keep)
    if (this.options.onMemory !== undefined) guard(() => this.options.onMemory!(sample))
  }

  private report(phase: BudgetPhase, ms: number, commit: CommitStats, frame: LongFrameReport | null): void {
    const report: BudgetReport = {
      phase,
      ms,
      budgetMs: this.limits[phase],
      commitId: commit.commitId,
      lane: commit.laneName,
      commit,
      culprit: culpritOf(phase, commit.profile),
      frame
    }
    push(this.overBudget, report, this.keep)
    if (this.options.onBudget !== undefined) guard(() => this.options.onBudget!(report))
  }
}

/** The message or component to blame for a phase, from the worker's profile of the commit. */
function culpritOf(phase: BudgetPhase, profile: CommitProfile | undefined): BudgetCulprit | null {
  if (profile === undefined) return null
  if (phase === "update") {
    const slowest = profile.slowestUpdate
    return slowest === undefined ? null : { kind: "message", msg: slowest.msg, ms: slowest.ms }
  }
  if (phase !== "view" && phase !== "diff") return null
  const components = profile.components
  if (components.length === 0) return null
  let slowest = components[0]
  for (const component of components) if (component.ms > slowest.ms) slowest = component
  return { kind: "component", name: slowest.name, renders: slowest.renders, skipped: slowest.skipped, ms: slowest.ms }
}

function push<T>(list: T[], item: T, keep: number): void {
  list.push(item)
  if (list.length > keep) list.splice(0, list.length - keep)
}

/** `{ view: undefined }` keeps the default instead of becoming undefined. */
function definedOnly(budgets: Partial<Record<BudgetPhase, number>> | undefined): Partial<Record<BudgetPhase, number>> {
  const result: Partial<Record<BudgetPhase, number>> = {}
  if (budgets === undefined) return result
  for (const key of Object.keys(budgets) as BudgetPhase[]) {
    const value = budgets[key]
    if (value !== undefined) result[key] = value
  }
  return result
}

/**
 * Runs a user's callback (or the Performance panel's call) where an exception must not
 * escape: the monitor's commit listener runs inside the root's commit loop.
 */
function guard(run: () => void): void {
  try {
    run()
  } catch (error) {
    const report = (globalThis as { reportError?: (error: unknown) => void }).reportError
    if (typeof report === "function") report(error)
    else console.error(error)
  }
}
