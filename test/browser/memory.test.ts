import type { CDPSession, Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { describeBrowser, useBrowserSuite } from "./_chromium.ts"

/**
 * Main-thread memory in Chromium (TESTING.md, Memory): 20 cycles of create 1,000 rows /
 * clear, and 20 cycles of mounting and unmounting a whole root. After a forced GC, DOM
 * nodes and event listeners are back to their baseline (taken after warm-up cycles) and
 * the JS heap is within 5% of where the first measured cycle left it.
 */
interface Counters {
  readonly nodes: number
  readonly listeners: number
  readonly heap: number
}

describeBrowser("main-thread memory in Chromium", () => {
  const browser = useBrowserSuite()
  let page: Page
  let cdp: CDPSession

  const measure = async (): Promise<Counters> => {
    for (let i = 0; i < 3; i++) await cdp.send("HeapProfiler.collectGarbage")
    const dom = await cdp.send("Memory.getDOMCounters")
    const heap = await cdp.send("Runtime.getHeapUsage")
    return { nodes: dom.nodes, listeners: dom.jsEventListeners, heap: heap.usedSize }
  }

  beforeAll(async () => {
    page = await browser.open("table", "#run")
    cdp = await page.context().newCDPSession(page)
    await cdp.send("HeapProfiler.enable")
  })

  afterAll(async () => {
    await cdp?.detach().catch(() => undefined)
  })

  it("20 create/clear cycles: DOM nodes and listeners back to baseline, heap within 5%", async () => {
    const cycle = async () => {
      await page.click("#run")
      await page.waitForFunction(() => document.querySelectorAll("tbody > tr").length === 1000)
      await page.click("#clear")
      await page.waitForFunction(() => document.querySelectorAll("tbody > tr").length === 0)
      await page.evaluate(() => window.shuttleRoot!.flush())
    }
    // Five warm-up cycles first: the page's own first-use allocations (status text nodes,
    // compiled code, caches) are not a leak (measured: +100 kB over cycles 1–10, then
    // +60 kB over cycles 20–60, flat over the last 10).
    for (let i = 0; i < 5; i++) await cycle()
    const baseline = await measure()
    const after: Counters[] = []
    for (let i = 0; i < 20; i++) {
      await cycle()
      after.push(await measure())
    }
    console.log(`memory ${expect.getState().currentTestName}: baseline ${JSON.stringify(baseline)}, cycle 1 ${JSON.stringify(after[0])}, cycle 20 ${JSON.stringify(after[19])}`)
    expect(after[19].nodes).toBe(baseline.nodes)
    expect(after[19].listeners).toBe(baseline.listeners)
    expect(Math.abs(after[19].heap - after[0].heap) / after[0].heap).toBeLessThan(0.05)
  })

  it("20 mount/unmount cycles of a root: DOM nodes and listeners back to baseline, heap within 5%", async () => {
    const cycle = () =>
      page.evaluate(async () => {
        const host = document.createElement("div")
        document.body.appendChild(host)
        const root = window.shuttleCreateRoot!(host, new Worker("./app.worker.js", { type: "module" }))
        await root.flush()
        root.dispatch({ type: "run" })
        await root.flush()
        if (host.querySelectorAll("tbody > tr").length !== 1000) throw new Error("the extra root did not render its rows")
        await root.unmount()
        host.remove()
      })
    // Ten warm-up cycles: a root's first mounts grow the heap by compiled code and caches
    // (measured: +200 kB over cycles 1–10, then +36 kB over cycles 20–80, about 0.6 kB a
    // cycle), which is not a leak; a leak keeps growing, and 5% over the next 20 cycles is
    // about 6 kB a cycle.
    for (let i = 0; i < 10; i++) await cycle()
    const baseline = await measure()
    const after: Counters[] = []
    for (let i = 0; i < 20; i++) {
      await cycle()
      after.push(await measure())
    }
    console.log(`memory ${expect.getState().currentTestName}: baseline ${JSON.stringify(baseline)}, cycle 1 ${JSON.stringify(after[0])}, cycle 20 ${JSON.stringify(after[19])}`)
    expect(after[19].nodes).toBe(baseline.nodes)
    expect(after[19].listeners).toBe(baseline.listeners)
    expect(Math.abs(after[19].heap - after[0].heap) / after[0].heap).toBeLessThan(0.05)
  })
})
