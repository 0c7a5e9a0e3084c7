import type { Page } from "playwright-core"
import { afterAll, afterEach, beforeAll, expect, it } from "vitest"
import { type BrowserSuite, describeBrowser, openBrowserSuite } from "./_chromium.ts"
import type { ExampleServer } from "../../examples/serve.mjs"
import { installCommitProbe, RING_WORDS, startIsolatedServer } from "./_commit-probe.ts"

/**
 * Faults with real Workers (examples/faults): a worker terminated while a counter streams
 * and a 5,000-row list re-renders is restarted from its last snapshot, with nothing
 * acknowledged lost; a worker whose script 404s, or that throws at start, shows the error
 * state at once; the placeholder shows until the first commit.
 */
interface Counters {
  readonly direct: number
  readonly via: number
  readonly tick: number
}

interface FaultsWindow {
  faults: {
    root: { dispatch(msg: unknown, options?: { lane?: string }): void; flush(): Promise<void>; stats: { restarts: number; commits: number; journalLength: number } }
    workers: unknown[]
    errors: Array<{ kind: string; message: string }>
    sent: { direct: number; incLater: number; ticks: number }
    stream(ms: number, perFrame?: number): Promise<void>
    crash(): Counters
    counters(): Counters
    freshRender(model: Counters): Promise<string>
  }
}

/** What a crash test's page reports after the restart. */
interface RecoveryRun {
  readonly outcomes: { readonly before: readonly string[] }
  readonly errors: readonly string[]
  readonly workers: number
  readonly restarts: number
  readonly acknowledged: Counters
  readonly journalAtCrash: number
  readonly after: Counters
  readonly sent: { readonly direct: number; readonly incLater: number; readonly ticks: number }
  readonly rows: number
  readonly domIsFresh: boolean
}

/** The recovery guarantees (README, "Crashes and recovery") after one crash and one restart. */
function expectRecovered(run: RecoveryRun): void {
  for (const outcome of run.outcomes.before) expect(["resolved", "rejected: WorkerCrashed"]).toContain(outcome)
  expect(run.errors).toEqual(["WorkerCrashed"])
  expect(run.workers).toBe(2)
  expect(run.restarts).toBe(1)
  // The crash came mid-stream: the journal held messages after the last snapshot.
  expect(run.acknowledged.direct).toBeGreaterThan(0)
  expect(run.journalAtCrash).toBeGreaterThan(0)
  // No acknowledged message lost; every dispatch, including those in flight and those sent while no worker ran, is folded once.
  expect(run.after.direct).toBe(run.sent.direct)
  expect(run.after.tick).toBe(run.sent.ticks)
  expect(run.after.via).toBeGreaterThanOrEqual(run.acknowledged.via)
  expect(run.after.via).toBeLessThanOrEqual(run.sent.incLater)
  expect(run.rows).toBe(5_000)
  expect(run.domIsFresh).toBe(true)
}

describeBrowser("faults in Chromium", () => {
  let suite: BrowserSuite
  /** Cross-origin isolated whatever SHUTTLE_ISOLATION says: the crash tests are about the commit ring. */
  let isolated: ExampleServer
  const pages: Page[] = []

  beforeAll(async () => {
    suite = await openBrowserSuite()
    isolated = await startIsolatedServer()
  })

  afterAll(async () => {
    await isolated?.close()
    await suite?.close()
  })

  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close()
    expect(suite.errors.splice(0)).toEqual([])
  })

  /** Opens the faults demo; `probe`: with the commit probe (./_commit-probe.ts) installed first, served isolated. */
  const open = async (query: string, probe = false): Promise<Page> => {
    const page = await suite.context.newPage()
    pages.push(page)
    if (probe) await page.addInitScript(installCommitProbe)
    await page.goto(`${probe ? isolated.url : suite.server.url}faults/${query}`)
    return page
  }

  it("a worker terminated mid-stream: pending flushes reject before a 1 s deadline, the app restarts from its snapshot, no acknowledged message is lost, and the DOM is a fresh render of the restored model", async () => {
    const page = await open("", true)
    await page.waitForFunction(() => document.querySelectorAll("#rows > li").length === 5_000)
    const run = await page.evaluate(async () => {
      const f = (window as unknown as FaultsWindow).faults
      const probe = window.__commitProbe!
      const streaming = f.stream(2000)
      // Let commits, journal posts and snapshots flow first, the list re-render a few times.
      await new Promise((resolve) => setTimeout(resolve, 600))
      while (f.counters().tick < 2) await new Promise((resolve) => setTimeout(resolve, 10))
      // Flushes waiting on the worker when it dies: none may hang. Those asked for before
      // terminate() may still be answered (Chromium lets the worker finish the task it is
      // in); those asked for after it, before the page has noticed, cannot be, and must fail.
      f.root.dispatch({ type: "tick" }, { lane: "transition" })
      f.sent.ticks++
      const deadline = (flush: Promise<void>) =>
        Promise.race([
          flush.then(() => "resolved", (error: { kind?: string }) => `rejected: ${error.kind}`),
          new Promise<string>((resolve) => setTimeout(() => resolve("still pending at the 1 s deadline"), 1000))
        ])
      const askedBefore = [deadline(f.root.flush()), deadline(f.root.flush())]
      const doorbellsAtCrash = probe.log.filter((e) => e.k === "doorbell").length
      const acknowledged = f.crash()
      const askedAfter = [deadline(f.root.flush()), deadline(f.root.flush())]
      const outcomes = { before: await Promise.all(askedBefore), after: await Promise.all(askedAfter) }
      const journalAtCrash = f.root.stats.journalLength
      await streaming
      await f.root.flush()
      // The commands' results (incDone) are dispatched after the commit that ran them.
      await f.root.flush()
      const after = f.counters()
      const html = document.getElementById("app")!.innerHTML
      const fresh = await f.freshRender(after)
      return {
        outcomes,
        acknowledged,
        journalAtCrash,
        after,
        sent: { ...f.sent },
        domIsFresh: html === fresh,
        rows: document.querySelectorAll("#rows > li").length,
        restarts: f.root.stats.restarts,
        workers: f.workers.length,
        errors: f.errors.map((e) => e.kind),
        isolated: crossOriginIsolated,
        doorbellsAtCrash
      }
    })

    // The demo is served cross-origin isolated: the worker that crashed was sending its commits through the ring.
    expect(run.isolated).toBe(true)
    expect(run.doorbellsAtCrash).toBeGreaterThan(0)
    expect(run.outcomes.after).toEqual(["rejected: WorkerCrashed", "rejected: WorkerCrashed"])
    expectRecovered(run)
    expect(run.acknowledged.tick).toBeGreaterThan(0)

    // The recovered app is interactive: a click goes through the new worker.
    await page.click("#inc")
    await page.waitForFunction((n) => document.getElementById("direct")!.textContent === String(n), run.sent.direct + 1)
  })

  it("a worker terminated with commits waiting in the commit ring: the restarted worker gets a new ring, no acknowledged message is lost, and the DOM is a fresh render of the restored model", async () => {
    const page = await open("", true)
    await page.waitForFunction(() => document.querySelectorAll("#rows > li").length === 5_000)
    const run = await page.evaluate(async (R) => {
      const f = (window as unknown as FaultsWindow).faults
      const probe = window.__commitProbe!
      const streaming = f.stream(2000)
      await new Promise((resolve) => setTimeout(resolve, 600))
      while (f.counters().tick < 2) await new Promise((resolve) => setTimeout(resolve, 10))
      const doorbellsBefore = probe.log.filter((e) => e.k === "doorbell").length
      const rings = probe.rings.length
      // The running worker's ring (docs/commit-ring.md, "Layout"): whole entries from ReadPos on.
      const words = new Uint32Array(probe.rings[rings - 1])
      const waiting = (): number => {
        const capacity = words[R.capacity]
        let at = Atomics.load(words, R.readPos)
        let entries = 0
        for (let guard = 0; guard <= capacity; guard++) {
          const ready = Atomics.load(words, R.data + at)
          if (ready === 0) break
          if (ready === R.skip) {
            at = 0
            continue
          }
          entries++
          at += ready
          if (at >= capacity) at = 0
        }
        return entries
      }
      // This thread stops draining the ring: while it spins, no event, frame or message of
      // the page runs. The worker renders a Sync message at once (no credit needed) and
      // writes the commit into the ring; the crash comes with it there, unread.
      f.root.dispatch({ type: "inc" }, { lane: "sync" })
      f.sent.direct++
      const until = performance.now() + 10_000
      let entriesAtCrash = waiting()
      while (entriesAtCrash === 0 && performance.now() < until) entriesAtCrash = waiting()
      const deadline = (flush: Promise<void>) =>
        Promise.race([
          flush.then(() => "resolved", (error: { kind?: string }) => `rejected: ${error.kind}`),
          new Promise<string>((resolve) => setTimeout(() => resolve("still pending at the 1 s deadline"), 1000))
        ])
      // And messages the worker cannot have settled: posted now, they reach it dead (or
      // wait for a credit the spinning page never granted), so the journal holds them.
      for (let i = 0; i < 5; i++) {
        f.root.dispatch({ type: "inc" })
        f.sent.direct++
      }
      const askedBefore = [deadline(f.root.flush())]
      const acknowledged = f.crash()
      const askedAfter = [deadline(f.root.flush())]
      const outcomes = { before: await Promise.all(askedBefore), after: await Promise.all(askedAfter) }
      const journalAtCrash = f.root.stats.journalLength
      const logAtCrash = probe.log.length
      await streaming
      await f.root.flush()
      await f.root.flush()
      const after = f.counters()
      const html = document.getElementById("app")!.innerHTML
      // Before freshRender, whose root makes a ring of its own.
      const ringsAfter = probe.rings.length
      const doorbellsAfter = probe.log.slice(logAtCrash).filter((e) => e.k === "doorbell").length
      const fresh = await f.freshRender(after)
      return {
        isolated: crossOriginIsolated,
        doorbellsBefore,
        entriesAtCrash,
        ringsBefore: rings,
        ringsAfter,
        doorbellsAfter,
        outcomes,
        acknowledged,
        journalAtCrash,
        after,
        sent: { ...f.sent },
        domIsFresh: html === fresh,
        rows: document.querySelectorAll("#rows > li").length,
        restarts: f.root.stats.restarts,
        workers: f.workers.length,
        errors: f.errors.map((e) => e.kind)
      }
    }, RING_WORDS)

    // The crash came with the ring in use and whole commits waiting in it.
    expect(run.isolated).toBe(true)
    expect(run.ringsBefore).toBe(1)
    expect(run.doorbellsBefore).toBeGreaterThan(0)
    expect(run.entriesAtCrash).toBeGreaterThan(0)
    // The same guarantees as a crash mid-stream.
    expect(run.outcomes.after).toEqual(["rejected: WorkerCrashed"])
    expectRecovered(run)
    // The new worker writes to a ring of its own (the old one is never read again).
    expect(run.ringsAfter).toBe(2)
    expect(run.doorbellsAfter).toBeGreaterThan(0)

    await page.click("#inc")
    await page.waitForFunction((n) => document.getElementById("direct")!.textContent === String(n), run.sent.direct + 1)
  })

  it("a worker whose script 404s: the error state and onError at once, no restart", async () => {
    const page = await open("?worker=missing")
    await page.waitForSelector("[role=alert]")
    const state = await page.evaluate(async () => {
      const f = (window as unknown as FaultsWindow).faults
      const flush = await f.root.flush().then(() => "resolved", (error: { kind?: string }) => `rejected: ${error.kind}`)
      return { alert: document.querySelector("[role=alert]")!.textContent, errors: f.errors.map((e) => e.kind), flush, workers: f.workers.length, loading: document.querySelector(".loading") !== null }
    })
    expect(state.alert).toContain("This app stopped.")
    expect(state.alert).toContain("failed before it mounted the root")
    expect(state.errors).toEqual(["MountFailed"])
    expect(state.flush).toBe("rejected: MountFailed")
    expect(state.workers).toBe(1)
    expect(state.loading).toBe(false)
    // The browser may report the 404 itself ("Failed to load resource"): expected here, and nothing else.
    for (const line of suite.errors.splice(0)) expect(line).toMatch(/404/)
  })

  it("a worker that throws at start: the error state with its message and onError at once, no restart", async () => {
    const page = await open("?worker=throws")
    await page.waitForSelector("[role=alert]")
    const state = await page.evaluate(() => {
      const f = (window as unknown as FaultsWindow).faults
      return { alert: document.querySelector("[role=alert]")!.textContent, errors: f.errors, workers: f.workers.length }
    })
    expect(state.alert).toContain("throws at start")
    expect(state.errors.map((e) => e.kind)).toEqual(["MountFailed"])
    expect(state.errors[0].message).toContain("throws at start")
    expect(state.workers).toBe(1)
  })

  it("the placeholder shows until the first commit, then is gone", async () => {
    // The worker spins 500 ms before serving: a slow boot.
    const page = await open("?bootMs=500")
    const before = await page.evaluate(() => ({
      loading: document.querySelector("#app > .loading")?.textContent ?? null,
      commits: (window as unknown as FaultsWindow).faults.root.stats.commits
    }))
    expect(before).toEqual({ loading: "Loading…", commits: 0 })
    await page.waitForFunction(() => document.querySelectorAll("#rows > li").length === 5_000)
    const after = await page.evaluate(() => ({
      loading: document.querySelector(".loading") !== null,
      commits: (window as unknown as FaultsWindow).faults.root.stats.commits,
      first: document.getElementById("app")!.firstElementChild!.tagName
    }))
    expect(after).toEqual({ loading: false, commits: 1, first: "MAIN" })
  })
})
