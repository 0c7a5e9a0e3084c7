// The in-page half of the driver. `installHarness` is serialized by playwright and run in
// every benchmark page once it has loaded; it defines `window.__jfb`, which the driver
// calls with page.evaluate. It must stay self-contained: no imports, no closures over
// this module.
//
// Expectations (`expect`) are plain data computed by the driver from its mirror of the
// model: { count, probes: [[index, idText, labelText, className], ...], status }.

export function installHarness() {
  if (window.__jfb !== undefined) return
  const raf = () => new Promise((resolve) => requestAnimationFrame(resolve))
  const macrotask = () => new Promise((resolve) => setTimeout(resolve, 0))
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

  const tbody = () => document.querySelector("table.test-data > tbody")
  const cellText = (tr, i) => tr.children[i]?.textContent
  const labelOf = (tr) => tr.children[1]?.firstElementChild?.textContent

  /** The cheap check polled once per frame while timing: row count and a few rows' text and class. */
  function met(expect) {
    const body = tbody()
    if (body === null) return false
    const rows = body.children
    if (rows.length !== expect.count) return false
    for (let p = 0; p < expect.probes.length; p++) {
      const [index, id, label, className] = expect.probes[p]
      const tr = rows[index]
      if (tr === undefined || cellText(tr, 0) !== id || labelOf(tr) !== label || tr.className !== className) return false
    }
    return true
  }

  function describe(expect) {
    const body = tbody()
    if (body === null) return "no table.test-data > tbody in the page"
    const rows = body.children
    if (rows.length !== expect.count) return `${rows.length} rows, expected ${expect.count}`
    for (const [index, id, label, className] of expect.probes) {
      const tr = rows[index]
      const got = tr === undefined ? "no row" : `id ${JSON.stringify(cellText(tr, 0))} label ${JSON.stringify(labelOf(tr))} class ${JSON.stringify(tr.className)}`
      const want = `id ${JSON.stringify(id)} label ${JSON.stringify(label)} class ${JSON.stringify(className)}`
      if (got !== want) return `row ${index}: ${got}, expected ${want}`
    }
    return "matches"
  }

  function target(action) {
    if (action.click !== undefined) return document.querySelector(action.click)
    const tr = tbody()?.children[action.row]
    return tr?.querySelector(`a.${action.link}`) ?? null
  }

  /** FNV-1a over the UTF-16 units of `text`, continuing from `hash`. The driver computes the same in Node. */
  function fnv(hash, text) {
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0
    return hash
  }

  const marked = new Map()

  window.__jfb = {
    /** Waits for two frames and a short idle gap, so a sample starts from a quiet page (and an idle Shuttle worker). */
    async settle() {
      const root = window.shuttleRoot
      // The worker has processed everything and its commits are in the DOM.
      if (root !== undefined) await root.flush()
      await raf()
      await raf()
      await sleep(20)
      // A Shuttle commit still queued for a frame would land inside the next sample.
      if (root !== undefined) while (root.stats.queuedCommits > 0) await raf()
    },

    /** Clicks, then waits (polling once per frame) until `expect` holds. For set-up, untimed. */
    async act(action, expect, timeoutMs) {
      const el = target(action)
      if (el === null) throw new Error(`no element for ${JSON.stringify(action)}`)
      el.click()
      const start = performance.now()
      while (!met(expect)) {
        if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for the DOM: ${describe(expect)}`)
        await raf()
      }
    },

    /**
     * One timed sample: from just before the click to the end of the first frame that shows
     * the expected DOM. The check runs in rAF callbacks, so the frame whose rAF first sees
     * the new rows is the one that styles, lays out and paints them; a macrotask queued from
     * that callback runs after the frame's rendering work, and its start is the end mark.
     */
    async measure(action, expect, timeoutMs) {
      const el = target(action)
      if (el === null) throw new Error(`no element for ${JSON.stringify(action)}`)
      const shuttle = window.shuttleRoot
      const commitsBefore = shuttle === undefined ? 0 : shuttle.stats.commits
      const t0 = performance.now()
      el.click()
      const tClick = performance.now()
      let frames = 0
      for (;;) {
        await raf()
        frames++
        if (met(expect)) break
        if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for the DOM: ${describe(expect)}`)
      }
      const tFrame = performance.now()
      await macrotask()
      const t1 = performance.now()
      let shuttleCommit = null
      if (shuttle !== undefined) {
        const stats = shuttle.stats
        const c = stats.lastCommit
        shuttleCommit = c === null ? null : {
          commits: stats.commits - commitsBefore,
          messages: c.messages,
          updateMs: c.updateMs,
          viewMs: c.viewMs,
          diffMs: c.diffMs,
          encodeMs: c.encodeMs,
          applyMs: c.applyMs,
          patchBytes: c.patchBytes
        }
      }
      return { totalMs: t1 - t0, clickMs: tClick - t0, domFrameMs: tFrame - t0, frames, shuttle: shuttleCommit }
    },

    /** Tags the rows at `indices` so `whereMarked` can find the same node objects later. */
    mark(indices) {
      marked.clear()
      const rows = tbody().children
      for (const index of indices) {
        if (rows[index] === undefined) throw new Error(`mark: no row ${index}`)
        marked.set(index, rows[index])
      }
    },

    /** Row index now held by each marked node (-1: gone from the table). */
    whereMarked() {
      const rows = Array.prototype.slice.call(tbody().children)
      const out = {}
      for (const [index, node] of marked) out[index] = rows.indexOf(node)
      marked.clear()
      return out
    },

    /** The whole table checked: a hash of every row's id, label and class, the markup of every row, and #status. */
    digest() {
      const body = tbody()
      if (body === null) return { count: -1, hash: 0, badShape: "no tbody", status: null }
      const rows = body.children
      let hash = 2166136261
      let badShape = null
      for (let i = 0; i < rows.length; i++) {
        const tr = rows[i]
        hash = fnv(hash, `${cellText(tr, 0)}\t${labelOf(tr)}\t${tr.className}\n`)
        if (badShape === null) {
          const ok = tr.tagName === "TR" && tr.children.length === 4 &&
            tr.children[0].matches("td.col-md-1") &&
            tr.children[1].matches("td.col-md-4") && tr.children[1].children.length === 1 && tr.children[1].firstElementChild.matches("a.lbl") &&
            tr.children[2].matches("td.col-md-1") && tr.children[2].querySelector(":scope > a.remove > span.glyphicon-remove") !== null &&
            tr.children[3].matches("td.col-md-6") && tr.children[3].childNodes.length === 0
          if (!ok) badShape = `row ${i}: ${tr.outerHTML.slice(0, 300)}`
        }
      }
      return { count: rows.length, hash, badShape, status: document.getElementById("status")?.textContent ?? null }
    },

    /** What the page shows at rows `from`..`to`, to print when a check fails. */
    rowsText(from, to) {
      const rows = tbody()?.children ?? []
      const out = []
      for (let i = from; i < Math.min(to, rows.length); i++) out.push(`${i}: ${cellText(rows[i], 0)} | ${labelOf(rows[i])} | ${rows[i].className}`)
      return out
    }
  }
}

/** The Node twin of the page's `fnv` + digest loop. */
export function digestRows(rows, selected) {
  let hash = 2166136261
  for (const row of rows) {
    const text = `${row.id}\t${row.label}\t${row.id === selected ? "danger" : ""}\n`
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0
  }
  return hash
}
