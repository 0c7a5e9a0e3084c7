import type { Page } from "playwright-core"
import { beforeAll, expect, it } from "vitest"
import { describeBrowser, useBrowserSuite } from "./_chromium.ts"

/**
 * Lanes in a real browser: 10,000 rows re-render back to back in the Transition lane
 * (examples/lanes) while the user types. Every keystroke must reach the rendered echo,
 * in order, and the Transition renders must still finish.
 */
interface LanesWindow {
  lanesDemo: { run(ticks: number): Promise<void>; commits: Array<{ laneName: string; slices: number; interruptions: number; messages: number }> }
  echoes: string[]
}

describeBrowser("lanes under load in Chromium", () => {
  const browser = useBrowserSuite()
  let page: Page

  beforeAll(async () => {
    page = await browser.open("lanes/?lane=transition", "#text")
    await page.waitForFunction(() => document.querySelectorAll("tbody > tr").length === 10_000)
  })

  it("shows every keystroke in the echo, in order, while 10,000 rows re-render in the Transition lane", async () => {
    await page.evaluate(() => {
      const w = window as unknown as LanesWindow
      w.echoes = []
      const echo = document.getElementById("echo")!
      new MutationObserver(() => w.echoes.push(echo.textContent ?? "")).observe(echo, { childList: true, characterData: true, subtree: true })
    })
    const ticks = 12
    const running = page.evaluate((n) => (window as unknown as LanesWindow).lanesDemo.run(n), ticks)
    const typed = "shuttle keeps typing smooth"
    await page.locator("#text").focus()
    await page.keyboard.type(typed, { delay: 16 })
    await running
    await page.waitForFunction((text) => document.getElementById("echo")!.textContent === text, typed)

    expect(await page.inputValue("#text")).toBe(typed)
    expect(await page.textContent("#tick")).toBe(String(ticks))
    const echoes = await page.evaluate(() => (window as unknown as LanesWindow).echoes)
    // In order: each echo the DOM showed is a longer prefix of what was typed.
    for (let i = 0; i < echoes.length; i++) {
      expect(typed.startsWith(echoes[i]), `echo "${echoes[i]}" is a prefix of the typed text`).toBe(true)
      if (i > 0) expect(echoes[i].length).toBeGreaterThanOrEqual(echoes[i - 1].length)
    }
    expect(echoes[echoes.length - 1]).toBe(typed)
    // The last row shows the last tick: the grid is consistent with the final model.
    expect(await page.textContent("tbody > tr:last-child > td.value")).toBe(String((9_999 * 7 + ticks) % 1000))

    const commits = await page.evaluate(() => (window as unknown as LanesWindow).lanesDemo.commits)
    const transitions = commits.filter((c) => c.laneName === "transition")
    const syncs = commits.filter((c) => c.laneName === "sync")
    expect(transitions.length).toBeGreaterThanOrEqual(ticks)
    expect(syncs.length).toBeGreaterThan(0)
    // 10,000 rows take more than one 5 ms slice in the worker.
    expect(transitions.some((c) => c.slices > 1)).toBe(true)
  })
})
