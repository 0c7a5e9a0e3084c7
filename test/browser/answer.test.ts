import { afterAll, beforeAll, expect, it } from "vitest"
import { describeBrowser, useBrowserSuite } from "./_chromium.ts"
import type { ExampleServer } from "../../examples/serve.mjs"
import { startIsolatedServer } from "./_commit-probe.ts"

/**
 * A discrete event's answer within the event (lane option `answerWaitMs`, docs/lanes.md):
 * on a cross-origin isolated page the delegated handler waits for the worker's answer in
 * the commit ring and applies it before returning, so a click shows in the next frame, as a
 * handler that changed the DOM itself would; by default for text entry, and for the event
 * types `answerWaitEvents` lists. Proven from inside the page: right after
 * `dispatchEvent` or `element.click()` returns, the DOM already shows the answer. The wait
 * is raised to 2 s here so a loaded machine cannot make the test flaky; its default is 4 ms.
 * A discrete event that does not wait in its handler (a click, by default) has the first
 * frame after it wait instead, once, so its answer is painted in that frame.
 */
describeBrowser("a click's answer applied within the click (commit ring)", () => {
  const browser = useBrowserSuite({ pagesPerTest: true })
  let server: ExampleServer

  beforeAll(async () => {
    server = await startIsolatedServer()
  })

  afterAll(async () => {
    await server?.close()
  })

  async function openTable(query: string) {
    const page = await browser.newPage()
    await page.goto(`${server.url}table/${query}`)
    await page.waitForSelector("#run")
    await page.click("#run")
    await page.waitForFunction(() => document.querySelectorAll("tbody > tr").length === 1000)
    return page
  }

  /** Clicks row `n`'s label from inside the page and says what the row shows right after the click returns. */
  const clickAndRead = (n: number) => {
    const row = document.querySelector(`tbody > tr:nth-child(${n})`)!
    row.querySelector<HTMLElement>("a.lbl")!.click()
    return { isolated: crossOriginIsolated, className: row.className }
  }

  it("isolated, text entry (waits by default): after an input event's dispatch returns, the filtered table is on screen", async () => {
    const page = await openTable("")
    await page.evaluate(() => window.shuttleRoot!.setLanes({ answerWaitMs: 2000 }))
    const status = await page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>("#filter")!
      input.focus()
      input.value = "no label has this"
      input.dispatchEvent(new Event("input", { bubbles: true }))
      return { isolated: crossOriginIsolated, status: document.getElementById("status")!.textContent, rows: document.querySelectorAll("tbody > tr").length }
    })
    expect(status).toEqual({ isolated: true, status: "0 of 1000 rows", rows: 0 })
    // Clicks are not in the default list: they do not wait in the handler (the first frame
    // after them does, see below); the answer comes.
    await page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>("#filter")!
      input.value = ""
      input.dispatchEvent(new Event("input", { bubbles: true }))
      document.querySelector("tbody > tr:nth-child(2)")!.querySelector<HTMLElement>("a.lbl")!.click()
    })
    await page.waitForFunction(() => document.querySelector("tbody > tr:nth-child(2)")!.className === "danger")
  })

  it("isolated, clicks added to answerWaitEvents: after click() returns, the selected row already has its class; with answerWaitMs 0 it comes later", async () => {
    const page = await openTable("")
    await page.evaluate(() => window.shuttleRoot!.setLanes({ answerWaitMs: 2000, answerWaitEvents: ["click"] }))
    for (const n of [3, 10, 500]) {
      const seen = await page.evaluate(clickAndRead, n)
      expect(seen).toEqual({ isolated: true, className: "danger" })
    }
    // Removing a row: its answer too is in the DOM when click() returns.
    const removed = await page.evaluate(() => {
      const before = document.querySelectorAll("tbody > tr").length
      document.querySelector<HTMLElement>("tbody > tr:nth-child(7) a.remove")!.click()
      return before - document.querySelectorAll("tbody > tr").length
    })
    expect(removed).toBe(1)

    // Not waiting: the answer is applied when it comes (at an event, a frame or a message).
    await page.evaluate(() => window.shuttleRoot!.setLanes({ answerWaitMs: 0 }))
    await page.evaluate(clickAndRead, 20)
    await page.waitForFunction(() => document.querySelector("tbody > tr:nth-child(20)")!.className === "danger")
    expect(await page.evaluate(() => document.querySelectorAll("tr.danger").length)).toBe(1)
  })

  it("isolated, a click not in answerWaitEvents: the first frame after it shows the answer (that frame waits for it)", async () => {
    const page = await openTable("")
    await page.evaluate(() => window.shuttleRoot!.setLanes({ answerWaitMs: 2000 }))
    for (const n of [3, 10, 500]) {
      const seen = await page.evaluate((n) => {
        const row = document.querySelector(`tbody > tr:nth-child(${n})`)!
        row.querySelector<HTMLElement>("a.lbl")!.click()
        return new Promise<string>((resolve) => requestAnimationFrame(() => resolve(row.className)))
      }, n)
      // (Right after click() returns the row may already show it: a warm worker can answer
      // while postMessage and the handler are still running, and the handler drains the ring.)
      expect(seen).toBe("danger")
    }
  })

  it("not isolated (no ring): nothing waits in the click, and the answer still comes", async () => {
    const page = await openTable("?isolation=off")
    await page.evaluate(() => window.shuttleRoot!.setLanes({ answerWaitMs: 2000, answerWaitEvents: ["click"] }))
    const started = await page.evaluate(() => {
      const row = document.querySelector("tbody > tr:nth-child(4)")!
      row.querySelector<HTMLElement>("a.lbl")!.click()
      return { isolated: crossOriginIsolated, className: row.className }
    })
    expect(started.isolated).toBe(false)
    // The answer comes by message, which no handler can wait for: the click returned without it.
    expect(started.className).toBe("")
    await page.waitForFunction(() => document.querySelector("tbody > tr:nth-child(4)")!.className === "danger")
  })
})
