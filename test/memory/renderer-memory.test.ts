import { describe, expect, it } from "vitest"
import { LANE_DEFAULT } from "../../protocol/lanes.ts"
import { Renderer } from "../../workers/diff/renderer.ts"
import { makeRows, tableView } from "../../bench/micro/jfb-rows.ts"
import { fullGc } from "../_util/gc.ts"

/**
 * The worker side of a long-running app: 13 cycles of create 1,000 rows / clear. Node
 * ids, strings and pooled buffers return to their baseline, and the heap after a full GC
 * at cycle 13 is within 5% of cycle 1 (TESTING.md, Memory).
 */
describe("renderer memory", () => {
  it("tables and heap return to baseline over 13 create/clear cycles", async () => {
    const renderer = new Renderer(1)
    let commit = 0
    const render = (rows: ReturnType<typeof makeRows>) => {
      const buffer = renderer.render(() => tableView(rows, 0), LANE_DEFAULT, 0)
      if (buffer === null) return
      commit++
      // As the main thread does: apply, then give the buffer back.
      renderer.acknowledge(commit, buffer)
      // As the worker does once idle: its string upkeep.
      renderer.sweepStrings()
    }
    render([])
    const baseline = renderer.tableSizes
    const heaps: number[] = []
    const sizes: Array<typeof baseline> = []
    for (let cycle = 1; cycle <= 13; cycle++) {
      render(makeRows(1000, cycle * 1000, cycle))
      expect(renderer.tableSizes.liveNodes).toBe(baseline.liveNodes + 10_000)
      render([])
      sizes.push(renderer.tableSizes)
      await fullGc()
      heaps.push(process.memoryUsage().heapUsed)
    }
    for (const size of sizes) {
      expect(size.liveNodes).toBe(baseline.liveNodes)
      expect(size.waitingIds).toBe(0)
      expect(size.strings).toBeLessThanOrEqual(baseline.strings + 16)
      expect(size.pooledBuffers).toBeLessThanOrEqual(8)
    }
    expect(Math.abs(heaps[12] - heaps[0]) / heaps[0]).toBeLessThan(0.05)
  })
})
