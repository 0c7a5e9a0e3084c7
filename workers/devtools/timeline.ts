/**
 * The profiler's commit timeline, laid out as numbers the view turns into positioned
 * boxes: one row per lane that has commits (highest priority first), one bar per commit in
 * commit order (a slot each, so a 0.2 ms commit is as easy to click as a 40 ms one), its
 * height the commit's total time, split into its phases from the bottom up.
 *
 * @since 0.1.0
 */

import { COMMIT_PHASES } from "../../protocol/messages.ts"

/** The fields of a commit's phases, in the order they run. */
export type Phase = (typeof COMMIT_PHASES)[number][1]
export const PHASES: readonly Phase[] = COMMIT_PHASES.map(([, field]) => field)
/** A phase's name ("update"…), by its field. */
export const PHASE_LABELS = Object.fromEntries(COMMIT_PHASES.map(([name, field]) => [field, name])) as Readonly<Record<Phase, string>>

/** The fields of a commit the timeline reads (CommitRecord has them). */
export interface TimelineCommit {
  readonly lane: number
  readonly updateMs: number
  readonly viewMs: number
  readonly diffMs: number
  readonly encodeMs: number
  readonly applyMs: number
}

export interface TimelineOptions {
  /** A commit whose phases add up to more is slow (marked). Default 16. */
  readonly budgetMs?: number
  /** Horizontal pixels per commit. Default 16. */
  readonly slotWidth?: number
  /** Bar width, at most slotWidth. Default 12. */
  readonly barWidth?: number
  /** Height of a lane's row. Default 40. */
  readonly rowHeight?: number
}

export interface TimelineRow {
  readonly lane: number
  readonly top: number
  readonly height: number
}

export interface TimelineSegment {
  readonly phase: Phase
  /** From the row's top. */
  readonly top: number
  readonly height: number
  readonly ms: number
}

export interface TimelineBar {
  /** Index of the commit in the list given. */
  readonly index: number
  readonly lane: number
  readonly left: number
  readonly top: number
  readonly width: number
  readonly height: number
  readonly totalMs: number
  readonly slow: boolean
  /** Bottom up: update, view, diff, encode, apply (phases of 0 ms left out). Tops are absolute. */
  readonly segments: readonly TimelineSegment[]
}

export interface TimelineLayout {
  readonly rows: readonly TimelineRow[]
  readonly bars: readonly TimelineBar[]
  readonly width: number
  readonly height: number
  /** The time a full row height stands for: the slowest commit, or the budget if higher. */
  readonly scaleMs: number
  /** Distance of the budget line from each row's top. */
  readonly budgetTop: number
}

export function totalMs(commit: TimelineCommit): number {
  return commit.updateMs + commit.viewMs + commit.diffMs + commit.encodeMs + commit.applyMs
}

export function layoutTimeline(commits: readonly TimelineCommit[], options: TimelineOptions = {}): TimelineLayout {
  const budgetMs = options.budgetMs ?? 16
  const slotWidth = options.slotWidth ?? 16
  const barWidth = Math.min(options.barWidth ?? 12, slotWidth)
  const rowHeight = options.rowHeight ?? 40
  // 2 px of air above the tallest bar; bars of a few µs still show as 1 px.
  const usable = rowHeight - 2
  const lanes = [...new Set(commits.map((commit) => commit.lane))].sort((a, b) => a - b)
  const rows = lanes.map((lane, i): TimelineRow => ({ lane, top: i * rowHeight, height: rowHeight }))
  const rowOf = new Map(rows.map((row) => [row.lane, row]))
  let scaleMs = budgetMs
  for (const commit of commits) scaleMs = Math.max(scaleMs, totalMs(commit))
  const px = (ms: number): number => (ms / scaleMs) * usable
  const bars = commits.map((commit, index): TimelineBar => {
    const row = rowOf.get(commit.lane) as TimelineRow
    const total = totalMs(commit)
    const height = Math.max(1, px(total))
    const bottom = row.top + rowHeight
    const segments: TimelineSegment[] = []
    let below = 0
    for (const phase of PHASES) {
      const ms = commit[phase]
      if (ms <= 0) continue
      const h = px(ms)
      segments.push({ phase, top: bottom - below - h, height: h, ms })
      below += h
    }
    return { index, lane: commit.lane, left: index * slotWidth, top: bottom - height, width: barWidth, height, totalMs: total, slow: total > budgetMs, segments }
  })
  return {
    rows,
    bars,
    width: commits.length * slotWidth,
    height: rows.length * rowHeight,
    scaleMs,
    budgetTop: rowHeight - px(budgetMs)
  }
}
