import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { describeBrowser, useBrowserSuite } from "./_chromium.ts"
import type { ExampleServer } from "../../examples/serve.mjs"
import { installCommitProbe, installWorkerProbe, type ProbeEntry, type SentCommit, startIsolatedServer } from "./_commit-probe.ts"

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

/**
 * Input first (DESIGN.md, "Delivery: urgent first, by construction"; docs/lanes.md;
 * docs/commit-ring.md): 100 keys typed while 10,000 rows re-render in the Transition lane,
 * on a page served cross-origin isolated (commits through the shared ring) and on one
 * that is not (`?isolation=off`: every commit by the port). The page and the worker are
 * probed (./_commit-probe.ts) without changing src/: the log orders every event sent,
 * credit granted, commit announced and DOM change as they happened on the page.
 */
const TICKS = 12
const KEYS = 100
const TYPED = Array.from({ length: KEYS }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join("")
const LANE_SYNC = 0

interface TypingRun {
  readonly crossOriginIsolated: boolean
  readonly sharedArrayBuffer: string
  readonly rings: number
  readonly log: ProbeEntry[]
  /** What the worker sent, by commit id (from the probe installed once the grid was up). */
  readonly sent: SentCommit[]
  readonly commits: Array<{ commitId: number; laneName: string; expired: boolean }>
  readonly applied: number
  readonly tick: string
  readonly lastRow: string
  readonly input: string
  readonly echo: string
  readonly pageErrors: string[]
}

describeBrowser("input first in Chromium: 100 keys while 10,000 rows re-render in the Transition lane", () => {
  const browser = useBrowserSuite()
  // Isolated unless the page says ?isolation=off, whatever SHUTTLE_ISOLATION says.
  let server: ExampleServer

  beforeAll(async () => {
    server = await startIsolatedServer()
  })

  afterAll(async () => {
    await server?.close()
  })

  /** Opens the lanes demo with the probes, starts TICKS Transition re-renders, types TYPED once the first is shown, and reads everything. */
  async function typeWhileRendering(query: string): Promise<TypingRun> {
    const page = await browser.newPage()
    const pageErrors: string[] = []
    page.on("pageerror", (error) => pageErrors.push(error.message))
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text())
    })
    await page.addInitScript(installCommitProbe)
    await page.goto(`${server.url}lanes/${query}`)
    await page.waitForFunction(() => (window as unknown as LanesWindow).lanesDemo !== undefined && document.querySelectorAll("tbody > tr").length === 10_000)
    const workers = page.workers()
    expect(workers).toHaveLength(1)
    await workers[0].evaluate(installWorkerProbe)
    await page.evaluate(() => {
      const probe = window.__commitProbe!
      const demo = (window as unknown as LanesWindow & { lanesDemo: { root: { stats: { commits: number } } } }).lanesDemo
      probe.applied = () => demo.root.stats.commits
      probe.watch(["tick", "echo"])
    })
    const running = page.evaluate((n) => (window as unknown as LanesWindow).lanesDemo.run(n), TICKS)
    // The load is on: the first re-render is on screen, the next ones are on their way.
    await page.waitForFunction(() => Number(document.getElementById("tick")!.textContent) >= 1)
    await page.locator("#text").focus()
    await page.keyboard.type(TYPED, { delay: 16 })
    await running
    await page.waitForFunction((text) => document.getElementById("echo")!.textContent === text, TYPED)
    const sent = (await workers[0].evaluate(() => globalThis.__sentCommits)) ?? []
    const run = await page.evaluate(() => {
      const probe = window.__commitProbe!
      probe.flush()
      const demo = (window as unknown as LanesWindow & { lanesDemo: { root: { stats: { commits: number } } } }).lanesDemo
      return {
        crossOriginIsolated: globalThis.crossOriginIsolated,
        sharedArrayBuffer: typeof globalThis.SharedArrayBuffer,
        rings: probe.rings.length,
        log: probe.log,
        commits: (demo.commits as unknown as Array<{ commitId: number; laneName: string; expired: boolean }>).map((c) => ({ commitId: c.commitId, laneName: c.laneName, expired: c.expired })),
        applied: demo.root.stats.commits,
        tick: document.getElementById("tick")!.textContent!,
        lastRow: document.querySelector("tbody > tr:last-child > td.value")!.textContent!,
        input: (document.getElementById("text") as HTMLInputElement).value,
        echo: document.getElementById("echo")!.textContent!
      }
    })
    return { ...run, sent, pageErrors }
  }

  for (const isolated of [true, false]) {
    describe(isolated ? "served cross-origin isolated (the commit ring)" : "served without isolation (?isolation=off: the port only)", () => {
      let run: TypingRun

      beforeAll(async () => {
        run = await typeWhileRendering(isolated ? "?lane=transition" : "?lane=transition&isolation=off")
      })

      it("echoes every key in order, finishes the Transition, and is as isolated as asked, with no page error", () => {
        expect(run.crossOriginIsolated).toBe(isolated)
        expect(run.sharedArrayBuffer).toBe(isolated ? "function" : "undefined")
        expect(run.pageErrors).toEqual([])

        // One input event per key, sent to the worker in order, each with the text typed so far.
        const inputs = run.log.filter((e) => e.k === "sent" && e.type === "input")
        expect(inputs.map((e) => e.value)).toEqual(Array.from({ length: KEYS }, (_, i) => TYPED.slice(0, i + 1)))
        // The echo only ever grew, through prefixes of the typed text, to all of it.
        const echoes = run.log.filter((e) => e.k === "text" && e.id === "echo").map((e) => e.value!)
        for (let i = 0; i < echoes.length; i++) {
          expect(TYPED.startsWith(echoes[i]), `echo "${echoes[i]}" is a prefix of the typed text`).toBe(true)
          if (i > 0) expect(echoes[i].length).toBeGreaterThanOrEqual(echoes[i - 1].length)
        }
        expect(echoes[echoes.length - 1]).toBe(TYPED)
        expect(run.echo).toBe(TYPED)
        expect(run.input).toBe(TYPED)

        // The Transition finished: every tick shown once, in order, and the grid shows the last.
        const ticks = run.log.filter((e) => e.k === "text" && e.id === "tick").map((e) => Number(e.value))
        expect(ticks).toEqual(Array.from({ length: TICKS + 1 }, (_, i) => i))
        expect(run.tick).toBe(String(TICKS))
        expect(run.lastRow).toBe(String((9_999 * 7 + TICKS) % 1000))
        // The re-renders overlapped the typing: the last tick came after the first key was sent.
        const firstKey = run.log.findIndex((e) => e.k === "sent")
        let lastTick = -1
        run.log.forEach((e, i) => {
          if (e.k === "text" && e.id === "tick") lastTick = i
        })
        expect(lastTick).toBeGreaterThan(firstKey)
      })

      it(isolated ? "delivers through the commit ring: every echo after the first commit went by the ring, and each was applied" : "delivers every commit by the port: no ring, no doorbell", () => {
        const doorbells = run.log.filter((e) => e.k === "doorbell")
        const port = run.log.filter((e) => e.k === "port")
        const byRing = run.sent.filter((c) => c.path === "ring")
        expect(run.sent.length).toBeGreaterThan(KEYS / 10)
        if (isolated) {
          expect(run.rings).toBe(1)
          // The worker wrote these commits into the ring, and the page announced and applied each one.
          expect(byRing.length).toBeGreaterThan(0)
          expect(doorbells.map((d) => d.commitId)).toEqual(expect.arrayContaining(byRing.map((c) => c.commitId)))
          for (const d of doorbells) expect(d.commitId!).toBeLessThanOrEqual(run.applied)
          // Echoes are small: the ring always has room for them (at most one non-urgent commit is on its way).
          const syncByPort = run.sent.filter((c) => c.path === "port" && c.lane === LANE_SYNC)
          expect(syncByPort).toEqual([])
          expect(byRing.filter((c) => c.lane === LANE_SYNC).length).toBeGreaterThan(0)
        } else {
          expect(run.rings).toBe(0)
          expect(doorbells).toEqual([])
          expect(byRing).toEqual([])
          // Every commit of the page came by the port (the probe saw each one from the first).
          expect(port).toHaveLength(run.applied)
        }
      })

      it("applies each key's Sync echo before any commit rendered after the key, and renders Transitions only with a credit granted before it", () => {
        const sentById = new Map(run.sent.map((c) => [c.commitId, c]))
        // The i-th Transition commit shows tick i (one tick is dispatched per Transition commit).
        const transitions = run.commits.filter((c) => c.laneName === "transition").sort((a, b) => a.commitId - b.commitId)
        expect(transitions).toHaveLength(TICKS)
        const tickCommit = (tick: number) => transitions[tick - 1]

        const violations: string[] = []
        let checkedKeys = 0
        const log = run.log
        for (let p = 0; p < log.length; p++) {
          const sent = log[p]
          if (sent.k !== "sent" || sent.type !== "input") continue
          // Its echo: the first time after the send that #echo shows the text typed up to this key.
          const echoAt = log.findIndex((e, i) => i > p && e.k === "text" && e.id === "echo" && e.value!.length >= sent.value!.length)
          expect(echoAt, `the echo of key ${sent.seq}`).toBeGreaterThan(p)
          checkedKeys++
          for (let i = p + 1; i < echoAt; i++) {
            const e = log[i]
            if (e.k !== "text" || e.id !== "tick" || Number(e.value) === 0) continue
            const commit = tickCommit(Number(e.value))
            const worker = sentById.get(commit.commitId)
            if (worker === undefined) {
              violations.push(`tick ${e.value} (commit ${commit.commitId}) was not seen leaving the worker`)
              continue
            }
            // Between a key's send and its echo, only a commit rendered before the worker saw the key.
            if (worker.eventSeq >= sent.seq!) violations.push(`tick ${e.value} (commit ${commit.commitId}, rendered after event ${worker.eventSeq}) applied between event ${sent.seq}'s send and its echo`)
          }
        }
        expect(checkedKeys).toBe(KEYS)
        expect(violations).toEqual([])

        // Pulled, not pushed: every Transition commit that did not expire was rendered with a
        // credit the page had posted, before that commit was applied, when the page had sent
        // exactly the events the commit saw (a credit from before a keystroke is void).
        for (const t of transitions) {
          if (t.expired) continue
          const worker = sentById.get(t.commitId)
          // The worker probe was installed before the first tick.
          expect(worker, `commit ${t.commitId} seen leaving the worker`).toBeDefined()
          if (worker === undefined) continue
          const shownAt = log.findIndex((e) => e.k === "text" && e.id === "tick" && Number(e.value) === transitions.indexOf(t) + 1)
          const credit = log.findIndex((e, i) => i < shownAt && e.k === "credit" && e.eventSeq === worker.eventSeq)
          expect(credit, `a credit for commit ${t.commitId} (event ${worker.eventSeq}) before it was shown`).toBeGreaterThanOrEqual(0)
        }
      })
    })
  }
})
