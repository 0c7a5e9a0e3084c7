import type { Page } from "playwright-core"
import { beforeAll, expect, it } from "vitest"
import type { InspectNode, InspectTree } from "../../protocol/inspect.ts"
import type { HistoryInfo } from "../../protocol/state.ts"
import { describeBrowser, useBrowserSuite } from "./_chromium.ts"

/**
 * The devtools panel (docs/devtools.md, "The devtools panel") in Chromium, with the
 * devtools example: the table app exposed with `exposeRoots`, the panel (a Shuttle app in
 * its own worker) mounted beside it, and panel.html attaching from another tab. Every
 * view is compared with what the page's root says itself (inspect, observeCommits,
 * history), and photographed into /tmp/devtools-*.png.
 */

interface TestWindow {
  shuttleRoot: {
    dispatch(msg: unknown, options?: { lane?: string }): void
    flush(): Promise<void>
    inspect(query: unknown): Promise<unknown>
    observeCommits(listener: (commit: { commitId: number; laneName: string }) => void): () => void
    history: { info(): Promise<HistoryInfo> }
  }
  seenCommits?: Array<{ commitId: number; laneName: string }>
  stopSeeing?: () => void
}

const SHOTS = "/tmp"

/** `depth|name|key` of every node, depth first: what the panel shows with every node expanded. */
function flatten(nodes: readonly InspectNode[], depth = 0, out: string[] = []): string[] {
  for (const node of nodes) {
    out.push(`${depth}|${node.name}|${node.key === null ? "" : String(node.key)}`)
    flatten(node.children, depth + 1, out)
  }
  return out
}

const panelRows = (page: Page): Promise<string[]> =>
  page.$$eval("#devtools #tree .node", (rows) => rows.map((row) => `${row.getAttribute("data-depth")}|${row.getAttribute("data-name")}|${row.getAttribute("data-key") ?? ""}`))

const inspectedRows = async (page: Page): Promise<string[]> =>
  flatten(((await page.evaluate(() => (window as unknown as TestWindow).shuttleRoot.inspect({ q: "tree" }))) as InspectTree).children)

const appHtml = (page: Page): Promise<string> => page.$eval("#app", (app) => app.innerHTML)
/** Whether #app shows `html`; if not, a short description of what it shows (a 1,000-row table's HTML is too long to read in a diff). */
const appShows = (page: Page, html: string): Promise<string> =>
  page.$eval("#app", (app, html) => {
    if (app.innerHTML === html) return "the same HTML"
    const ids = [...app.querySelectorAll("tbody tr td:first-child")].map((td) => td.textContent)
    const now = app.innerHTML
    let at = 0
    while (at < now.length && now[at] === html[at]) at++
    return `${app.querySelector("#status")?.textContent}; rows ${ids.slice(0, 5).join(",")}…; selected ${app.querySelector("tr.danger td")?.textContent ?? "none"}; first difference at ${at}: …${now.slice(Math.max(0, at - 80), at + 80)}… where expected …${html.slice(Math.max(0, at - 80), at + 80)}…`
  }, html)
const historyInfo = (page: Page): Promise<HistoryInfo> => page.evaluate(() => (window as unknown as TestWindow).shuttleRoot.history.info())
const flush = (page: Page): Promise<void> => page.evaluate(() => (window as unknown as TestWindow).shuttleRoot.flush())
const dispatch = async (page: Page, msg: unknown, lane?: string): Promise<void> => {
  await page.evaluate(({ msg, lane }) => (window as unknown as TestWindow).shuttleRoot.dispatch(msg, lane === undefined ? undefined : { lane }), { msg, lane })
  await flush(page)
}
const rowIds = (page: Page): Promise<number[]> => page.$$eval("#app tbody tr td:first-child", (cells) => cells.map((cell) => Number(cell.textContent)))

/** Mulberry32: the random edits are the same on every run for a seed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describeBrowser("devtools panel", () => {
  const browser = useBrowserSuite()
  let page: Page

  beforeAll(async () => {
    page = await browser.open("devtools", "#run")
    await page.waitForSelector("#devtools .shuttle-devtools .dot.on")
  })

  it("Components: the panel's tree is the app root's inspected tree after random edits", async () => {
    await page.click("#devtools #tab-components")
    await page.click("#run")
    await flush(page)
    await page.click("#devtools #expand-all")
    const seed = 20240611
    const next = random(seed)
    const edits: string[] = []
    for (let step = 0; step < 6; step++) {
      const ids = await rowIds(page)
      const pick = ids[Math.floor(next() * ids.length)]
      const kind = ["swaprows", "remove", "select", "update"][Math.floor(next() * 4)]
      const msg = kind === "remove" || kind === "select" ? { type: kind, id: pick } : { type: kind }
      edits.push(JSON.stringify(msg))
      await dispatch(page, msg)
      const expected = await inspectedRows(page)
      // The panel refreshes at most every 250 ms after commits: wait for it to catch up.
      await expect.poll(() => panelRows(page), { timeout: 15_000, message: `seed ${seed}, after ${edits.join(", ")}` }).toEqual(expected)
    }
    expect(await page.$eval("#devtools #components", (el) => el.textContent)).toContain("5000 nodes (truncated)")
    // The table's rows are TableRow components, keyed by row id.
    expect(await page.$$eval("#devtools #tree .node[data-kind=component]", (rows) => rows.slice(0, 2).map((r) => r.getAttribute("data-name")))).toEqual(["TableRow", "TableRow"])
    await page.click("#devtools #collapse-all")
    await page.screenshot({ path: `${SHOTS}/devtools-components.png` })
  })

  it("Inspector: picking a row's label shows the TableRow path and the app does not act on the click", async () => {
    await page.click("#devtools #tab-inspector")
    await page.click("#devtools #pick")
    await page.waitForSelector("#devtools #pick.active")
    // The host turned pick mode on once the panel hears back from it.
    await expect.poll(() => page.$eval("#devtools #pick", (b) => b.textContent)).toContain("Picking")
    const before = await historyInfo(page)
    const htmlBefore = await appHtml(page)
    // A row that is not selected (the random edits may have selected one).
    const row = await page.$$eval("#app tbody tr", (rows) => rows.findIndex((tr, i) => i >= 2 && !tr.classList.contains("danger")) + 1)
    const label = `#app tbody tr:nth-child(${row}) a.lbl`
    const labelText = await page.$eval(label, (a) => a.textContent)
    await page.waitForTimeout(100) // the pick request reaches the host (BroadcastChannel is asynchronous)
    await page.click(label)
    await page.waitForSelector("#devtools #picked-path")
    expect(await page.$$eval("#devtools #picked-path li", (items) => items.map((li) => li.getAttribute("data-name")))).toEqual(["TableRow", "a"])
    expect(await page.$eval("#devtools #picked-root", (b) => b.textContent)).toBe("table")
    expect(await page.$eval("#devtools #picked-path", (ol) => ol.textContent)).toContain(labelText ?? "<none>")
    expect(await page.$eval("#devtools #inspector", (s) => s.textContent)).toContain("worker liveNodes")
    await flush(page)
    // No select message, nothing changed on the page.
    expect((await historyInfo(page)).end).toBe(before.end)
    expect(await appShows(page, htmlBefore)).toBe("the same HTML")
    expect(await page.$eval(`#app tbody tr:nth-child(${row})`, (tr) => tr.classList.contains("danger"))).toBe(false)
    // Pick mode ended with the pick: the next click reaches the app again.
    await page.click(label)
    await flush(page)
    await page.waitForSelector(`#app tbody tr:nth-child(${row}).danger`)
    await page.screenshot({ path: `${SHOTS}/devtools-inspector.png` })
  })

  it("Profiler: a recorded session lists every commit with its lane, and exports them as JSON", async () => {
    await page.click("#devtools #tab-profiler")
    await page.click("#devtools #record")
    const profiling = async (): Promise<boolean> => ((await page.evaluate(() => (window as unknown as TestWindow).shuttleRoot.inspect({ q: "tree", limit: 1 }))) as InspectTree).profiling
    await expect.poll(profiling).toBe(true)
    await page.evaluate(() => {
      const w = window as unknown as TestWindow
      w.seenCommits = []
      w.stopSeeing = w.shuttleRoot.observeCommits((commit) => w.seenCommits?.push({ commitId: commit.commitId, laneName: commit.laneName }))
    })
    await page.click("#run")
    await flush(page)
    await dispatch(page, { type: "update" }, "transition")
    await page.click("#app tbody tr:nth-child(5) a.lbl")
    await flush(page)
    await dispatch(page, { type: "swaprows" }, "idle")
    await page.click("#clear")
    await flush(page)
    await page.waitForTimeout(50)
    const seen = await page.evaluate(() => {
      const w = window as unknown as TestWindow
      w.stopSeeing?.()
      return w.seenCommits ?? []
    })
    await page.click("#devtools #record")
    await expect.poll(profiling).toBe(false)
    expect(seen.length).toBeGreaterThanOrEqual(5)
    expect(new Set(seen.map((c) => c.laneName))).toEqual(new Set(["sync", "transition", "idle"]))
    const listed = (): Promise<Array<{ commitId: number; laneName: string }>> =>
      page.$$eval("#devtools #commits tr.commit", (rows) => rows.map((row) => ({ commitId: Number(row.getAttribute("data-commit-id")), laneName: row.getAttribute("data-lane") ?? "" })))
    await expect.poll(listed).toEqual(seen)
    // One timeline row per lane, a bar per commit.
    expect(await page.$$eval("#devtools .lane-label", (labels) => labels.map((l) => l.textContent))).toEqual(["sync", "transition", "idle"])
    expect(await page.$$("#devtools #timeline .bar")).toHaveLength(seen.length)
    // The first commit of the session (the 1,000-row run) rendered TableRow 1,000 times.
    await page.click("#devtools #commits tr.commit:nth-child(1)")
    await page.waitForSelector("#devtools #commit-components tr[data-name=TableRow]")
    expect(await page.$eval("#devtools #commit-components tr[data-name=TableRow] td:nth-child(2)", (td) => td.textContent)).toBe("1000")
    await page.click("#devtools #export-profile")
    await page.waitForSelector("#devtools #profile-json")
    const file = JSON.parse((await page.$eval("#devtools #profile-json", (pre) => pre.textContent)) ?? "") as { format: string; commits: Array<{ commitId: number; laneName: string; root: string; profile?: unknown }> }
    expect(file.format).toBe("shuttle-profile")
    expect(file.commits.map((c) => ({ commitId: c.commitId, laneName: c.laneName }))).toEqual(seen)
    expect(file.commits.every((c) => c.root === "table" && c.profile !== undefined)).toBe(true)
    await page.$eval("#devtools .view", (view) => view.scrollTo(0, 0))
    await page.screenshot({ path: `${SHOTS}/devtools-profiler.png` })
  })

  it("State: the message list, jump here shows the DOM the app had after that message, resume returns", async () => {
    await page.click("#devtools #tab-state")
    const shown: Array<{ index: number; html: string; msg: unknown }> = []
    const session: unknown[] = [{ type: "run" }, { type: "swaprows" }, { type: "update" }, { type: "filter", value: "a" }, { type: "filter", value: "" }]
    for (const msg of session) {
      await dispatch(page, msg)
      const info = await historyInfo(page)
      shown.push({ index: info.end - 1, html: await appHtml(page), msg })
    }
    const ids = await rowIds(page)
    for (const msg of [{ type: "select", id: ids[4] }, { type: "remove", id: ids[2] }]) {
      await dispatch(page, msg)
      const info = await historyInfo(page)
      shown.push({ index: info.end - 1, html: await appHtml(page), msg })
    }
    const present = await appHtml(page)
    const last = shown[shown.length - 1].index
    await page.waitForSelector(`#devtools tr.entry[data-index="${last}"]`)
    for (const { index, msg } of shown) {
      expect(await page.$eval(`#devtools tr.entry[data-index="${index}"] td.msg`, (td) => td.textContent)).toBe(JSON.stringify(msg))
    }
    for (const target of [shown[1], shown[3], shown[5]]) {
      await page.click(`#devtools tr.entry[data-index="${target.index}"]`)
      await page.waitForSelector("#devtools #changes, #devtools #state .model p.muted:text('nothing')")
      await page.click("#devtools #jump")
      await expect.poll(() => appShows(page, target.html), { timeout: 10_000 }).toBe("the same HTML")
      await expect.poll(() => page.$eval("#devtools #history-info", (s) => s.textContent)).toContain(`showing #${target.index}`)
    }
    // The select message's changes: `selected` only.
    expect(await page.$$eval("#devtools #changes li", (items) => items.map((li) => li.getAttribute("data-path")))).toEqual(["selected"])
    await page.screenshot({ path: `${SHOTS}/devtools-state.png` })
    await page.click("#devtools #resume")
    await expect.poll(() => appShows(page, present), { timeout: 10_000 }).toBe("the same HTML")
    expect((await historyInfo(page)).traveling).toBe(null)
  })

  it("panel.html in another tab attaches over the BroadcastChannel and shows the tree", async () => {
    const tab = await browser.newPage()
    await tab.goto(`${browser.suite.server.url}devtools/panel.html`)
    await tab.waitForSelector("#devtools .dot.on")
    expect(await tab.$eval("#root-name", (s) => s.textContent)).toBe("table")
    expect(await tab.$("#app")).toBeNull()
    await tab.click("#expand-all")
    const expected = await inspectedRows(page)
    await expect.poll(() => panelRows(tab), { timeout: 15_000 }).toEqual(expected)
    // It follows the app's commits.
    await dispatch(page, { type: "swaprows" })
    const after = await inspectedRows(page)
    await expect.poll(() => panelRows(tab), { timeout: 15_000 }).toEqual(after)
    await tab.click("#collapse-all")
    await tab.screenshot({ path: `${SHOTS}/devtools-tab.png` })
    await tab.close()
  })
})
