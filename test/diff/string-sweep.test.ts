import { describe, expect, it } from "vitest"
import { LANE_DEFAULT } from "../../protocol/lanes.ts"
import { decodePatch } from "../../protocol/patch-reader.ts"
import { Renderer } from "../../workers/diff/renderer.ts"
import { h } from "../../workers/h.ts"

/**
 * When the string table sweeps (workers/diff/string-table.ts): only while the worker is
 * idle (`sweepStrings`, never inside a commit), never after a commit that only adds (every
 * string in the table is still used), and often enough that replacing texts or props and
 * removing nodes keep the table within twice what the view uses (plus the 1,024 strings
 * below which it never sweeps). The ids a sweep frees reach the main thread with the next
 * commit, and no string of that commit reuses them.
 */
const rows = (from: number, count: number, suffix: string) =>
  h("ul", null, Array.from({ length: count }, (_, i) => h("li", { key: from + i, title: `t${from + i}${suffix}` }, `row ${from + i}${suffix}`)))

/** Renders and returns the ids the commit freed (FREE_STRINGS) and the ids it defined. */
function commit(renderer: Renderer, view: () => ReturnType<typeof h>): { freed: number[]; defined: number[] } {
  const buffer = renderer.render(view, LANE_DEFAULT, 0)
  if (buffer === null) return { freed: [], defined: [] }
  renderer.acknowledge(renderer.lastCommitId, null)
  const patch = decodePatch(buffer)
  return { freed: patch.ops.filter((op) => op.op === "FREE_STRINGS").flatMap((op) => [...op.operands]), defined: patch.strings.map(([id]) => id) }
}

/** Renders, then idles as the worker does (its sweep); returns how many strings the commit freed. */
function render(renderer: Renderer, view: () => ReturnType<typeof h>): number {
  const freed = commit(renderer, view).freed.length
  renderer.sweepStrings()
  return freed
}

describe("string table sweeps", () => {
  it("a commit that only adds rows does not sweep, however much the table grew", () => {
    const renderer = new Renderer(1)
    expect(render(renderer, () => rows(0, 10, ""))).toBe(0)
    // 2,000 rows, 4,000 new strings: far past twice the table, nothing was dropped.
    expect(render(renderer, () => rows(0, 2000, ""))).toBe(0)
    expect(renderer.tableSizes.strings).toBeGreaterThan(4000)
  })

  it("replacing every text and title again and again keeps the table within twice what the view uses", () => {
    const renderer = new Renderer(1)
    render(renderer, () => rows(0, 1000, ""))
    const inUse = renderer.tableSizes.strings
    let freed = 0
    for (let round = 1; round <= 20; round++) {
      freed += render(renderer, () => rows(0, 1000, `/${round}`))
      expect(renderer.tableSizes.strings).toBeLessThanOrEqual(2 * inUse + 1024 + 2000)
    }
    expect(freed).toBeGreaterThan(0)
  })

  it("removing most rows: the idle sweep after that commit forgets their strings, the next commit frees them", () => {
    const renderer = new Renderer(1)
    render(renderer, () => rows(0, 2000, ""))
    const removal = commit(renderer, () => rows(0, 10, ""))
    // Not inside the commit: it is on the way to the screen before any upkeep.
    expect(removal.freed).toEqual([])
    expect(renderer.sweepStrings()).toBeGreaterThanOrEqual(2 * 1990)
    expect(renderer.tableSizes.strings).toBeLessThan(1100)
    // Idle again: nothing more to sweep.
    expect(renderer.sweepStrings()).toBe(0)
    // The next commit frees them on the main thread; its new strings take other ids.
    const next = commit(renderer, () => rows(5000, 10, ""))
    expect(next.freed.length).toBeGreaterThanOrEqual(2 * 1990)
    expect(next.defined.length).toBeGreaterThan(0)
    expect(next.defined.filter((id) => next.freed.includes(id))).toEqual([])
    // The commit after that may reuse them.
    const later = commit(renderer, () => rows(9000, 10, ""))
    expect(later.freed).toEqual([])
    expect(later.defined.some((id) => next.freed.includes(id))).toBe(true)
  })

  it("a commit that throws keeps the swept ids for the next one", () => {
    const renderer = new Renderer(1)
    render(renderer, () => rows(0, 2000, ""))
    commit(renderer, () => rows(0, 10, ""))
    const swept = renderer.sweepStrings()
    expect(() => renderer.render(() => { throw new Error("view failed") }, LANE_DEFAULT, 0)).toThrow("view failed")
    expect(commit(renderer, () => rows(5000, 10, "")).freed.length).toBe(swept)
  })
})
