import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { init, type Model, type Msg, update, visibleRows } from "../../examples/table/model.ts"
import type { HistoryFile, HistoryInfo } from "../../protocol/state.ts"
import { describeBrowser, useBrowserSuite } from "./_chromium.ts"

/**
 * The state tools in Chromium with real Workers and the page's real IndexedDB
 * (docs/persistence.md, docs/undo.md, docs/schemas.md): the notes demo kept across page
 * reloads, a corrupt record, a schema change between two loads, a storage that is full;
 * and time travel in the table demo, where every point shown must be exactly the DOM a
 * fresh root renders for that model.
 */

const SHOTS = "/tmp"

interface ReportedError {
  readonly _tag: string
  readonly kind: string
  readonly path: string
  readonly message: string
}

interface NotesWindow {
  notesDemo: { root: { flush(): Promise<void> }; errors: ReportedError[]; refusedWrites: number }
  /** Every distinct innerHTML #app had since the page started, in order (the init script). */
  appStates: string[]
}

/**
 * Records each distinct state of #app from the moment the page starts parsing, so a test
 * can tell what the first commit showed (and that no other view flashed before it).
 */
function recordAppStates(): void {
  const w = window as unknown as NotesWindow
  w.appStates = []
  const record = (): void => {
    const app = document.getElementById("app")
    if (app === null) return
    const html = app.innerHTML
    if (w.appStates[w.appStates.length - 1] !== html) w.appStates.push(html)
  }
  new MutationObserver(record).observe(document, { childList: true, subtree: true, characterData: true, attributes: true })
}

/** Every key and value in IndexedDB "shuttle"/"models" (the default persist storage). */
function storedEntries(page: Page): Promise<Array<[string, unknown]>> {
  return page.evaluate(() => new Promise<Array<[string, unknown]>>((resolve, reject) => {
    const open = indexedDB.open("shuttle")
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const db = open.result
      if (!db.objectStoreNames.contains("models")) {
        db.close()
        resolve([])
        return
      }
      const transaction = db.transaction("models", "readonly")
      const keys = transaction.objectStore("models").getAllKeys()
      const values = transaction.objectStore("models").getAll()
      transaction.oncomplete = () => {
        db.close()
        resolve(keys.result.map((key, i): [string, unknown] => [String(key), values.result[i]]))
      }
      transaction.onabort = () => reject(transaction.error)
    }
  }))
}

/** Clears IndexedDB "shuttle"/"models" and puts `entries` in it (the store exists once the app ran on this origin). */
function resetStore(page: Page, entries: Array<[string, unknown]>): Promise<void> {
  return page.evaluate((entries) => new Promise<void>((resolve, reject) => {
    const open = indexedDB.open("shuttle")
    open.onerror = () => reject(open.error)
    open.onsuccess = () => {
      const db = open.result
      const transaction = db.transaction("models", "readwrite")
      const store = transaction.objectStore("models")
      store.clear()
      for (const [key, value] of entries) store.put(value, key)
      transaction.oncomplete = () => {
        db.close()
        resolve()
      }
      transaction.onabort = () => reject(transaction.error)
    }
  }), entries)
}

async function stored(page: Page, key: string): Promise<unknown> {
  return (await storedEntries(page)).find(([k]) => k === key)?.[1]
}

/** The notes the page shows: text and done, from the DOM (the checkbox's property, not its attribute). */
function shownNotes(page: Page): Promise<Array<{ text: string; done: boolean; checked: boolean }>> {
  return page.$$eval("main.notes li", (items) => items.map((li) => ({
    text: li.querySelector(".text")?.textContent ?? "<no .text>",
    done: li.classList.contains("done"),
    checked: (li.querySelector("input.toggle") as HTMLInputElement | null)?.checked ?? false
  })))
}

const appHtml = (page: Page): Promise<string> => page.$eval("#app", (app) => app.innerHTML)
const notesErrors = (page: Page): Promise<ReportedError[]> => page.evaluate(() => (window as unknown as NotesWindow).notesDemo.errors)
const appStates = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as NotesWindow).appStates)
const flushNotes = (page: Page): Promise<void> => page.evaluate(() => (window as unknown as NotesWindow).notesDemo.root.flush())

async function waitForNoteCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction((count) => document.querySelectorAll("main.notes li").length === count && document.querySelector("main.notes") !== null, count, { timeout: 30_000 })
}

async function addNote(page: Page, text: string, how: "click" | "enter"): Promise<void> {
  const before = await page.$$eval("main.notes li", (items) => items.length)
  await page.fill("#draft", text)
  if (how === "click") {
    // The Add button is enabled by the commit that follows the typing.
    await page.waitForSelector("#add:not([disabled])")
    await page.click("#add")
  } else {
    await page.press("#draft", "Enter")
  }
  await waitForNoteCount(page, before + 1)
}

/** The stored record's present notes, as `{ text, done }`, or null when none is stored. */
async function storedNotes(page: Page, key = "notes"): Promise<Array<{ text: string; done: boolean }> | null> {
  const record = await stored(page, key) as { model?: { present?: { notes?: Array<{ text: string; done: boolean }> } } } | undefined
  const notes = record?.model?.present?.notes
  return notes === undefined ? null : notes.map((note) => ({ text: note.text, done: note.done }))
}

describeBrowser("state tools in Chromium", () => {
  const browser = useBrowserSuite()

  describe("notes demo: persistence in IndexedDB", () => {
    let page: Page
    const origin = (): string => browser.suite.server.url
    /** Leaves the notes page for another page of the origin (the table demo keeps nothing) and sets the store. */
    const leaveAndReset = async (entries: Array<[string, unknown]>): Promise<void> => {
      await page.goto(`${origin()}table/`)
      await page.waitForSelector("#run")
      await resetStore(page, entries)
      expect(await storedEntries(page)).toEqual(entries)
    }

    beforeAll(async () => {
      page = await browser.newPage()
      await page.addInitScript(recordAppStates)
      // The first visit makes the database and its store.
      await page.goto(`${origin()}notes/`)
      await page.waitForSelector("main.notes")
    })

    afterAll(async () => {
      await page?.close()
    })

    it("keeps the notes across a real reload: the first commit shows them (no flash of the empty list); undo and redo work after it", async () => {
      await leaveAndReset([])
      await page.goto(`${origin()}notes/`)
      await page.waitForSelector("main.notes .empty")
      expect(await page.textContent("main.notes .status")).toBe("0 open, 0 done")
      expect(await page.$eval("#undo", (button) => (button as HTMLButtonElement).disabled)).toBe(true)

      await addNote(page, "Buy milk", "click")
      await addNote(page, "Call the plumber", "enter")
      await addNote(page, "Water the plants", "click")
      await page.locator("main.notes li").nth(1).locator("input.toggle").click()
      await page.waitForSelector("main.notes li.done")
      const expected = [
        { text: "Buy milk", done: false, checked: false },
        { text: "Call the plumber", done: true, checked: true },
        { text: "Water the plants", done: false, checked: false }
      ]
      expect(await shownNotes(page)).toEqual(expected)
      expect(await page.textContent("main.notes .status")).toBe("2 open, 1 done")
      expect(await page.inputValue("#draft")).toBe("")

      // The writer is debounced: wait until the record holds the toggled list.
      const want = expected.map(({ text, done }) => ({ text, done }))
      await expect.poll(() => storedNotes(page), { timeout: 30_000 }).toEqual(want)
      const record = await stored(page, "notes") as Record<string, unknown>
      expect(record).toMatchObject({ format: "shuttle-model", version: 1 })
      expect(record.modelHash).toMatch(/^[0-9a-f]{8}$/)
      const before = await appHtml(page)
      await page.screenshot({ path: `${SHOTS}/notes-before-reload.png` })

      await page.reload()
      await waitForNoteCount(page, 3)
      await flushNotes(page)
      const after = await appHtml(page)
      expect(after).toBe(before)
      // What #app showed, from the start of the page: the first thing with content is the
      // restored list itself. (The empty string is #app as parsed, before any commit.)
      const all = await appStates(page)
      // The observer saw #app empty, before any commit: it watched from the start.
      expect(all[0]).toBe("")
      const states = all.filter((html) => html !== "")
      expect(states[0]).toBe(before)
      expect(states.some((html) => html.includes("No notes yet"))).toBe(false)
      expect(await shownNotes(page)).toEqual(expected)
      expect(await notesErrors(page)).toEqual([])
      await page.screenshot({ path: `${SHOTS}/notes-after-reload.png` })

      // The undo history was stored with the model: undo the toggle, then the last add.
      await page.click("#undo")
      await page.waitForFunction(() => document.querySelector("main.notes li.done") === null)
      expect((await shownNotes(page)).map((note) => note.done)).toEqual([false, false, false])
      await page.click("#undo")
      await waitForNoteCount(page, 2)
      expect((await shownNotes(page)).map((note) => note.text)).toEqual(["Buy milk", "Call the plumber"])
      // Undoing an add gives the typed text back to the box.
      expect(await page.inputValue("#draft")).toBe("Water the plants")
      await page.click("#redo")
      await waitForNoteCount(page, 3)
      await page.click("#redo")
      await page.waitForSelector("main.notes li.done")
      expect(await shownNotes(page)).toEqual(expected)
      expect(await page.$eval("#redo", (button) => (button as HTMLButtonElement).disabled)).toBe(true)
      expect(await page.$eval("#undo", (button) => (button as HTMLButtonElement).disabled)).toBe(false)

      // Remove works, and undo brings the note back.
      await page.locator("main.notes li").nth(0).locator("button.remove").click()
      await waitForNoteCount(page, 2)
      expect((await shownNotes(page)).map((note) => note.text)).toEqual(["Call the plumber", "Water the plants"])
      await page.click("#undo")
      await waitForNoteCount(page, 3)
      expect(await shownNotes(page)).toEqual(expected)
      expect(await notesErrors(page)).toEqual([])
    })

    it("a change made just before a reload is written at pagehide, with the messages the worker had not snapshotted yet", async () => {
      await leaveAndReset([])
      await page.goto(`${origin()}notes/`)
      await page.waitForSelector("main.notes .empty")
      await addNote(page, "Saved at pagehide", "enter")
      await flushNotes(page)
      // No wait for the debounced write: the reload's pagehide must write it.
      await page.reload()
      await waitForNoteCount(page, 1)
      expect(await shownNotes(page)).toEqual([{ text: "Saved at pagehide", done: false, checked: false }])
      expect(await notesErrors(page)).toEqual([])
    })

    it("a corrupt record: the app starts empty, one PersistCorrupt is reported, the value is kept aside", async () => {
      const garbage = { format: "not-shuttle", junk: [1, 2, 3], text: "written by something else" }
      await leaveAndReset([["notes", garbage]])

      await page.goto(`${origin()}notes/`)
      await page.waitForSelector("main.notes .empty")
      await flushNotes(page)
      expect(await shownNotes(page)).toEqual([])
      expect((await appStates(page)).filter((html) => html !== "").every((html) => html.includes("No notes yet"))).toBe(true)
      const errors = await notesErrors(page)
      expect(errors.map(({ _tag, kind }) => ({ _tag, kind }))).toEqual([{ _tag: "StateError", kind: "PersistCorrupt" }])

      await expect.poll(async () => (await storedEntries(page)).filter(([key]) => key.startsWith("notes:rejected:")).length, { timeout: 30_000 }).toBe(1)
      const aside = (await storedEntries(page)).find(([key]) => key.startsWith("notes:rejected:"))!
      expect(aside[0]).toMatch(/^notes:rejected:\d+$/)
      expect(aside[1]).toEqual(garbage)

      // The app works, and its next write replaces the garbage with a record.
      await addNote(page, "Fresh start", "enter")
      await expect.poll(() => storedNotes(page), { timeout: 30_000 }).toEqual([{ text: "Fresh start", done: false }])
      expect(await notesErrors(page)).toHaveLength(1)
    })

    it("a schema change between two loads: the new deploy refuses the old record with its path, starts from init and keeps the record aside", async () => {
      await leaveAndReset([])
      await page.goto(`${origin()}notes/`)
      await page.waitForSelector("main.notes .empty")
      await addNote(page, "Written by v1", "click")
      await expect.poll(() => storedNotes(page), { timeout: 30_000 }).toEqual([{ text: "Written by v1", done: false }])
      const v1Record = await stored(page, "notes") as { savedAt: number; modelHash: string; model: unknown }
      expect(await notesErrors(page)).toEqual([])

      await page.goto(`${origin()}notes/?schema=v2`)
      await page.waitForSelector("main.notes .empty")
      await flushNotes(page)
      expect(await shownNotes(page)).toEqual([])
      const errors = await notesErrors(page)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatchObject({ _tag: "StateError", kind: "ModelRejected", path: "[\"present\"][\"title\"]" })

      await expect.poll(() => stored(page, `notes:rejected:${v1Record.savedAt}`), { timeout: 30_000 }).toEqual(v1Record)

      // v2 works and saves its own record, under another hash, with the new field.
      await addNote(page, "Written by v2", "enter")
      await expect.poll(() => storedNotes(page), { timeout: 30_000 }).toEqual([{ text: "Written by v2", done: false }])
      const v2Record = await stored(page, "notes") as { modelHash: string; model: { present: { title?: string } } }
      expect(v2Record.modelHash).toMatch(/^[0-9a-f]{8}$/)
      expect(v2Record.modelHash).not.toBe(v1Record.modelHash)
      expect(v2Record.model.present.title).toBe("Notes")
      expect(await notesErrors(page)).toHaveLength(1)
    })

    it("a full storage: PersistQuota is reported once, the app keeps working", async () => {
      await leaveAndReset([])
      await page.goto(`${origin()}notes/?storage=quota`)
      await page.waitForSelector("main.notes .empty")
      await addNote(page, "Too big to keep", "click")
      await page.waitForFunction(() => (window as unknown as NotesWindow).notesDemo.errors.length > 0, undefined, { timeout: 30_000 })
      const refused = await page.evaluate(() => (window as unknown as NotesWindow).notesDemo.refusedWrites)
      expect(refused).toBeGreaterThan(0)

      // More changes, more refused writes: still one report.
      await addNote(page, "Still works", "enter")
      await page.locator("main.notes li").nth(0).locator("input.toggle").click()
      await page.waitForSelector("main.notes li.done")
      await page.waitForFunction((refused) => (window as unknown as NotesWindow).notesDemo.refusedWrites > refused, refused, { timeout: 30_000 })
      const errors = await notesErrors(page)
      expect(errors.map(({ _tag, kind }) => ({ _tag, kind }))).toEqual([{ _tag: "StateError", kind: "PersistQuota" }])
      expect(await shownNotes(page)).toEqual([
        { text: "Too big to keep", done: true, checked: true },
        { text: "Still works", done: false, checked: false }
      ])
      await page.click("#undo")
      await page.waitForFunction(() => document.querySelector("main.notes li.done") === null)
      // Nothing was written to IndexedDB.
      expect(await storedEntries(page)).toEqual([])
    })
  })

  describe("table demo: time travel", () => {
    let page: Page
    type TableWindow = {
      shuttleRoot: {
        flush(): Promise<void>
        history: {
          info(): Promise<HistoryInfo>
          export(): Promise<HistoryFile>
          jumpTo(index: number): Promise<void>
          resume(): Promise<void>
        }
      }
    }

    beforeAll(async () => {
      page = await browser.open("table/?history=1", "#run")
    })

    afterAll(async () => {
      await page?.close()
    })

    it("every point jumped to is the DOM a fresh root renders for that model; resume brings the present back", async () => {
      let model = init()
      const tr = page.locator("table.table > tbody > tr")
      const rowCount = (n: number) => page.waitForFunction((n) => document.querySelectorAll("table.table > tbody > tr").length === n, n, { timeout: 30_000 })

      await page.click("#run")
      model = update(model, { type: "run" })
      await rowCount(1000)
      const selected = visibleRows(model)[4].id
      await tr.nth(4).locator("a.lbl").click()
      model = update(model, { type: "select", id: selected })
      await page.waitForSelector("tr.danger")
      await page.click("#swaprows")
      model = update(model, { type: "swaprows" })
      const removed = visibleRows(model)[2].id
      await tr.nth(2).locator("a.remove > span").click()
      model = update(model, { type: "remove", id: removed })
      await rowCount(999)
      await page.click("#update")
      model = update(model, { type: "update" })
      await page.evaluate(() => (window as unknown as TableWindow).shuttleRoot.flush())
      await page.waitForFunction((label) => document.querySelector("table.table > tbody > tr a.lbl")?.textContent === label, visibleRows(model)[0].label, { timeout: 30_000 })

      const present = await appHtml(page)
      const file = await page.evaluate(() => (window as unknown as TableWindow).shuttleRoot.history.export())
      // The history holds exactly what the test did, from the init model.
      expect(file.base).toEqual(init())
      expect(file.msgs).toEqual([
        { type: "run" },
        { type: "select", id: selected },
        { type: "swaprows" },
        { type: "remove", id: removed },
        { type: "update" }
      ])
      const info = await page.evaluate(() => (window as unknown as TableWindow).shuttleRoot.history.info())
      expect(info).toMatchObject({ start: file.start, end: file.start + 5, traveling: null })

      /** The model after message `index`, folded here through the app's own update. */
      const modelAt = (index: number): Model =>
        (file.msgs.slice(0, index - file.start + 1) as Msg[]).reduce(update, file.base as Model)

      const seen = new Set<string>()
      for (const index of [file.start + 2, file.start - 1, file.start + 3, file.start, file.start + 1, file.start + 4]) {
        await page.evaluate((index) => (window as unknown as TableWindow).shuttleRoot.history.jumpTo(index), index)
        const shown = await appHtml(page)
        expect((await page.evaluate(() => (window as unknown as TableWindow).shuttleRoot.history.info())).traveling).toBe(index)

        const at = modelAt(index)
        const fresh = await page.evaluate(async ({ file, count, model }) => {
          const createRoot = (window as unknown as { shuttleCreateRoot: (c: Element, w: Worker, o?: object) => {
            flush(): Promise<void>
            unmount(): Promise<void>
            ready: Promise<void>
            history: { import(file: unknown): Promise<void> }
          } }).shuttleCreateRoot
          const render = async (options: object, then: (root: { history: { import(file: unknown): Promise<void> } }) => Promise<void>): Promise<string> => {
            const container = document.createElement("div")
            document.body.append(container)
            const root = createRoot(container, new Worker("./app.worker.js", { type: "module" }), options)
            await root.ready
            await then(root)
            await root.flush()
            const html = container.innerHTML
            await root.unmount()
            container.remove()
            return html
          }
          // 1. The history file cut after the message jumped to, imported into a new root.
          const cut = { ...file, msgs: file.msgs.slice(0, count), lanes: file.lanes.slice(0, count), times: file.times.slice(0, count) }
          const imported = await render({ history: true }, (root) => root.history.import(cut))
          // 2. A new root whose first commit is that model (given as its stored model): no diff from another view at all.
          const record = { format: "shuttle-model", version: 1, modelHash: file.modelHash, savedAt: Date.now(), model }
          const storage = { get: () => Promise.resolve(record), set: () => Promise.resolve(), delete: () => Promise.resolve() }
          const first = await render({ persist: { key: "table", storage } }, () => Promise.resolve())
          return { imported, first }
        }, { file, count: index - file.start + 1, model: at })

        expect(fresh.imported).toBe(shown)
        expect(fresh.first).toBe(shown)
        // And it is that model: its rows, its selection.
        const rows = await page.$$eval("table.table > tbody > tr", (rows) => rows.map((row) => `${row.querySelector("td")?.textContent}|${row.className}`))
        expect(rows).toEqual(visibleRows(at).map((row) => `${row.id}|${row.id === at.selected ? "danger" : ""}`))
        seen.add(shown)
      }
      // Six points, six different views (the test is not comparing one view with itself).
      expect(seen.size).toBe(6)

      // While travelling, a click changes nothing (DOM events are dropped).
      await page.click("#clear")
      expect(await page.$$eval("table.table > tbody > tr", (rows) => rows.length)).toBe(999)

      await page.evaluate(() => (window as unknown as TableWindow).shuttleRoot.history.resume())
      expect(await appHtml(page)).toBe(present)
      expect((await page.evaluate(() => (window as unknown as TableWindow).shuttleRoot.history.info())).traveling).toBe(null)
      // The present is live again.
      await page.click("#clear")
      await rowCount(0)
    })
  })
})
