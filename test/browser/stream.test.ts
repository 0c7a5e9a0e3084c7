import { mkdirSync } from "node:fs"
import type { Page } from "playwright-core"
import { afterAll, afterEach, beforeAll, expect, it } from "vitest"
import { type BrowserSuite, describeBrowser, openBrowserSuite } from "./_chromium.ts"

/**
 * The streaming demo (examples/stream) in Chromium through a real Worker: a Suspense
 * boundary around slow data and a lazy module, a live feed subscription, and a
 * 100,000-item stream revealed in chunks while the user types.
 */
const SHOTS = "test-results"

describeBrowser("Suspense and streams in Chromium", () => {
  let suite: BrowserSuite
  let page: Page

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    suite = await openBrowserSuite()
    page = await suite.open("stream", "#load")
  })

  afterAll(async () => {
    await page?.close()
    await suite?.close()
  })

  afterEach(() => {
    expect(suite.errors.splice(0)).toEqual([])
  })

  it("shows the Suspense fallback, then the slow profile and the lazy chart together", async () => {
    await page.waitForSelector("#profile-fallback")
    expect(await page.$("#profile")).toBeNull()
    await page.screenshot({ path: `${SHOTS}/stream-before.png` })
    await page.waitForSelector("#profile")
    expect(await page.textContent("#profile")).toBe("Ada Lovelace, Analyst")
    expect(await page.$("#sparkline path")).not.toBeNull()
    expect(await page.$("#profile-fallback")).toBeNull()
  })

  it("renders a live feed from a stream subscription", async () => {
    await page.waitForFunction(() => Number(document.getElementById("feed-count")!.textContent) >= 3)
    const items = await page.$$eval("#feed > li", (list) => list.map((li) => li.textContent))
    expect(items[0]).toMatch(/^update #\d+$/)
    const numbers = items.map((item) => Number(item!.slice("update #".length)))
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe(numbers[i - 1] - 1)
  })

  it("reveals 100,000 streamed items complete and in order, in chunks, while typing stays exact", async () => {
    const commitsBefore = await page.evaluate(() => window.streamDemo!.commits.length)
    await page.click("#load")
    await page.locator("#text").focus()
    const typed = "streaming keeps up"
    await page.keyboard.type(typed, { delay: 16 })
    // Generous: a busy 2-core machine can be several times slower than a quiet one.
    await page.waitForFunction(() => document.getElementById("shown")!.textContent === "100000", undefined, { timeout: 200_000 })
    await page.waitForFunction((text) => document.getElementById("echo")!.textContent === text, typed)
    expect(await page.inputValue("#text")).toBe(typed)
    const check = await page.evaluate(() => {
      const items = document.querySelectorAll("#list li")
      let ordered = true
      for (let i = 0; i < items.length; i++) if (items[i].textContent !== `item ${i}`) ordered = false
      return { count: items.length, ordered }
    })
    expect(check).toEqual({ count: 100_000, ordered: true })
    const chunkCommits = await page.evaluate((from) => window.streamDemo!.commits.slice(from).filter((c) => c.patchBytes > 20_000).map((c) => c.messages), commitsBefore)
    // Bounded chunks: each subscription hands over 2 messages (chunks of 1,000, or feed
    // updates), then pauses until the page grants a credit; the one commit the credit
    // pays for may catch a second round that was handed over as the credit arrived, so no
    // commit carries more than 2 rounds × 2 subscriptions × 2 messages.
    expect(Math.max(...chunkCommits)).toBeLessThanOrEqual(8)
    expect(chunkCommits.length).toBeGreaterThanOrEqual(20)
    await page.screenshot({ path: `${SHOTS}/stream-after.png` })
  }, 240_000)
})
