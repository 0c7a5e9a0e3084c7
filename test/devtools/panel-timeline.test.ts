import { describe, expect, it } from "vitest"
import { layoutTimeline, totalMs, type TimelineCommit } from "../../workers/devtools/timeline.ts"

/** The profiler's timeline layout (workers/devtools/timeline.ts): rows per lane, bars in commit order, phases stacked. */

const commit = (lane: number, ms: Partial<Omit<TimelineCommit, "lane">> = {}): TimelineCommit => ({
  lane, updateMs: 0, viewMs: 0, diffMs: 0, encodeMs: 0, applyMs: 0, ...ms
})

describe("layoutTimeline", () => {
  it("one row per lane present, highest priority first; a slot per commit in order", () => {
    const commits = [commit(2, { diffMs: 1 }), commit(0, { diffMs: 2 }), commit(4, { diffMs: 1 }), commit(0, { diffMs: 1 })]
    const layout = layoutTimeline(commits, { slotWidth: 10, barWidth: 8, rowHeight: 30 })
    expect(layout.rows).toEqual([{ lane: 0, top: 0, height: 30 }, { lane: 2, top: 30, height: 30 }, { lane: 4, top: 60, height: 30 }])
    expect(layout.bars.map((b) => [b.index, b.lane, b.left, b.width])).toEqual([[0, 2, 0, 8], [1, 0, 10, 8], [2, 4, 20, 8], [3, 0, 30, 8]])
    expect(layout.width).toBe(40)
    expect(layout.height).toBe(90)
    // Every bar stands on the bottom of its row.
    for (const bar of layout.bars) {
      const row = layout.rows.find((r) => r.lane === bar.lane)
      expect(bar.top + bar.height).toBeCloseTo((row?.top ?? NaN) + 30)
    }
  })

  it("stacks the phases bottom up and scales to the slowest commit or the budget; marks slow commits", () => {
    const slow = commit(0, { updateMs: 2, viewMs: 4, diffMs: 20, encodeMs: 2, applyMs: 4 }) // 32 ms
    const fast = commit(0, { viewMs: 1, diffMs: 1 })
    const layout = layoutTimeline([slow, fast], { budgetMs: 16, rowHeight: 34 })
    expect(layout.scaleMs).toBe(32)
    const [a, b] = layout.bars
    expect(a.slow).toBe(true)
    expect(b.slow).toBe(false)
    expect(a.totalMs).toBe(totalMs(slow))
    expect(a.height).toBeCloseTo(32) // the usable height: rowHeight - 2
    expect(a.segments.map((s) => s.phase)).toEqual(["updateMs", "viewMs", "diffMs", "encodeMs", "applyMs"])
    // Contiguous, bottom up, filling the bar.
    let bottom = 34
    for (const segment of a.segments) {
      expect(segment.top + segment.height).toBeCloseTo(bottom)
      bottom = segment.top
    }
    expect(bottom).toBeCloseTo(a.top)
    expect(b.segments.map((s) => s.phase)).toEqual(["viewMs", "diffMs"])
    expect(layout.budgetTop).toBeCloseTo(34 - 16)
  })

  it("below the budget the scale is the budget, and a 0 ms commit is still 1 px tall", () => {
    const layout = layoutTimeline([commit(1), commit(1, { diffMs: 4 })], { budgetMs: 8, rowHeight: 18 })
    expect(layout.scaleMs).toBe(8)
    expect(layout.bars[0].height).toBe(1)
    expect(layout.bars[0].segments).toEqual([])
    expect(layout.bars[1].height).toBeCloseTo(8)
    expect(layoutTimeline([])).toMatchObject({ rows: [], bars: [], width: 0, height: 0 })
  })
})
