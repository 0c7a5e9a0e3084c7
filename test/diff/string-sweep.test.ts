import { describe, expect, it } from "vitest"
import { LANE_DEFAULT } from "../../protocol/lanes.ts"
import { decodePatch } from "../../protocol/patch-reader.ts"
import { Renderer } from "../../workers/diff/renderer.ts"
import { h } from "../../workers/h.ts"

/**
 * When the string table sweeps (workers/diff/string-table.ts): never for a commit that only
 * adds (every string in the table is still used), and often enough that replacing texts or
 * props and removing nodes keep the table within twice what the view uses (plus the
 * 1,024 strings below which it never sweeps).
 */
const rows = (from: number, count: number, suffix: string) =>
  h("ul", null, Array.from({ length: count }, (_, i) => h("li", { key: from + i, title: `t${from + i}${suffix}` }, `row ${from + i}${suffix}`)))

/** Renders and returns how many strings the commit freed (FREE_STRINGS). */
function render(renderer: Renderer, view: () => ReturnType<typeof h>): number {
  const buffer = renderer.render(view, LANE_DEFAULT, 0)
  if (buffer === null) return 0
  renderer.acknowledge(renderer.lastCommitId, null)
  return decodePatch(buffer).ops.filter((op) => op.op === "FREE_STRINGS").reduce((n, op) => n + op.operands.length, 0)
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

  it("removing most rows frees their strings in that commit", () => {
    const renderer = new Renderer(1)
    render(renderer, () => rows(0, 2000, ""))
    const freed = render(renderer, () => rows(0, 10, ""))
    expect(freed).toBeGreaterThanOrEqual(2 * 1990)
    expect(renderer.tableSizes.strings).toBeLessThan(1100)
  })
})
