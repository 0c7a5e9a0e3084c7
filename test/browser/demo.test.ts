import { mkdirSync } from "node:fs"
import type { CDPSession, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { init, type Model, type Msg, update, visibleRows } from "../../examples/table/model.ts"
import { describeBrowser, useBrowserSuite } from "./_chromium.ts"

/**
 * The real pipeline in Chromium: a module Worker runs the app, patch lists cross as
 * transferred ArrayBuffers, events are delegated at the root container.
 *
 * The table tests keep a mirror of the app's model in Node: every action the test takes
 * is also folded through the app's own pure `update` (examples/table/model.ts), and after
 * each action the page must show exactly the rows that model's view shows. Waiting is
 * done with waitForFunction on DOM conditions; nothing here measures time.
 */

const SHOTS = "test-results"

interface RowView {
  readonly id: string
  readonly label: string
  readonly className: string
}

/** The rows as the view of `model` renders them. */
function expectedRows(model: Model): RowView[] {
  return visibleRows(model).map((row) => ({
    id: String(row.id),
    label: row.label,
    className: row.id === model.selected ? "danger" : ""
  }))
}

/** One string for a whole table, compared inside the page while waiting. */
function digest(rows: readonly RowView[]): string {
  return rows.map((row) => `${row.id}\t${row.label}\t${row.className}`).join("\n")
}

function readRows(page: Page): Promise<RowView[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll("table.table > tbody > tr"), (tr) => ({
      id: tr.querySelector("td.col-md-1")?.textContent ?? "<no td.col-md-1>",
      label: tr.querySelector("td.col-md-4 > a.lbl")?.textContent ?? "<no a.lbl>",
      className: tr.className
    }))
  )
}

/**
 * Waits until the table shows the view of `model`, then asserts it row by row (a timeout
 * of the wait is not the failure: the assertion after it says what differs).
 */
async function expectTable(page: Page, model: Model): Promise<void> {
  const expected = expectedRows(model)
  await page
    .waitForFunction((want) => {
      const rows = Array.from(document.querySelectorAll("table.table > tbody > tr"), (tr) =>
        `${tr.querySelector("td.col-md-1")?.textContent}\t${tr.querySelector("td.col-md-4 > a.lbl")?.textContent}\t${tr.className}`)
      return rows.join("\n") === want
    }, digest(expected), { timeout: 30_000 })
    .catch(() => undefined)
  const actual = await readRows(page)
  expect(actual.length).toBe(expected.length)
  expect(actual).toEqual(expected)
  expect(await page.textContent("#status")).toBe(`${expected.length} of ${model.rows.length} rows`)
  // The standard markup: every row has the four cells and the remove icon.
  const shape = await page.evaluate(() =>
    Array.from(document.querySelectorAll("table.table > tbody > tr")).every((tr) =>
      tr.children.length === 4 &&
      tr.children[0].matches("td.col-md-1") &&
      tr.children[1].matches("td.col-md-4") && tr.children[1].firstElementChild?.matches("a.lbl") === true &&
      tr.children[2].matches("td.col-md-1") && tr.children[2].querySelector(":scope > a.remove > span") !== null &&
      tr.children[3].matches("td.col-md-6")
    )
  )
  expect(shape).toBe(true)
}

/** Tags the rows at `indices` with a JS property, to find the same node objects later. */
async function markRows(page: Page, marks: Record<string, number>): Promise<void> {
  const missing = await page.evaluate((marks) => {
    const rows = document.querySelectorAll("table.table > tbody > tr")
    const missing: string[] = []
    for (const [mark, index] of Object.entries(marks)) {
      const tr = rows[index] as (Element & { __testMark?: string }) | undefined
      if (tr === undefined) missing.push(mark)
      else tr.__testMark = mark
    }
    return missing
  }, marks)
  expect(missing).toEqual([])
}

/** Where each marked node is now: its row index, or -1 if it left the table. */
function findMarks(page: Page, marks: readonly string[]): Promise<Record<string, number>> {
  return page.evaluate((marks) => {
    const rows = Array.from(document.querySelectorAll("table.table > tbody > tr")) as Array<Element & { __testMark?: string }>
    const out: Record<string, number> = {}
    for (const mark of marks) out[mark] = rows.findIndex((tr) => tr.__testMark === mark)
    return out
  }, marks)
}

/** Event types with a listener on the element, as DevTools sees them (CDP). */
async function listenerTypes(cdp: CDPSession, selector: string): Promise<string[]> {
  const { result } = await cdp.send("Runtime.evaluate", { expression: `document.querySelector(${JSON.stringify(selector)})` })
  if (result.objectId === undefined) throw new Error(`no element for ${selector}`)
  try {
    const { listeners } = await cdp.send("DOMDebugger.getEventListeners", { objectId: result.objectId, depth: 0 })
    return listeners.map((listener) => listener.type).sort()
  } finally {
    await cdp.send("Runtime.releaseObject", { objectId: result.objectId })
  }
}

describeBrowser("Shuttle in Chromium", () => {
  // Errors reported by a root (console.error by default), uncaught page errors and
  // worker console errors all fail the test in which they appeared.
  const browser = useBrowserSuite()

  beforeAll(() => {
    mkdirSync(SHOTS, { recursive: true })
  })

  describe("table demo", () => {
    let page: Page
    let cdp: CDPSession
    let model = init()
    const act = (msg: Msg): void => {
      model = update(model, msg)
    }
    const clickLabel = async (index: number): Promise<void> => {
      const row = visibleRows(model)[index]
      await page.locator("table.table > tbody > tr").nth(index).locator("a.lbl").click()
      act({ type: "select", id: row.id })
    }

    beforeAll(async () => {
      page = await browser.open("table", "#run")
      cdp = await page.context().newCDPSession(page)
    })

    afterAll(async () => {
      await cdp?.detach().catch(() => undefined)
      await page?.close()
    })

    it("runs the app in a real module Worker and renders the initial view", async () => {
      expect(page.workers().map((worker) => new URL(worker.url()).pathname)).toEqual(["/table/app.worker.js"])
      const buttons = await page.$$eval("button", (list) => list.map((button) => button.id))
      expect(buttons).toEqual(["run", "runlots", "add", "update", "clear", "swaprows"])
      expect(await page.inputValue("#filter")).toBe("")
      await expectTable(page, model)
    })

    it("run: creates 1,000 rows with the predicted labels", async () => {
      await page.click("#run")
      act({ type: "run" })
      await expectTable(page, model)
      expect(model.rows.length).toBe(1000)
      await page.screenshot({ path: `${SHOTS}/table-create-1000.png` })
    })

    it("select: marks only the clicked row 'danger' and keeps every row node", async () => {
      await markRows(page, { fifth: 4, tenth: 9, last: 999 })
      await clickLabel(4)
      await expectTable(page, model)
      expect(await findMarks(page, ["fifth", "tenth", "last"])).toEqual({ fifth: 4, tenth: 9, last: 999 })
      expect(await page.$$eval("tr.danger", (rows) => rows.length)).toBe(1)
      await page.screenshot({ path: `${SHOTS}/table-select.png` })

      await clickLabel(9)
      await expectTable(page, model)
      expect(await findMarks(page, ["fifth", "tenth", "last"])).toEqual({ fifth: 4, tenth: 9, last: 999 })
      const danger = await page.$$eval("tr.danger", (rows) => rows.map((tr) => (tr as Element & { __testMark?: string }).__testMark))
      expect(danger).toEqual(["tenth"])
    })

    it("update: appends ' !!!' to every 10th label in place", async () => {
      await markRows(page, { first: 0, second: 1, eleventh: 10 })
      const labelNode = await page.evaluate(() => {
        const a = document.querySelector("table.table > tbody > tr a.lbl") as Element & { __testMark?: string }
        a.__testMark = "first-label"
        return a.textContent
      })
      await page.click("#update")
      act({ type: "update" })
      await expectTable(page, model)
      expect(await findMarks(page, ["first", "second", "eleventh"])).toEqual({ first: 0, second: 1, eleventh: 10 })
      const after = await page.evaluate(() => {
        const a = document.querySelector("table.table > tbody > tr a.lbl") as Element & { __testMark?: string }
        return { mark: a.__testMark, text: a.textContent }
      })
      expect(after).toEqual({ mark: "first-label", text: `${labelNode} !!!` })
      const labels = await readRows(page)
      expect(labels[0].label.endsWith(" !!!")).toBe(true)
      expect(labels[990].label.endsWith(" !!!")).toBe(true)
      expect(labels[1].label.endsWith(" !!!")).toBe(false)
    })

    it("swaprows: swaps rows 2 and 999 by moving the same nodes", async () => {
      await markRows(page, { second: 1, middle: 500, nineNineNine: 998 })
      const before = await readRows(page)
      await page.click("#swaprows")
      act({ type: "swaprows" })
      await expectTable(page, model)
      const after = await readRows(page)
      expect(after[1]).toEqual(before[998])
      expect(after[998]).toEqual(before[1])
      expect(await findMarks(page, ["second", "middle", "nineNineNine"])).toEqual({ second: 998, middle: 500, nineNineNine: 1 })

      await page.click("#swaprows")
      act({ type: "swaprows" })
      await expectTable(page, model)
      expect(await findMarks(page, ["second", "middle", "nineNineNine"])).toEqual({ second: 1, middle: 500, nineNineNine: 998 })
    })

    it("remove: a click on the icon (inside a.remove) removes that row only", async () => {
      await markRows(page, { before: 1, after: 3 })
      const removed = visibleRows(model)[2]
      // The click lands on the <span>; the handler is on its parent <a>: delegation bubbles.
      await page.locator("table.table > tbody > tr").nth(2).locator("a.remove > span").click()
      act({ type: "remove", id: removed.id })
      await expectTable(page, model)
      expect(model.rows.length).toBe(999)
      expect(await findMarks(page, ["before", "after"])).toEqual({ before: 1, after: 2 })
      const ids = (await readRows(page)).map((row) => row.id)
      expect(ids).not.toContain(String(removed.id))
    })

    it("add: appends 1,000 rows and keeps the existing ones", async () => {
      await markRows(page, { first: 0, last: 998 })
      await page.click("#add")
      act({ type: "add" })
      await expectTable(page, model)
      expect(model.rows.length).toBe(1999)
      expect(await findMarks(page, ["first", "last"])).toEqual({ first: 0, last: 998 })
    })

    it("filter: fast typing keeps exactly what was typed and filters the rows", async () => {
      const text = "yellow"
      await page.click("#filter")
      await page.keyboard.type(text, { delay: 0 })
      act({ type: "filter", value: text })
      const visible = visibleRows(model).length
      expect(visible).toBeGreaterThan(0)
      expect(visible).toBeLessThan(model.rows.length)
      await expectTable(page, model)
      // Every commit the keystrokes caused is applied now; the input must still hold the text.
      await page.evaluate(() => (window as unknown as { shuttleRoot: { flush(): Promise<void> } }).shuttleRoot.flush())
      expect(await page.inputValue("#filter")).toBe(text)

      // Backspace through the input event path, then Escape through keydown (the `key` field).
      await page.keyboard.press("Backspace")
      act({ type: "filter", value: "yello" })
      await expectTable(page, model)
      expect(await page.inputValue("#filter")).toBe("yello")
      await page.screenshot({ path: `${SHOTS}/table-filter.png` })

      await page.keyboard.press("Escape")
      act({ type: "filter", value: "" })
      await expectTable(page, model)
      expect(await page.inputValue("#filter")).toBe("")
    })

    it("filter is controlled: a value set by the model reaches the input", async () => {
      await page.evaluate(() =>
        (window as unknown as { shuttleRoot: { dispatch(msg: unknown): void } }).shuttleRoot.dispatch({ type: "filter", value: "pink" }))
      act({ type: "filter", value: "pink" })
      await expectTable(page, model)
      expect(await page.inputValue("#filter")).toBe("pink")
      await page.click("#filter")
      await page.keyboard.press("Escape")
      act({ type: "filter", value: "" })
      await expectTable(page, model)
      expect(await page.inputValue("#filter")).toBe("")
    })

    it("clear: removes every row", async () => {
      await page.click("#clear")
      act({ type: "clear" })
      await expectTable(page, model)
      expect(await page.$$eval("table.table > tbody > tr", (rows) => rows.length)).toBe(0)
    })

    it("runlots: creates 10,000 rows; fast typing into the filter over them keeps every keystroke", async () => {
      await page.click("#runlots")
      act({ type: "runlots" })
      await expectTable(page, model)
      expect(model.rows.length).toBe(10000)

      const text = "black pizza"
      await page.click("#filter")
      await page.keyboard.type(text, { delay: 0 })
      act({ type: "filter", value: text })
      expect(visibleRows(model).length).toBeGreaterThan(0)
      await expectTable(page, model)
      await page.evaluate(() => (window as unknown as { shuttleRoot: { flush(): Promise<void> } }).shuttleRoot.flush())
      expect(await page.inputValue("#filter")).toBe(text)

      await page.keyboard.press("Escape")
      act({ type: "filter", value: "" })
      await expectTable(page, model)
      await page.click("#clear")
      act({ type: "clear" })
      await expectTable(page, model)
    })

    it("flush: resolves after the commit of every earlier dispatch is in the DOM, on any lane", async () => {
      const result = await page.evaluate(async () => {
        type R = { dispatch(msg: unknown, options?: { lane?: string }): void; flush(): Promise<void>; stats: { commits: number } }
        const root = (window as unknown as { shuttleRoot: R }).shuttleRoot
        const count = () => document.querySelectorAll("table.table > tbody > tr").length
        const commitsBefore = root.stats.commits
        root.dispatch({ type: "run" })
        // Dispatch is asynchronous: nothing can change the DOM within this task.
        const sameTask = count()
        await root.flush()
        const afterRun = count()
        root.dispatch({ type: "select", id: Number(document.querySelector("table.table > tbody > tr:nth-child(3) td")!.textContent) })
        await root.flush()
        const selected = Array.from(document.querySelectorAll("tr.danger"), (tr) => tr.querySelector("td")!.textContent)
        root.dispatch({ type: "clear" }, { lane: "transition" })
        await root.flush()
        const afterTransition = count()
        root.dispatch({ type: "add" }, { lane: "idle" })
        await root.flush()
        const afterIdle = count()
        // Nothing pending: flush still resolves.
        await root.flush()
        return { sameTask, afterRun, selected, afterTransition, afterIdle, commits: root.stats.commits - commitsBefore }
      })
      act({ type: "run" })
      const third = visibleRows(model)[2].id
      act({ type: "select", id: third })
      act({ type: "clear" })
      act({ type: "add" })
      expect(result).toEqual({ sameTask: 0, afterRun: 1000, selected: [String(third)], afterTransition: 0, afterIdle: 1000, commits: 4 })
      await expectTable(page, model)
    })

    it("unmount: empties the container, removes its listeners and ends the worker, even with work in flight", async () => {
      const before = await listenerTypes(cdp, "#app")
      expect(before).toEqual(["click", "input", "keydown"])
      expect(await page.evaluate(() => (window as unknown as { shuttleRoot: { stats: { listeners: number } } }).shuttleRoot.stats.listeners)).toBe(3)

      const workerClosed = page.workers()[0].waitForEvent("close")
      const after = await page.evaluate(async () => {
        type R = {
          unmount(): Promise<void>
          dispatch(msg: unknown): void
          flush(): Promise<void>
          stats: { listeners: number; nodes: number }
        }
        const root = (window as unknown as { shuttleRoot: R }).shuttleRoot
        const tag = (error: unknown) => (error as { _tag?: string })._tag ?? (error as Error).name
        // A 10,000-row render is queued and a flush waits for it when unmount comes.
        root.dispatch({ type: "runlots" })
        const pendingFlush = root.flush().then(() => "resolved", tag)
        await root.unmount()
        let dispatchError = "none"
        try {
          root.dispatch({ type: "run" })
        } catch (error) {
          dispatchError = tag(error)
        }
        const flushAfter = await root.flush().then(() => "resolved", tag)
        const app = document.getElementById("app")!
        return {
          html: app.innerHTML,
          listeners: root.stats.listeners,
          nodes: root.stats.nodes,
          pendingFlush: await pendingFlush,
          dispatchError,
          flushAfter
        }
      })
      expect(after).toEqual({
        html: "",
        listeners: 0,
        nodes: 0,
        pendingFlush: "RootUnmountedError",
        dispatchError: "RootUnmountedError",
        flushAfter: "RootUnmountedError"
      })
      expect(await listenerTypes(cdp, "#app")).toEqual([])
      await workerClosed
      expect(page.workers()).toEqual([])
      // Nothing the worker sent before it ended reached the container.
      expect(await page.evaluate(() => document.getElementById("app")!.childNodes.length)).toBe(0)
    })
  })

  describe("two roots on one page", () => {
    let page: Page
    let cdp: CDPSession
    const counts = (): Promise<string[]> =>
      page.$$eval("#root-a .count, #root-b .count", (outputs) => outputs.map((output) => output.textContent ?? ""))
    const waitCounts = async (a: string | null, b: string): Promise<void> => {
      await page
        .waitForFunction(([a, b]) =>
          (document.querySelector("#root-a .count")?.textContent ?? null) === a &&
          document.querySelector("#root-b .count")?.textContent === b, [a, b] as const, { timeout: 30_000 })
        .catch(() => undefined)
    }

    beforeAll(async () => {
      page = await browser.open("two-roots", "#root-b .count")
      await page.waitForSelector("#root-a .count")
      cdp = await page.context().newCDPSession(page)
    })

    afterAll(async () => {
      await cdp?.detach().catch(() => undefined)
      await page?.close()
    })

    it("mounts two roots, each with its own worker", async () => {
      expect(await counts()).toEqual(["0", "0"])
      expect(page.workers().length).toBe(2)
      expect(await listenerTypes(cdp, "#root-a")).toEqual(["click"])
      expect(await listenerTypes(cdp, "#root-b")).toEqual(["click"])
    })

    it("clicking in one root changes only that root", async () => {
      for (let i = 0; i < 3; i++) await page.click("#root-a .inc")
      await waitCounts("3", "0")
      expect(await counts()).toEqual(["3", "0"])

      await page.click("#root-b .inc")
      await waitCounts("3", "1")
      expect(await counts()).toEqual(["3", "1"])

      await page.click("#root-a .reset")
      await waitCounts("0", "1")
      expect(await counts()).toEqual(["0", "1"])
      for (let i = 0; i < 2; i++) await page.click("#root-a .inc")
      await waitCounts("2", "1")
      expect(await counts()).toEqual(["2", "1"])
    })

    it("unmounting one root leaves the other working", async () => {
      const workersBefore = page.workers().length
      await page.click("#unmount-a")
      await page.waitForFunction(() => document.body.dataset.unmountedA !== undefined, undefined, { timeout: 30_000 })
      expect(await page.evaluate(() => document.body.dataset.unmountedA)).toBe("done")
      expect(await page.evaluate(() => document.getElementById("root-a")!.innerHTML)).toBe("")
      expect(await listenerTypes(cdp, "#root-a")).toEqual([])
      expect(await listenerTypes(cdp, "#root-b")).toEqual(["click"])
      await expect.poll(() => page.workers().length, { timeout: 30_000 }).toBe(workersBefore - 1)

      for (let i = 0; i < 2; i++) await page.click("#root-b .inc")
      await waitCounts(null, "3")
      expect(await page.textContent("#root-b .count")).toBe("3")
      expect(await page.evaluate(() => document.getElementById("root-a")!.childNodes.length)).toBe(0)
      await page.screenshot({ path: `${SHOTS}/two-roots-after-unmount.png` })
    })
  })
})
