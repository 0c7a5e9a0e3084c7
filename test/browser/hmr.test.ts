/**
 * Hot module replacement under Vite's dev server (docs/hmr.md): the examples' Vite config
 * (examples/vite.config.mjs, with the `shuttle()` plugin) served in-process, real edits of
 * real files, watched in Chromium.
 *
 * The edits go to a copy of examples/table and examples/two-roots made for this run
 * (examples/.hmr-test-<random>/, gitignored, removed afterwards): the repo's own files are
 * never left edited. The copy sits inside examples/ so its imports resolve as the
 * originals' do.
 *
 * Prints (does not assert) the edit-to-DOM time with 1,000 rows and the worker heap
 * before and after 50 edits.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { randomBytes } from "node:crypto"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { chromium, type Browser, type BrowserContext, type Page, type Worker as PageWorker } from "playwright-core"
import { createServer, type ViteDevServer } from "vite"
import { afterAll, beforeAll, expect, test } from "vitest"
import { CHROMIUM_FLAGS, CHROMIUM_PATH, describeBrowser } from "./_chromium.ts"

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..")
const EXAMPLES = join(REPO, "examples")
const SCRATCH_NAME = `.hmr-test-${randomBytes(4).toString("hex")}`
const SCRATCH = join(EXAMPLES, SCRATCH_NAME)
const TABLE = join(SCRATCH, "table")
const TWO_ROOTS = join(SCRATCH, "two-roots")

/** The text of a copied file, and a writer that replaces `from` (present exactly once) by `to`. */
function editor(file: string) {
  const original = readFileSync(file, "utf8")
  return {
    original,
    write(text: string): void {
      writeFileSync(file, text)
    },
    replace(from: string, to: string): string {
      const parts = original.split(from)
      if (parts.length !== 2) throw new Error(`${file} should hold ${JSON.stringify(from)} once`)
      const text = parts.join(to)
      writeFileSync(file, text)
      return text
    },
    restore(): void {
      writeFileSync(file, original)
    }
  }
}

async function waitForText(page: Page, selector: string, text: string, timeout = 30_000): Promise<void> {
  try {
    await page.waitForFunction(([s, t]) => document.querySelector(s!)?.textContent === t, [selector, text] as const, { timeout })
  } catch (error) {
    const actual = await page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector).catch(() => "(page gone)")
    throw new Error(`${selector} should read ${JSON.stringify(text)}, reads ${JSON.stringify(actual)}: ${String(error)}`)
  }
}

/** What the page keeps across a hot swap: a window marker and expandos on DOM nodes. */
async function markPage(page: Page, marker: string): Promise<void> {
  await page.evaluate((m) => {
    ;(window as { hmrMarker?: string }).hmrMarker = m
    const rows = document.querySelectorAll("tbody tr")
    ;(rows[0] as { hmrTag?: string }).hmrTag = `${m}:first`
    ;(rows[500] as { hmrTag?: string }).hmrTag = `${m}:middle`
  }, marker)
}

async function marks(page: Page): Promise<{ marker: string | null; first: string | null; middle: string | null }> {
  return page.evaluate(() => {
    const rows = document.querySelectorAll("tbody tr")
    return {
      marker: (window as { hmrMarker?: string }).hmrMarker ?? null,
      first: (rows[0] as { hmrTag?: string } | undefined)?.hmrTag ?? null,
      middle: (rows[500] as { hmrTag?: string } | undefined)?.hmrTag ?? null
    }
  })
}

/**
 * The JS heap of the page's dedicated workers after a full GC, through the browser's CDP
 * session: attached to each worker target, HeapProfiler.collectGarbage then
 * Runtime.getHeapUsage (usedSize), summed.
 */
async function workersHeap(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession()
  try {
    const { targetInfos } = (await cdp.send("Target.getTargets")) as { targetInfos: { targetId: string; type: string }[] }
    let total = 0
    let nextId = 1
    for (const target of targetInfos.filter((t) => t.type === "worker")) {
      const { sessionId } = (await cdp.send("Target.attachToTarget", { targetId: target.targetId, flatten: false })) as { sessionId: string }
      const call = (method: string) => new Promise<Record<string, unknown>>((resolveCall, reject) => {
        const id = nextId++
        const onMessage = (event: { sessionId?: string; message: string }) => {
          if (event.sessionId !== sessionId) return
          const reply = JSON.parse(event.message) as { id?: number; result?: Record<string, unknown>; error?: unknown }
          if (reply.id !== id) return
          cdp.off("Target.receivedMessageFromTarget", onMessage)
          if (reply.error !== undefined) reject(new Error(`${method}: ${JSON.stringify(reply.error)}`))
          else resolveCall(reply.result ?? {})
        }
        cdp.on("Target.receivedMessageFromTarget", onMessage)
        void cdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method }) })
      })
      await call("HeapProfiler.enable")
      for (let i = 0; i < 3; i++) await call("HeapProfiler.collectGarbage")
      total += (await call("Runtime.getHeapUsage")).usedSize as number
      await cdp.send("Target.detachFromTarget", { sessionId })
    }
    return total
  } finally {
    await cdp.detach()
  }
}

/**
 * Vite's file watcher (chokidar) drops a "change" that comes within 50 ms of the last one it
 * emitted for the same file (`_throttle(EV_CHANGE, path, 50)`, leading edge only: no trailing
 * event), and an update here often lands in less than that, so the next edit could be written
 * inside the window and never reach the page. `edit` first waits until 150 ms have passed since
 * the watcher's last event and the last write, then writes and waits up to 5 s for what the
 * write must cause; if nothing came it writes the same text again (counted and printed).
 */
const WATCHER_QUIET_MS = 150
let lastWatcherEventAt = 0
let lastWriteAt = 0
let watcherMisses = 0
async function edit(write: () => void, seen: (timeout: number) => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const quietFrom = Math.max(lastWatcherEventAt, lastWriteAt) + WATCHER_QUIET_MS
    if (Date.now() < quietFrom) await new Promise((r) => setTimeout(r, quietFrom - Date.now()))
    lastWriteAt = Date.now()
    write()
    try {
      await seen(attempt === 2 ? 30_000 : 5_000)
      return
    } catch (error) {
      if (attempt === 2) throw error
      watcherMisses++
    }
  }
}

async function until(check: () => boolean, what: string, timeout = 30_000): Promise<void> {
  const end = Date.now() + timeout
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

describeBrowser("hot module replacement under Vite's dev server (shuttle-ui/vite)", () => {
  let server: ViteDevServer
  let browser: Browser
  let context: BrowserContext
  let base = ""
  const errors: string[] = []

  beforeAll(async () => {
    mkdirSync(SCRATCH)
    cpSync(join(EXAMPLES, "table"), TABLE, { recursive: true })
    cpSync(join(EXAMPLES, "two-roots"), TWO_ROOTS, { recursive: true })
    server = await createServer({
      configFile: join(EXAMPLES, "vite.config.mjs"),
      logLevel: process.env.HMR_TEST_LOG === "1" ? "info" : "warn",
      server: { port: 0, host: "127.0.0.1" }
    })
    await server.listen()
    server.watcher.on("all", () => { lastWatcherEventAt = Date.now() })
    base = server.resolvedUrls!.local[0]!
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS
    })
    context = await browser.newContext({ viewport: { width: 1024, height: 768 } })
    // A first visit: Vite pre-bundles what the pages and workers import (it may reload the page once).
    const warm = await context.newPage()
    await warm.goto(`${base}${SCRATCH_NAME}/table/`)
    await warm.waitForSelector("#run")
    await warm.goto(`${base}${SCRATCH_NAME}/two-roots/`)
    await warm.waitForSelector("#root-a .count")
    await new Promise((r) => setTimeout(r, 1000))
    await warm.close()
  })

  afterAll(async () => {
    console.log(`[hmr] writes the file watcher missed (written again): ${watcherMisses}`)
    await context?.close()
    await browser?.close()
    await server?.close()
    rmSync(SCRATCH, { recursive: true, force: true })
  })

  async function openTable(): Promise<Page> {
    const page = await context.newPage()
    page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`))
    await page.goto(`${base}${SCRATCH_NAME}/table/`)
    await page.waitForSelector("#run")
    expect(await page.evaluate(() => crossOriginIsolated), "COOP/COEP from the plugin").toBe(true)
    expect(await page.evaluate(() => JSON.stringify((globalThis as { __SHUTTLE_HMR__?: unknown }).__SHUTTLE_HMR__))).toBe('{"restore":false}')
    await page.click("#run")
    await waitForText(page, "#status", "1000 of 1000 rows")
    return page
  }

  const overlays = (page: Page) => page.evaluate(() => document.querySelectorAll("vite-error-overlay").length)
  const selectedId = (page: Page) => page.evaluate(() => document.querySelector("tbody tr.danger td")?.textContent ?? null)

  test("table: view, update, a syntax error, a throwing view, main.ts, then 50 edits and 20 timed ones", async () => {
    const worker = editor(join(TABLE, "app.worker.tsx"))
    const model = editor(join(TABLE, "model.ts"))
    const main = editor(join(TABLE, "main.ts"))
    const page = await openTable()
    // "[vite] hot updated: …" from the worker's Vite client, one per applied update.
    const hotUpdates: string[] = []
    // Both consoles, printed if the test fails: what Vite's clients said about each update.
    const consoleLog: string[] = []
    page.on("console", (message) => consoleLog.push(`${Date.now()} page ${message.type()}: ${message.text()}`))
    const watchWorker = (w: PageWorker) => w.on("console", (message) => {
      consoleLog.push(`${Date.now()} worker ${message.type()}: ${message.text()}`)
      if (message.text().includes("hot updated")) hotUpdates.push(message.text())
    })
    watchWorker(page.workers()[0]!)
    page.on("worker", watchWorker)
    server.watcher.on("change", (file) => consoleLog.push(`${Date.now()} server watcher: change ${file}`))
    try {
      expect(page.workers()).toHaveLength(1)
      await page.click("tbody tr:nth-child(3) a.lbl")
      const selected = await selectedId(page)
      expect(selected).not.toBeNull()
      // Focus and caret in the filter box: a space matches every label ("adjective colour noun");
      // the caret goes before it, where typing would not leave it.
      await page.locator("#filter").pressSequentially(" ")
      await waitForText(page, "#status", "1000 of 1000 rows")
      await page.evaluate(() => (document.getElementById("filter") as HTMLInputElement).setSelectionRange(0, 0))
      await markPage(page, "v1")

      // 1. A text in the view.
      await edit(() => worker.replace("<h1>Shuttle (keyed)</h1>", "<h1>Shuttle (hot)</h1>"), (t) => waitForText(page, "h1", "Shuttle (hot)", t))
      expect(await marks(page)).toEqual({ marker: "v1", first: "v1:first", middle: "v1:middle" })
      expect(await page.textContent("#status")).toBe("1000 of 1000 rows")
      expect(await selectedId(page)).toBe(selected)
      expect(await page.evaluate(() => [document.activeElement?.id, (document.activeElement as HTMLInputElement).selectionStart, (document.activeElement as HTMLInputElement).value])).toEqual(["filter", 0, " "])
      expect(page.workers()).toHaveLength(1)

      // 2. update (model.ts, below the accepting worker module): new behaviour, same model.
      const firstLabel = await page.textContent("tbody tr:first-child a.lbl")
      const updatesBefore = hotUpdates.length
      const modelEdit = () => model.replace(`rows[i].label + " !!!"`, `rows[i].label + " ???"`)
      // The new update must be in before the click (one on the old code adds " !!!"): the
      // worker's Vite client says when it re-imported the module.
      await edit(modelEdit, (t) => until(() => hotUpdates.some((line) => line.includes("app.worker.tsx")) && hotUpdates.length > updatesBefore, "the worker's hot update for model.ts", t))
      await page.waitForTimeout(200)
      await page.click("#update")
      await waitForText(page, "tbody tr:first-child a.lbl", `${firstLabel} ???`)
      expect(await marks(page)).toEqual({ marker: "v1", first: "v1:first", middle: "v1:middle" })
      expect(await page.textContent("#status")).toBe("1000 of 1000 rows")

      // 3. A syntax error: the old code keeps running, Vite's overlay shows; a fix swaps.
      const hasOverlay = (timeout: number) => page.waitForFunction(() => document.querySelectorAll("vite-error-overlay").length > 0, null, { timeout })
      await edit(() => worker.write(worker.original.replace("<h1>Shuttle (keyed)</h1>", "<h1>Shuttle (broken</h1>").replace("function view(", "function view(((")), hasOverlay)
      await page.evaluate(() => document.querySelector("vite-error-overlay")?.setAttribute("style", "pointer-events: none"))
      await page.click("tbody tr:nth-child(5) a.lbl", { force: true })
      await page.waitForFunction(() => document.querySelector("tbody tr:nth-child(5)")?.className === "danger")
      expect(await page.textContent("h1")).toBe("Shuttle (hot)")
      await edit(() => worker.replace("<h1>Shuttle (keyed)</h1>", "<h1>Shuttle (fixed)</h1>"), (t) => waitForText(page, "h1", "Shuttle (fixed)", t))
      expect(await marks(page), "no reload after the error").toEqual({ marker: "v1", first: "v1:first", middle: "v1:middle" })
      expect(await overlays(page)).toBe(0)

      // 4. A view that throws: the swap is refused, the old code keeps running, the overlay shows.
      await edit(() => worker.replace("const rows = visibleRows(model)", `const rows = visibleRows(model)\n  if (rows.length > 0) throw new Error("hot boom")`), hasOverlay)
      const overlayText = await page.evaluate(() => document.querySelector("vite-error-overlay")?.shadowRoot?.textContent ?? "")
      expect(overlayText).toContain("hot boom")
      await page.evaluate(() => document.querySelector("vite-error-overlay")?.setAttribute("style", "pointer-events: none"))
      await page.click("tbody tr:nth-child(7) a.lbl", { force: true })
      await page.waitForFunction(() => document.querySelector("tbody tr:nth-child(7)")?.className === "danger")
      expect(await page.textContent("h1")).toBe("Shuttle (fixed)")
      await edit(() => worker.replace("<h1>Shuttle (keyed)</h1>", "<h1>Shuttle (fixed again)</h1>"), (t) => waitForText(page, "h1", "Shuttle (fixed again)", t))
      expect(await marks(page)).toEqual({ marker: "v1", first: "v1:first", middle: "v1:middle" })
      expect(await overlays(page)).toBe(0)
      expect(await page.textContent("#status")).toBe("1000 of 1000 rows")

      // 5. main.ts: the page reloads (the marker is gone) and the model comes back (the handoff).
      const selectedBefore = await selectedId(page)
      await page.waitForTimeout(300) // past the handoff's 100 ms debounce
      await edit(() => main.write(`${main.original}\n// edited by test/browser/hmr.test.ts\n`), (timeout) => page.waitForFunction(() => (window as { hmrMarker?: string }).hmrMarker === undefined, null, { timeout }))
      await waitForText(page, "#status", "1000 of 1000 rows")
      expect(await page.evaluate(() => JSON.stringify((globalThis as { __SHUTTLE_HMR__?: unknown }).__SHUTTLE_HMR__))).toBe('{"restore":true}')
      expect(await selectedId(page)).toBe(selectedBefore)
      expect(await page.textContent("h1")).toBe("Shuttle (fixed again)")
      expect(await page.inputValue("#filter")).toBe(" ")
      expect(page.workers()).toHaveLength(1)
      await markPage(page, "v2")

      // 6. 50 edits in a row: one live worker, the worker's heap flat after GC.
      const heapBefore = await workersHeap(browser)
      for (let i = 0; i < 50; i++) {
        await edit(() => worker.replace("<h1>Shuttle (keyed)</h1>", `<h1>Shuttle (edit ${i})</h1>`), (t) => waitForText(page, "h1", `Shuttle (edit ${i})`, t))
      }
      expect(page.workers()).toHaveLength(1)
      expect(await marks(page)).toEqual({ marker: "v2", first: "v2:first", middle: "v2:middle" })
      const heapAfter = await workersHeap(browser)
      console.log(`[hmr] worker JS heap after GC: ${(heapBefore / 1e6).toFixed(2)} MB before 50 edits, ${(heapAfter / 1e6).toFixed(2)} MB after (${(heapAfter / heapBefore).toFixed(2)}x)`)
      expect(heapBefore).toBeGreaterThan(0)
      expect(heapAfter).toBeLessThan(heapBefore * 2)

      // 7. Edit-to-DOM with 1,000 rows: from the file write to the h1's new text (printed, not asserted).
      const times: number[] = []
      for (let i = 0; i < 20; i++) {
        const text = `Shuttle (timed ${i})`
        await page.evaluate((t) => {
          const w = window as { hmrSeen?: Promise<number> }
          w.hmrSeen = new Promise((resolveSeen) => {
            const observer = new MutationObserver(() => {
              if (document.querySelector("h1")?.textContent === t) {
                observer.disconnect()
                resolveSeen(performance.timeOrigin + performance.now())
              }
            })
            observer.observe(document.body, { subtree: true, childList: true, characterData: true })
          })
        }, text)
        let written = 0
        let seen = 0
        // A write the watcher missed is written again (see `edit`) and timed from the rewrite.
        await edit(() => {
          written = performance.timeOrigin + performance.now()
          worker.replace("<h1>Shuttle (keyed)</h1>", `<h1>${text}</h1>`)
        }, async (timeout) => {
          seen = await page.evaluate((t) => Promise.race([
            (window as { hmrSeen?: Promise<number> }).hmrSeen!,
            new Promise<number>((_, reject) => setTimeout(() => reject(new Error("no update")), t))
          ]), timeout)
        })
        times.push(seen - written)
      }
      console.log(`[hmr] edit-to-DOM, table with 1,000 rows, 20 edits: p50 ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`)
      expect(await page.textContent("#status")).toBe("1000 of 1000 rows")
      expect(errors).toEqual([])
    } catch (error) {
      console.log(`[hmr] the consoles, last 40 lines:\n${consoleLog.slice(-40).join("\n")}`)
      throw error
    } finally {
      worker.restore()
      model.restore()
      main.restore()
      await page.close()
    }
  })

  test("two roots on a page keep their models across an edit", async () => {
    const worker = editor(join(TWO_ROOTS, "app.worker.tsx"))
    const page = await context.newPage()
    try {
      await page.goto(`${base}${SCRATCH_NAME}/two-roots/`)
      await page.waitForSelector("#root-a .count")
      await page.waitForSelector("#root-b .count")
      expect(page.workers()).toHaveLength(2)
      for (let i = 0; i < 2; i++) await page.click("#root-a .inc")
      await page.click("#root-b .inc")
      await waitForText(page, "#root-a .count", "2")
      await waitForText(page, "#root-b .count", "1")
      await page.evaluate(() => ((window as { hmrMarker?: string }).hmrMarker = "two"))
      await edit(() => worker.replace(`onClick={{ type: "inc" }}>+1</button>`, `onClick={{ type: "inc" }}>plus one</button>`), (t) => waitForText(page, "#root-a .inc", "plus one", t))
      await waitForText(page, "#root-b .inc", "plus one")
      expect(await page.textContent("#root-a .count")).toBe("2")
      expect(await page.textContent("#root-b .count")).toBe("1")
      expect(await page.evaluate(() => (window as { hmrMarker?: string }).hmrMarker)).toBe("two")
      expect(page.workers()).toHaveLength(2)
      await page.click("#root-b .inc")
      await waitForText(page, "#root-b .count", "2")
    } finally {
      worker.restore()
      await page.close()
    }
  })
})
