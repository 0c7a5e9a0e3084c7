import { mkdirSync } from "node:fs"
import type { Page } from "playwright-core"
import { beforeAll, expect, it } from "vitest"
import { describeBrowser, useBrowserSuite } from "./_chromium.ts"

/**
 * The streaming demo (examples/stream) in Chromium through a real Worker: a Suspense
 * boundary around slow data and a lazy module, a live feed subscription, and a
 * 100,000-item stream revealed in chunks while the user types.
 */
const SHOTS = "test-results"

/** What the profile slot showed, in order: F (the fallback), P (the profile), FP (both: never). */
declare global {
  interface Window {
    profileStates?: string[]
  }
}

describeBrowser("Suspense and streams in Chromium", () => {
  const browser = useBrowserSuite()
  let page: Page

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    page = await browser.newPage()
    // Recorded in the page, on every DOM change from the start: the order of what the
    // profile slot showed does not depend on when the test looks (the data takes 1.2 s,
    // which a busy machine can spend before the test's first look).
    await page.addInitScript(() => {
      const states: string[] = []
      window.profileStates = states
      new MutationObserver(() => {
        const state = (document.getElementById("profile-fallback") !== null ? "F" : "") + (document.getElementById("profile") !== null ? "P" : "")
        if (state !== "" && state !== states[states.length - 1]) states.push(state)
      }).observe(document, { childList: true, subtree: true })
    })
    await page.goto(`${browser.suite.server.url}stream/`)
    await page.waitForSelector("#load")
  })

  it("shows the Suspense fallback, then the slow profile and the lazy chart together", async () => {
    if (await page.$("#profile-fallback") !== null) await page.screenshot({ path: `${SHOTS}/stream-before.png` })
    await page.waitForSelector("#profile")
    expect(await page.evaluate(() => window.profileStates)).toEqual(["F", "P"])
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
