import type { Page } from "playwright-core"
import { expect, it } from "vitest"
import { describeBrowser, useBrowserSuite } from "./_chromium.ts"

/**
 * Errors that name the fix, with real Workers (examples/faults): a worker module that
 * loads but never calls runProgram fails as NoProgram after `mountTimeoutMs` instead of
 * leaving `ready` and every flush pending forever; a script that 404s is named in the
 * MountFailed text with its likely causes.
 */
interface FaultsWindow {
  faults: {
    root: { flush(): Promise<void>; ready: Promise<void>; dispatch(msg: unknown): void }
    workers: unknown[]
    errors: Array<{ kind: string; message: string }>
  }
}

describeBrowser("errors that name the fix, in Chromium", () => {
  const browser = useBrowserSuite({ pagesPerTest: true })

  const open = async (query: string): Promise<Page> => {
    const page = await browser.newPage()
    await page.goto(`${browser.suite.server.url}faults/${query}`)
    return page
  }

  it("a worker module that never calls runProgram: ready, flush and onError get NoProgram naming runProgram, the error state shows, no restart", async () => {
    const page = await open("?worker=no-program&mountTimeoutMs=300")
    await page.waitForSelector("[role=alert]")
    const state = await page.evaluate(async () => {
      const f = (window as unknown as FaultsWindow).faults
      const settle = (promise: Promise<void>) => promise.then(() => "resolved", (error: { kind?: string }) => `rejected: ${error.kind}`)
      let dispatch = "returned"
      try {
        f.root.dispatch({ type: "inc" })
      } catch (error) {
        dispatch = `threw: ${(error as { kind?: string }).kind}`
      }
      return {
        ready: await settle(f.root.ready),
        flush: await settle(f.root.flush()),
        dispatch,
        errors: f.errors.map((e) => ({ kind: e.kind, message: e.message })),
        alert: document.querySelector("[role=alert]")!.textContent,
        kind: document.querySelector("[role=alert]")!.getAttribute("data-shuttle-error"),
        workers: f.workers.length,
        loading: document.querySelector(".loading") !== null
      }
    })
    expect(state.ready).toBe("rejected: NoProgram")
    expect(state.flush).toBe("rejected: NoProgram")
    expect(state.dispatch).toBe("threw: NoProgram")
    expect(state.errors.map((e) => e.kind)).toEqual(["NoProgram"])
    expect(state.errors[0].message).toContain("the worker module did not call runProgram(...)")
    expect(state.errors[0].message).toContain("mountTimeoutMs")
    expect(state.alert).toContain("This app stopped.")
    expect(state.alert).toContain("runProgram")
    expect(state.kind).toBe("NoProgram")
    expect(state.workers).toBe(1)
    expect(state.loading).toBe(false)
    expect(browser.suite.errors.splice(0)).toEqual([])
  })

  it("a worker script that 404s: MountFailed names the script's URL and the likely causes", async () => {
    const page = await open("?worker=missing")
    await page.waitForSelector("[role=alert]")
    const state = await page.evaluate(() => {
      const f = (window as unknown as FaultsWindow).faults
      return { errors: f.errors.map((e) => ({ kind: e.kind, message: e.message })), alert: document.querySelector("[role=alert]")!.textContent }
    })
    expect(state.errors.map((e) => e.kind)).toEqual(["MountFailed"])
    const message = state.errors[0].message
    expect(message).toContain(`its script ${browser.suite.server.url}faults/missing.worker.js could not be loaded or run`)
    expect(message).toContain("404")
    expect(message).toContain('{ type: "module" }')
    expect(state.alert).toContain("missing.worker.js")
    // The browser may report the 404 itself ("Failed to load resource"): expected here, and nothing else.
    for (const line of browser.suite.errors.splice(0)) expect(line).toMatch(/404/)
  })
})
