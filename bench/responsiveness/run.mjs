// Responsiveness under load (issue 3, priority lanes): how late keystrokes are handled,
// and how soon their echo shows, while a 10,000-row grid re-renders back to back, in
// Shuttle and its peers, in one Chromium, interleaved over several rounds.
//
//   node bench/responsiveness/run.mjs [--rounds N] [--only a,b] [--keys N] [--interval ms]
//                                     [--duration ms] [--trace name] [--css rules] [--no-build]
//
// Prints a Markdown table on stdout and writes bench/results/responsiveness.json.
// See README.md beside this file for what is measured and how.
import { execFileSync } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { cpus, loadavg, tmpdir, totalmem } from "node:os"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { build as esbuild } from "esbuild"
import { chromium } from "playwright-core"
import { DIST, startServer } from "../../examples/serve.mjs"
import { buildPages, PAGES_OUT } from "./build.mjs"
import { summariseTrace, TRACE_CATEGORIES, traceReport } from "./trace.mjs"

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, "..", "..")
const RESULTS = join(repo, "bench", "results")
// The Shuttle lanes page, copied out of examples/dist after the build, so that another
// `node examples/build.mjs` (which empties examples/dist) cannot pull it away mid-run.
const SHUTTLE_PAGES = join(RESULTS, "responsiveness-shuttle")

// Launch as TESTING.md says (the same flags as test/browser/_chromium.ts): Debian's
// Chromium, never a downloaded one, with a fresh user-data dir.
const CHROMIUM_PATH = "/usr/bin/chromium"
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

const ROWS = 10_000

/**
 * The libraries, all showing the same workload and the same DOM (see pages/ and
 * examples/lanes/). `server` says which static server holds the page. To add one, see README.md.
 */
const LIBRARIES = [
  { name: "vanilla", server: "peers", path: "vanilla/", about: "hand-written DOM updates, ticks chained with setTimeout(0)" },
  { name: "react", server: "peers", path: "react/", about: "React 19, setState per tick (Default lane, unsliced)" },
  { name: "react-transition", server: "peers", path: "react-transition/", about: "React 19, ticks in startTransition" },
  { name: "shuttle-default", server: "shuttle", path: "lanes/?lane=default", isolated: true, about: "Shuttle, ticks in the Default lane; page cross-origin isolated, commits through the shared ring" },
  { name: "shuttle-transition", server: "shuttle", path: "lanes/?lane=transition", isolated: true, about: "Shuttle, ticks in the Transition lane; page cross-origin isolated, commits through the shared ring" },
  { name: "shuttle-transition-nowait", server: "shuttle", path: "lanes/?lane=transition&answerWaitMs=0", isolated: true, about: "as shuttle-transition, but a keystroke's handler does not wait for its echo (answerWaitMs 0): the echo is applied when the ring is next drained" },
  { name: "shuttle-default-noiso", server: "shuttle", path: "lanes/?lane=default&isolation=off", isolated: false, about: "Shuttle, ticks in the Default lane; page not isolated, every commit by message" },
  { name: "shuttle-transition-noiso", server: "shuttle", path: "lanes/?lane=transition&isolation=off", isolated: false, about: "Shuttle, ticks in the Transition lane; page not isolated, every commit by message" }
]

// ---------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const options = { rounds: 3, only: null, keys: 100, interval: 16, duration: 2500, build: true, trace: null, css: null }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined) fail(`${arg} needs a value`)
      return v
    }
    const number = (min) => {
      const raw = value()
      const n = Number(raw)
      if (!Number.isFinite(n) || n < min) fail(`${arg} takes a number ≥ ${min}, got ${JSON.stringify(raw)}`)
      return n
    }
    switch (arg) {
      case "--rounds": options.rounds = Math.floor(number(0)); break
      case "--trace": options.trace = value(); break
      case "--css": options.css = value(); break
      case "--keys": options.keys = Math.floor(number(1)); break
      case "--interval": options.interval = number(1); break
      case "--duration": options.duration = number(100); break
      case "--only": options.only = value().split(",").map((s) => s.trim()).filter(Boolean); break
      case "--no-build": options.build = false; break
      case "--help": case "-h":
        console.log("node bench/responsiveness/run.mjs [--rounds N] [--only a,b] [--keys N] [--interval ms] [--duration ms] [--trace name] [--css rules] [--no-build]")
        console.log(`libraries: ${LIBRARIES.map((l) => l.name).join(", ")}`)
        process.exit(0)
      default: fail(`unknown argument ${JSON.stringify(arg)} (try --help)`)
    }
  }
  if (options.trace !== null && !LIBRARIES.some((l) => l.name === options.trace)) fail(`--trace: unknown library ${options.trace}`)
  if (options.rounds === 0 && options.trace === null) fail("--rounds 0 only makes sense with --trace")
  if (options.trace !== null && options.only !== null && !options.only.includes(options.trace)) options.only.push(options.trace)
  if (options.only !== null) {
    const known = new Set(LIBRARIES.map((l) => l.name))
    const unknown = options.only.filter((n) => !known.has(n))
    if (unknown.length > 0) fail(`unknown librar${unknown.length > 1 ? "ies" : "y"} ${unknown.join(", ")}; known: ${[...known].join(", ")}`)
  }
  return options
}

function fail(message) {
  console.error(`run.mjs: ${message}`)
  process.exit(2)
}

// ---------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile of numbers (NaN for none). */
function percentile(values, p) {
  if (values.length === 0) return NaN
  const sorted = values.slice().sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}
const median = (values) => percentile(values, 50)
const max = (values) => (values.length === 0 ? NaN : Math.max(...values))

function fmt(n, digits = 1) {
  return Number.isFinite(n) ? n.toFixed(digits) : "–"
}

// ---------------------------------------------------------------------------------------
// Environment

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(repo, "node_modules", name, "package.json"), "utf8")).version
  } catch {
    return "not installed"
  }
}

function gitHead() {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repo, encoding: "utf8" }).trim()
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "workers", "examples/lanes"], { cwd: repo, encoding: "utf8" }).trim()
    return dirty === "" ? sha : `${sha} (src/workers/examples modified)`
  } catch {
    return "unknown"
  }
}

/**
 * The lanes' timeoutMs as examples/lanes runs them: Shuttle's defaults (protocol/lanes.ts,
 * bundled with esbuild to read them), and whether the demo passes lane options of its own.
 */
async function laneTimeouts() {
  const out = await esbuild({
    stdin: { contents: 'export { DEFAULT_LANES, LANE_NAMES } from "./protocol/lanes.ts"', resolveDir: repo, loader: "ts", sourcefile: "lane-defaults.ts" },
    bundle: true,
    format: "esm",
    write: false,
    logLevel: "silent"
  })
  const { DEFAULT_LANES, LANE_NAMES } = await import(`data:text/javascript,${encodeURIComponent(out.outputFiles[0].text)}`)
  const demo = readFileSync(join(repo, "examples", "lanes", "main.ts"), "utf8")
  const timeouts = Object.fromEntries(LANE_NAMES.map((name, i) => [name, DEFAULT_LANES[i].timeoutMs]))
  return { ...timeouts, demoSetsLanes: /\blanes\s*:|setLanes\(/.test(demo) }
}

// ---------------------------------------------------------------------------------------
// Browser

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

/** Resolves to `value` after `ms`, for races against promises that may never settle. */
const after = (ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms).unref())

/** Ready: the app is mounted, its run() is published and the whole grid is in the DOM. */
function pageReady(rows) {
  return (window.lanesDemo !== undefined || window.benchPage !== undefined) &&
    document.getElementById("text") !== null && document.getElementById("echo") !== null &&
    document.querySelectorAll("tbody tr").length === rows
}

/** Starts `ticks` back-to-back re-renders; resolves to their start and end in page time. */
async function pageRun(ticks) {
  const app = window.lanesDemo ?? window.benchPage
  const startedAt = performance.now()
  await app.run(ticks)
  return { startedAt, endedAt: performance.now() }
}

/** Reads the final DOM: tick, rows checked cell by cell, echo and input. */
function pageCheck(rows) {
  const tick = Number(document.getElementById("tick")?.textContent)
  const trs = document.querySelectorAll("tbody tr")
  let badRows = 0
  let firstBad = null
  for (let i = 0; i < trs.length; i++) {
    const cells = trs[i].children
    const want = String((i * 7 + tick) % 1000)
    if (cells.length !== 2 || cells[0].textContent !== String(i) || cells[1].textContent !== want) {
      if (firstBad === null) firstBad = { row: i, html: trs[i].innerHTML, want }
      badRows++
    }
  }
  if (trs.length !== rows) badRows += Math.abs(rows - trs.length)
  return {
    tick,
    rows: trs.length,
    badRows,
    firstBad,
    echo: document.getElementById("echo")?.textContent ?? null,
    input: document.getElementById("text")?.value ?? null
  }
}

function currentTick() {
  return Number(document.getElementById("tick")?.textContent)
}

/**
 * Runs in Shuttle's worker (worker.evaluate): stamps every commit the worker sends, with
 * the commit id, the last event sequence number it had seen and its lane (from the patch
 * list header) and the path it took. A port commit is stamped when posted (its header read
 * before the buffer is transferred away); a commit-ring entry when the writer publishes it
 * (its Ready word's Atomics.store, protocol/ring/ring-writer.ts: from then on the page can
 * drain it). Matched in the analysis with the page's stamps, this splits the echo latency
 * into worker time and the way back.
 */
function workerHook() {
  if (self.__responsivenessPosts !== undefined) return
  const posts = []
  self.__responsivenessPosts = posts
  const postMessage = MessagePort.prototype.postMessage
  MessagePort.prototype.postMessage = function (message, ...rest) {
    if (message !== null && typeof message === "object" && message.t === "commit" && message.buffer instanceof ArrayBuffer) {
      const header = new Uint32Array(message.buffer, 0, 12)
      // Header words 3, 4 and 10: CommitId, Lane and EventSeq (protocol/opcodes.ts).
      posts.push({ commitId: header[3], eventSeq: header[10], lane: header[4], path: "port", at: performance.timeOrigin + performance.now() })
    }
    return postMessage.call(this, message, ...rest)
  }
  // A ring entry (protocol/ring/ring-layout.ts) is [Ready, CommitId, ByteLength, Reserved,
  // patch list…]; the writer stores Ready last (the entry's size in words; 0xffffffff is a
  // skip marker). Only the worker's ring writer calls Atomics.store on shared memory here;
  // below word 32 it stores control words (AnsweredSeq), not entries.
  const store = Atomics.store
  Atomics.store = function (array, index, value) {
    const result = store(array, index, value)
    if (array instanceof Uint32Array && array.buffer instanceof SharedArrayBuffer && index >= 32 && value >= 16 && value !== 0xffffffff) {
      posts.push({ commitId: array[index + 1], eventSeq: array[index + 4 + 10], lane: array[index + 4 + 4], path: "ring", at: performance.timeOrigin + performance.now() })
    }
    return result
  }
}

/** The text typed in a run: lower-case letters, a different phase per round. */
function typedText(keys, round) {
  let text = ""
  for (let k = 0; k < keys; k++) text += String.fromCharCode(97 + ((k + round * 7) % 26))
  return text
}

/**
 * Sends one keystroke (rawKeyDown, char, keyUp) per `interval` ms through CDP, on a
 * schedule set in advance: each send is fired without awaiting the page, so a busy page
 * cannot slow the schedule down; the acknowledgements are collected at the end.
 */
async function typeOnSchedule(cdp, text, interval) {
  const sentAt = []
  const acks = []
  const origin = performance.now()
  for (let k = 0; k < text.length; k++) {
    const wait = origin + k * interval - performance.now()
    if (wait >= 1) await sleep(wait)
    const key = text[k]
    const code = `Key${key.toUpperCase()}`
    const keyCode = key.toUpperCase().charCodeAt(0)
    const common = { key, code, windowsVirtualKeyCode: keyCode, nativeVirtualKeyCode: keyCode }
    sentAt.push(performance.timeOrigin + performance.now())
    acks.push(
      cdp.send("Input.dispatchKeyEvent", { type: "rawKeyDown", ...common }),
      cdp.send("Input.dispatchKeyEvent", { type: "char", ...common, text: key, unmodifiedText: key }),
      cdp.send("Input.dispatchKeyEvent", { type: "keyUp", ...common })
    )
  }
  return { sentAt, acks: Promise.allSettled(acks) }
}

class Bench {
  constructor(options) {
    this.options = options
  }

  async open() {
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} not found: install Debian's Chromium (apt-get install -y chromium); never download one`)
    // Cross-origin isolated whatever SHUTTLE_ISOLATION says; the -noiso pages opt out with ?isolation=off.
    this.shuttleServer = await startServer({ port: 0, root: SHUTTLE_PAGES, isolation: true })
    this.peerServer = await startServer({ port: 0, root: PAGES_OUT })
    this.userDataDir = mkdtempSync(join(tmpdir(), "shuttle-responsiveness-"))
    this.context = await chromium.launchPersistentContext(this.userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1024, height: 768 }
    })
    await this.context.addInitScript({ path: join(here, "instrument.js") })
    // Close the blank start page: one page at a time, so pages do not compete for the CPU.
    for (const page of this.context.pages()) await page.close()
  }

  async browserVersion() {
    const page = await this.context.newPage()
    try {
      const cdp = await this.context.newCDPSession(page)
      const version = await cdp.send("Browser.getVersion")
      return `${version.product} (${version.jsVersion ? `V8 ${version.jsVersion}` : "V8 ?"})`
    } finally {
      await page.close()
    }
  }

  url(library) {
    const server = library.server === "shuttle" ? this.shuttleServer : this.peerServer
    return `${server.url}${library.path}`
  }

  /** Opens a fresh page of `library` and waits until its grid is mounted. */
  async load(library) {
    const page = await this.context.newPage()
    const errors = []
    page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`))
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console.error: ${message.text()}`)
    })
    page.on("worker", (worker) => worker.on("console", (message) => {
      if (message.type() === "error") errors.push(`worker console.error: ${message.text()}`)
    }))
    await page.goto(this.url(library))
    // An experiment on the DOM floor: extra CSS on every page (e.g. content-visibility on rows).
    if (this.options.css !== null) await page.addStyleTag({ content: this.options.css })
    await page.waitForFunction(pageReady, ROWS, { polling: 50, timeout: 30_000 })
    if (library.server === "shuttle") for (const worker of page.workers()) await worker.evaluate(workerHook)
    return { page, errors }
  }

  /**
   * Warm-up and calibration, not reported: how many ticks last about `duration` ms on
   * this machine, without typing. Every round then runs that many ticks.
   */
  async calibrate(library) {
    const { page } = await this.load(library)
    try {
      // Grow the tick count until a measurement lasts 500 ms: the first ticks of a fresh
      // page are slower, and a fast page's few ticks would be too short to time.
      let ticks = 3
      let msPerTick = 0
      for (let attempt = 0; attempt < 5; attempt++) {
        const run = await page.evaluate(pageRun, ticks)
        const elapsed = run.endedAt - run.startedAt
        msPerTick = elapsed / ticks
        if (elapsed >= 500) break
        ticks = Math.ceil(ticks * Math.min(20, 600 / Math.max(elapsed, 1)))
      }
      return { msPerTick, ticks: Math.max(3, Math.min(5000, Math.round(this.options.duration / msPerTick))) }
    } finally {
      await page.close()
    }
  }

  /**
   * One measured run of `library`: `ticks` re-renders while `keys` keystrokes arrive.
   * With `trace`, a Chrome trace of the run is recorded too (its events in `traceEvents`).
   */
  async measure(library, ticks, round, trace = false) {
    const { keys, interval } = this.options
    const { page, errors } = await this.load(library)
    try {
      await page.focus("#text")
      const cdp = await this.context.newCDPSession(page)
      const text = typedText(keys, round)
      const startTick = await page.evaluate(currentTick)
      const traceEvents = []
      let traced = null
      if (trace) {
        cdp.on("Tracing.dataCollected", (event) => traceEvents.push(...event.value))
        traced = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve))
        await cdp.send("Tracing.start", { traceConfig: { includedCategories: TRACE_CATEGORIES }, transferMode: "ReportEvents" })
      }
      await page.evaluate((expected) => window.__responsiveness.start(expected), text)
      const running = page.evaluate(pageRun, ticks).then((value) => ({ value }), (error) => ({ error: String(error) }))
      // Let the load build up before the first keystroke.
      await sleep(Math.min(250, this.options.duration / 10))
      const typing = await typeOnSchedule(cdp, text, interval)
      const limitMs = Math.max(20_000, 6 * this.options.duration)
      const run = await Promise.race([running, after(limitMs, { error: `run did not finish within ${limitMs} ms` })])
      const acks = await Promise.race([typing.acks, after(10_000, null)])
      const rejected = acks === null ? ["key acknowledgements still pending after 10 s"] : acks.filter((a) => a.status === "rejected").map((a) => String(a.reason))
      // The echo may trail the run: give it a few seconds to catch up before judging it.
      await page.waitForFunction((t) => document.getElementById("echo")?.textContent === t, text, { polling: 50, timeout: 5_000 }).catch(() => {})
      await page.evaluate(() => window.__responsiveness.stop())
      if (trace) {
        await cdp.send("Tracing.end")
        await traced
      }
      const measured = await page.evaluate(() => window.__responsiveness.result())
      const check = await page.evaluate(pageCheck, ROWS)
      const workerPosts = []
      for (const worker of page.workers()) workerPosts.push(...((await worker.evaluate(() => self.__responsivenessPosts).catch(() => undefined)) ?? []))
      measured.workerPosts = workerPosts
      await cdp.detach().catch(() => {})
      const result = analyse({ library, round, ticks, startTick, text, typing, run, rejected, measured, check, errors })
      if (trace) result.traceEvents = traceEvents
      return result
    } finally {
      await page.close()
    }
  }

  async close() {
    await this.context?.close().catch(() => {})
    await this.shuttleServer?.close()
    await this.peerServer?.close()
    if (this.userDataDir) rmSync(this.userDataDir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------
// Analysis of one run

function analyse({ library, round, ticks, startTick, text, typing, run, rejected, measured, check, errors }) {
  const keys = text.length
  const { keydowns, inputs, echoAt } = measured
  const lateness = keydowns.map((k) => k.start - k.timeStamp)
  const inputLateness = inputs.map((k) => k.start - k.timeStamp)
  const echo = []
  for (let k = 0; k < Math.min(keydowns.length, echoAt.length); k++) echo.push(echoAt[k] - keydowns[k].timeStamp)
  // Key to next paint, from Event Timing; a keydown with no entry was painted within
  // 16 ms (the API's floor) and counts as 0 here, shown as "<16".
  const keyPaint = keydowns.map((k) => measured.keyPaints.find((p) => Math.abs(p.timeStamp - k.timeStamp) < 0.01)?.duration ?? 0)
  // Harness checks: the browser stamps each keydown when it creates it; from the Node send
  // to that stamp should be about constant. If it grows, the browser was holding keys back
  // and lateness measured from event.timeStamp would understate the wait.
  const stampDelay = []
  const fromSend = []
  for (let k = 0; k < Math.min(keydowns.length, typing.sentAt.length); k++) {
    stampDelay.push(measured.timeOrigin + keydowns[k].timeStamp - typing.sentAt[k])
    fromSend.push(measured.timeOrigin + keydowns[k].start - typing.sentAt[k])
  }
  const sendGaps = typing.sentAt.slice(1).map((t, i) => t - typing.sentAt[i])
  const finished = run.value !== undefined
  const runStart = finished ? run.value.startedAt : measured.startedAt
  const runEnd = finished ? run.value.endedAt : measured.stoppedAt
  const runMs = runEnd - runStart
  const ticksDone = Number.isFinite(check.tick) ? check.tick - startTick : 0
  const keysUnderLoad = finished ? keydowns.filter((k) => k.timeStamp < run.value.endedAt).length : keydowns.length

  const problems = []
  if (!finished) problems.push(run.error)
  if (ticksDone !== ticks) problems.push(`ticks completed ${ticksDone} of ${ticks}`)
  if (check.rows !== ROWS || check.badRows > 0) problems.push(`grid wrong: ${check.rows} rows, ${check.badRows} wrong (first: ${JSON.stringify(check.firstBad)})`)
  if (check.echo !== text) problems.push(`echo ${JSON.stringify(check.echo)} differs from the typed text ${JSON.stringify(text)}`)
  if (check.input !== text) problems.push(`input value ${JSON.stringify(check.input)} differs from the typed text`)
  if (measured.echoMismatch !== null) problems.push(`echo showed ${JSON.stringify(measured.echoMismatch.text)}, not a prefix of the typed text`)
  // Not the library's fault, but it voids the comparison: the typing must overlap the load.
  if (keysUnderLoad < keys * 0.8) problems.push(`only ${keysUnderLoad} of ${keys} keys arrived while the grid was re-rendering: raise --duration`)
  if (keydowns.length !== keys) problems.push(`${keydowns.length} keydown events seen for ${keys} keys sent`)
  if (echoAt.length !== keys) problems.push(`echo showed ${echoAt.length} of ${keys} keystrokes`)
  if (rejected.length > 0) problems.push(`CDP key events failed: ${rejected.slice(0, 3).join("; ")}`)
  if (library.isolated !== undefined && measured.crossOriginIsolated !== library.isolated) problems.push(`crossOriginIsolated is ${measured.crossOriginIsolated}, ${library.isolated} was asked for`)
  for (const e of errors) problems.push(e)

  const stages = library.server === "shuttle" ? shuttleStages(measured) : null
  const ring = library.server === "shuttle" ? shuttleRing(measured) : null
  const settle = afterTyping(measured, startTick + ticks, runStart)

  const longest = measured.longTasks.reduce((a, t) => (t.duration > a.duration ? t : a), { start: NaN, duration: 0 })
  const worstFrame = measured.frames.reduce((a, f) => (a === null || f.duration > a.duration ? f : a), null)

  return {
    library: library.name,
    round,
    ticks,
    ticksDone,
    runMs,
    ticksPerSecond: (ticksDone / runMs) * 1000,
    keys,
    keysUnderLoad,
    lateness,
    inputLateness,
    keyPaint,
    echo,
    longestTask: longest.duration,
    longestTaskAt: longest.start - measured.startedAt,
    longTasks: measured.longTasks.length,
    // Long-task time inside the run itself (clipped to its start and end), for the share.
    longTaskMs: measured.longTasks.reduce((a, t) => a + Math.max(0, Math.min(t.start + t.duration, runEnd) - Math.max(t.start, runStart)), 0),
    maxFrameGap: measured.maxFrameGap,
    frames: measured.frameCount,
    worstFrame,
    harness: {
      sendGapP95: percentile(sendGaps, 95),
      sendGapMax: max(sendGaps),
      stampDelayP50: median(stampDelay),
      stampDelayMax: max(stampDelay),
      fromSendP95: percentile(fromSend, 95)
    },
    supports: measured.supports,
    crossOriginIsolated: measured.crossOriginIsolated,
    shuttleCommits: measured.commits,
    shuttleStages: stages,
    shuttleRing: ring,
    settle,
    problems
  }
}

/**
 * The re-renders against the typing, from #tick's changes: when typing stopped (the last
 * keydown's timeStamp), how long until the next re-render was in the DOM (the one typing
 * held back, in Shuttle) and until the final grid was; the longest wait between two
 * re-renders (each tick is dispatched when the previous one is in the DOM, so this is the
 * longest any re-render waited); and how many re-renders showed while keys were coming.
 * NaN where it does not apply (the run had ended before typing stopped).
 */
function afterTyping(measured, finalTick, runStart) {
  const { keydowns, ticks } = measured
  if (keydowns.length === 0 || ticks.length === 0) return null
  const firstKey = keydowns[0].timeStamp
  const lastKey = keydowns[keydowns.length - 1].timeStamp
  const next = ticks.find((t) => t.at > lastKey)
  const final = ticks.find((t) => Number(t.value) === finalTick)
  let longestWait = 0
  let previous = runStart
  for (const t of ticks) {
    if (t.at < runStart) continue
    longestWait = Math.max(longestWait, t.at - previous)
    previous = t.at
  }
  return {
    toNext: next === undefined ? NaN : next.at - lastKey,
    toFinal: final === undefined || final.at <= lastKey ? NaN : final.at - lastKey,
    finalBeforeTypingStopped: final !== undefined && final.at <= lastKey,
    longestWait,
    duringTyping: ticks.filter((t) => t.at > firstKey && t.at <= lastKey).length,
    typingMs: lastKey - firstKey
  }
}

/**
 * Shuttle: which path its commits took (from the worker hook), doorbells seen by the page,
 * and why grid re-renders showed while keys were coming. Tick t is the t-th non-Sync commit
 * (one tick is dispatched per commit, from a fresh page at tick 0); its header says the last
 * event the worker had seen when it rendered it, which names the credit it spent (the credit
 * carries the last event the page had sent). A credit granted before the first keystroke was
 * made: the commit was on its way when typing began. Granted after the keystroke was made
 * (event.timeStamp) but before the page handled it: the key was waiting behind a long task,
 * and the page, which measures quiet from the last input it handled, saw none. Granted after
 * a handled keystroke: a pause of inputQuietMs while typing. No credit: the lane expired.
 */
function shuttleRing(measured) {
  const posts = measured.workerPosts
  const count = (path, sync) => posts.filter((p) => p.path === path && (sync === undefined || (p.lane === 0) === sync)).length
  const heavy = posts.filter((p) => p.lane !== 0).sort((a, b) => a.commitId - b.commitId)
  const expired = new Set((measured.commits ?? []).filter((c) => c.expired).map((c) => c.commitId))
  const firstSeq = measured.posted[0]?.seq ?? Infinity
  const firstKey = measured.keydowns[0]?.timeStamp ?? Infinity
  const lastKey = measured.keydowns[measured.keydowns.length - 1]?.timeStamp ?? -Infinity
  let beforeTyping = 0
  let inputPending = 0
  let whileTyping = 0
  let expiredWhileTyping = 0
  for (const t of measured.ticks) {
    if (!(t.at > firstKey && t.at <= lastKey)) continue
    const commit = heavy[Number(t.value) - 1]
    if (commit === undefined) continue
    if (expired.has(commit.commitId)) expiredWhileTyping++
    else if (commit.eventSeq >= firstSeq) whileTyping++
    else {
      // The credit it spent: the last one granted for the events it had seen, before it showed.
      const credit = measured.credits.filter((c) => c.eventSeq === commit.eventSeq && c.at <= t.at).pop()
      // Granted after the first keystroke was made (its timeStamp) but before the page had
      // handled it: the key was waiting behind a long task, and input looked quiet.
      if (credit !== undefined && credit.at > firstKey) inputPending++
      else beforeTyping++
    }
  }
  return {
    ringCommits: count("ring"),
    portCommits: count("port"),
    ringEchoes: count("ring", true),
    portEchoes: count("port", true),
    doorbells: measured.doorbells,
    drainedBeforeDoorbell: measured.drainedBeforeDoorbell,
    creditsWhileTyping: measured.credits.filter((c) => c.at > firstKey && c.at <= lastKey).length,
    shownWhileTyping: { beforeTyping, inputPending, whileTyping, expired: expiredWhileTyping }
  }
}

/**
 * Shuttle only: per keystroke, where its echo waited. handler → posted (main thread
 * forwards the input event), posted → the worker sends the first commit rendered after
 * seeing it (worker queue + render; by the port, or published in the ring), and that send
 * → #echo shows the keystroke (delivery to a possibly busy main thread, and the commit
 * queue). The last stage ends at the echo's DOM change, not at onCommit: a ring commit is
 * reported to onCommit only when its doorbell message comes, often well after it was applied.
 */
function shuttleStages(measured) {
  const posts = measured.workerPosts.slice().sort((a, b) => a.at - b.at)
  const toPost = []
  const inWorker = []
  const back = []
  for (let k = 0; k < Math.min(measured.keydowns.length, measured.posted.length); k++) {
    const handler = measured.timeOrigin + measured.keydowns[k].start
    const event = measured.posted[k]
    toPost.push(event.at - handler)
    const commit = posts.find((p) => p.eventSeq >= event.seq)
    if (commit === undefined) continue
    inWorker.push(commit.at - event.at)
    if (k < measured.echoAt.length) back.push(measured.timeOrigin + measured.echoAt[k] - commit.at)
  }
  return { toPost, inWorker, back }
}

// ---------------------------------------------------------------------------------------
// Summary over rounds

function summarise(name, runs) {
  const all = (field) => runs.flatMap((r) => r[field])
  const lateness = all("lateness")
  const echo = all("echo")
  const worstFrame = runs.map((r) => r.worstFrame).filter((f) => f !== null).reduce((a, f) => (a === null || f.duration > a.duration ? f : a), null)
  return {
    library: name,
    rounds: runs.length,
    ok: runs.every((r) => r.problems.length === 0),
    ticks: runs[0]?.ticks,
    keys: lateness.length,
    keysUnderLoad: runs.reduce((a, r) => a + r.keysUnderLoad, 0),
    latenessP50: percentile(lateness, 50),
    latenessP95: percentile(lateness, 95),
    latenessMax: max(lateness),
    keyPaintP50: percentile(all("keyPaint"), 50),
    keyPaintP95: percentile(all("keyPaint"), 95),
    echoP50: percentile(echo, 50),
    echoP95: percentile(echo, 95),
    echoMax: max(echo),
    longestTaskMedian: median(runs.map((r) => r.longestTask)),
    longestTaskMax: max(runs.map((r) => r.longestTask)),
    maxFrameGapMedian: median(runs.map((r) => r.maxFrameGap)),
    maxFrameGapMax: max(runs.map((r) => r.maxFrameGap)),
    ticksPerSecond: median(runs.map((r) => r.ticksPerSecond)),
    longTasksPerRun: runs.reduce((a, r) => a + r.longTasks, 0) / runs.length,
    longTaskShare: runs.reduce((a, r) => a + r.longTaskMs, 0) / runs.reduce((a, r) => a + r.runMs, 0),
    worstFrame: worstFrame === null ? null : { duration: worstFrame.duration, script: worstFrame.script, styleLayout: worstFrame.styleLayout, blocking: worstFrame.blocking },
    harness: {
      sendGapP95: max(runs.map((r) => r.harness.sendGapP95)),
      stampDelayP50: median(runs.map((r) => r.harness.stampDelayP50)),
      stampDelayMax: max(runs.map((r) => r.harness.stampDelayMax)),
      fromSendP95: percentile(runs.map((r) => r.harness.fromSendP95), 50)
    },
    shuttle: runs[0]?.shuttleCommits ? summariseCommits(runs) : null,
    shuttleStages: runs[0]?.shuttleStages ? summariseStages(runs) : null,
    crossOriginIsolated: runs.every((r) => r.crossOriginIsolated) ? true : runs.some((r) => r.crossOriginIsolated) ? "mixed" : false,
    settle: summariseSettle(runs),
    shuttleRing: runs[0]?.shuttleRing ? summariseRing(runs) : null
  }
}

function summariseSettle(runs) {
  const settles = runs.map((r) => r.settle).filter((x) => x !== null)
  const finite = (field) => settles.map((x) => x[field]).filter(Number.isFinite)
  return {
    toNextMedian: median(finite("toNext")),
    toNextMax: max(finite("toNext")),
    toFinalMedian: median(finite("toFinal")),
    toFinalMax: max(finite("toFinal")),
    finalBeforeTypingStopped: settles.filter((x) => x.finalBeforeTypingStopped).length,
    longestWaitMedian: median(finite("longestWait")),
    longestWaitMax: max(finite("longestWait")),
    duringTypingMedian: median(finite("duringTyping")),
    typingMsMedian: median(finite("typingMs")),
    runs: settles.length
  }
}

function summariseRing(runs) {
  const out = { ringCommits: 0, portCommits: 0, ringEchoes: 0, portEchoes: 0, doorbells: 0, drainedBeforeDoorbell: 0, creditsWhileTyping: 0 }
  for (const r of runs) for (const key of Object.keys(out)) out[key] += r.shuttleRing?.[key] ?? 0
  out.shownWhileTyping = { beforeTyping: 0, inputPending: 0, whileTyping: 0, expired: 0 }
  for (const r of runs) for (const key of Object.keys(out.shownWhileTyping)) out.shownWhileTyping[key] += r.shuttleRing?.shownWhileTyping[key] ?? 0
  // Rounds in which a re-render showed while keys were coming, and their keystrokes' lateness p95 apart from the others'.
  const hit = runs.filter((r) => Object.values(r.shuttleRing?.shownWhileTyping ?? {}).some((n) => n > 0))
  const clear = runs.filter((r) => !hit.includes(r))
  out.roundsHit = hit.length
  out.latenessP95Hit = percentile(hit.flatMap((r) => r.lateness), 95)
  out.latenessP95Clear = percentile(clear.flatMap((r) => r.lateness), 95)
  out.echoP95Hit = percentile(hit.flatMap((r) => r.echo), 95)
  out.echoP95Clear = percentile(clear.flatMap((r) => r.echo), 95)
  return out
}

function summariseStages(runs) {
  const out = {}
  for (const stage of ["toPost", "inWorker", "back"]) {
    const values = runs.flatMap((r) => r.shuttleStages?.[stage] ?? [])
    out[stage] = { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), max: max(values) }
  }
  return out
}

/** Where Shuttle's main-thread time goes: its own per-commit stats, by lane. */
function summariseCommits(runs) {
  const byLane = {}
  for (const run of runs) {
    for (const c of run.shuttleCommits ?? []) {
      const lane = (byLane[c.laneName] ??= { commits: 0, applyMs: [], patchBytes: [], workerMs: [], slices: 0, maxSlices: 0, interruptions: 0, maxInterruptions: 0, expired: 0 })
      lane.commits++
      lane.applyMs.push(c.applyMs)
      lane.patchBytes.push(c.patchBytes)
      lane.workerMs.push(c.updateMs + c.viewMs + c.diffMs + c.encodeMs)
      lane.slices += c.slices
      lane.maxSlices = Math.max(lane.maxSlices, c.slices)
      lane.interruptions += c.interruptions
      lane.maxInterruptions = Math.max(lane.maxInterruptions, c.interruptions)
      if (c.expired) lane.expired++
    }
  }
  const out = {}
  for (const [name, l] of Object.entries(byLane)) {
    out[name] = {
      commits: l.commits,
      applyMsP50: median(l.applyMs),
      applyMsMax: max(l.applyMs),
      patchBytesP50: median(l.patchBytes),
      patchBytesMax: max(l.patchBytes),
      workerMsP50: median(l.workerMs),
      workerMsMax: max(l.workerMs),
      slicesPerCommit: l.slices / l.commits,
      maxSlices: l.maxSlices,
      interruptions: l.interruptions,
      maxInterruptions: l.maxInterruptions,
      expired: l.expired
    }
  }
  return out
}

/** Event Timing reports nothing under 16 ms. */
const paintFmt = (n) => (Number.isFinite(n) && n < 16 ? "<16" : fmt(n, 0))

const isolatedFmt = (v) => (v === true ? "yes" : v === false ? "no" : String(v))

function table(summaries) {
  const lines = [
    "| library | ok | isolated | ticks/s | lateness p50 | p95 | max | key→paint p50 | p95 | echo p50 | p95 | max | longest task (median / max) | max frame gap (median / max) | keys (under load) |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  ]
  for (const s of summaries) {
    lines.push(`| ${s.library} | ${s.ok ? "yes" : "**FAIL**"} | ${isolatedFmt(s.crossOriginIsolated)} | ${fmt(s.ticksPerSecond)} | ${fmt(s.latenessP50)} | ${fmt(s.latenessP95)} | ${fmt(s.latenessMax)} | ${paintFmt(s.keyPaintP50)} | ${paintFmt(s.keyPaintP95)} | ${fmt(s.echoP50)} | ${fmt(s.echoP95)} | ${fmt(s.echoMax)} | ${fmt(s.longestTaskMedian, 0)} / ${fmt(s.longestTaskMax, 0)} | ${fmt(s.maxFrameGapMedian, 0)} / ${fmt(s.maxFrameGapMax, 0)} | ${s.keys} (${s.keysUnderLoad}) |`)
  }
  return lines.join("\n")
}

function detailTables(summaries) {
  const lines = ["", "Main-thread blocking (ms). Long tasks: all tasks of 50 ms or more in the runs, and their share of the run time. Worst long animation frame:",
    "the whole frame, the scripts in it, style/layout/paint from the start of the rendering step, and the rest (browser work outside scripts and",
    "that step, e.g. layout forced by the input's text editing).", "",
    "| library | long tasks per run | long-task time share | worst frame | script | style/layout | rest | blocking |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
  for (const s of summaries) {
    const f = s.worstFrame
    const frame = f === null ? "– | – | – | – | –" : `${fmt(f.duration, 0)} | ${fmt(f.script, 0)} | ${fmt(f.styleLayout, 0)} | ${fmt(f.duration - f.script - f.styleLayout, 0)} | ${fmt(f.blocking, 0)}`
    lines.push(`| ${s.library} | ${fmt(s.longTasksPerRun, 1)} | ${fmt(s.longTaskShare * 100, 0)}% | ${frame} |`)
  }
  lines.push("", "Harness check (ms): Node's key send schedule, and from a send to the browser's event.timeStamp (should stay small and flat).", "",
    "| library | send gap p95 | send→timeStamp p50 | send→timeStamp max | send→handler p95 |", "| --- | ---: | ---: | ---: | ---: |")
  for (const s of summaries) {
    const h = s.harness
    lines.push(`| ${s.library} | ${fmt(h.sendGapP95)} | ${fmt(h.stampDelayP50)} | ${fmt(h.stampDelayMax)} | ${fmt(h.fromSendP95)} |`)
  }
  const shuttle = summaries.filter((s) => s.shuttle !== null)
  if (shuttle.length > 0) {
    lines.push("", "Shuttle commits during the runs (window.lanesDemo.commits; ms and bytes).", "",
      "| library | lane | commits | applyMs p50 | applyMs max | patch bytes p50 | worker ms p50 | worker ms max | slices/commit | interruptions (max) | expired |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (const s of shuttle) {
      for (const [lane, c] of Object.entries(s.shuttle)) {
        lines.push(`| ${s.library} | ${lane} | ${c.commits} | ${fmt(c.applyMsP50)} | ${fmt(c.applyMsMax)} | ${c.patchBytesP50} | ${fmt(c.workerMsP50)} | ${fmt(c.workerMsMax)} | ${fmt(c.slicesPerCommit)} | ${c.interruptions} (${c.maxInterruptions}) | ${c.expired} |`)
      }
    }
  }
  lines.push("", "The re-renders against the typing (ms; median / max over the rounds). Typing stopped = the last keydown's timeStamp. \"next re-render\": the first",
    "grid re-render in the DOM after it (in Shuttle, the Transition that typing held back); \"final grid\": the run's last tick in the DOM (\"before\": the run",
    "had ended while keys were still coming); longest wait: the longest gap between two re-renders in the run (each tick is dispatched when the previous one is in the DOM).", "",
    "| library | typing lasted | re-renders while typing | typing stopped → next re-render | typing stopped → final grid | runs done before typing stopped | longest wait between re-renders |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
  for (const s of summaries) {
    const t = s.settle
    lines.push(`| ${s.library} | ${fmt(t.typingMsMedian, 0)} | ${fmt(t.duringTypingMedian, 0)} | ${fmt(t.toNextMedian, 0)} / ${fmt(t.toNextMax, 0)} | ${fmt(t.toFinalMedian, 0)} / ${fmt(t.toFinalMax, 0)} | ${t.finalBeforeTypingStopped} of ${t.runs} | ${fmt(t.longestWaitMedian, 0)} / ${fmt(t.longestWaitMax, 0)} |`)
  }
  const ringed = summaries.filter((s) => s.shuttleRing !== null)
  if (ringed.length > 0) {
    lines.push("", "Shuttle's delivery paths, all rounds: commits the worker sent through the commit ring or by message (Sync echoes among them), the ring's",
      "doorbell messages the page received, and how many of those commits the page had already drained from the ring and applied (at an event or a frame) when the doorbell came.", "",
      "| library | ring commits (echoes) | port commits (echoes) | doorbells | applied before their doorbell |", "| --- | ---: | ---: | ---: | ---: |")
    for (const s of ringed) {
      const r = s.shuttleRing
      lines.push(`| ${s.library} | ${r.ringCommits} (${r.ringEchoes}) | ${r.portCommits} (${r.portEchoes}) | ${r.doorbells} | ${r.drainedBeforeDoorbell} |`)
    }
    lines.push("", "Shuttle: grid re-renders shown while keys were coming (after the first keydown's timeStamp), all rounds, by the credit that let the worker render",
      "them: granted before the first keystroke was made (the commit was on its way when typing began); granted after it was made but before the page had",
      "handled it (the key waited behind a long task, so input looked quiet to the page); granted while typing, after a handled keystroke (a pause of",
      "inputQuietMs); or none (expired). Then the credits posted while typing, and the keystrokes' lateness and echo p95 (ms) in the rounds with such a",
      "re-render and in the others.", "",
      "| library | shown while typing: credit before the first key / while it was pending / while typing / expired | credits while typing | rounds with one | lateness p95 with / without | echo p95 with / without |",
      "| --- | ---: | ---: | ---: | ---: | ---: |")
    for (const s of ringed) {
      const r = s.shuttleRing
      const w = r.shownWhileTyping
      lines.push(`| ${s.library} | ${w.beforeTyping} / ${w.inputPending} / ${w.whileTyping} / ${w.expired} | ${r.creditsWhileTyping} | ${r.roundsHit} of ${s.rounds} | ${fmt(r.latenessP95Hit)} / ${fmt(r.latenessP95Clear)} | ${fmt(r.echoP95Hit)} / ${fmt(r.echoP95Clear)} |`)
    }
  }
  const staged = summaries.filter((s) => s.shuttleStages !== null)
  if (staged.length > 0) {
    lines.push("", "Shuttle echo latency by stage (ms, p50 / p95 / max): keydown handler → input event posted to the worker → worker sends the first commit rendered after it",
      "(posted, or published in the ring) → #echo shows the keystroke.", "",
      "| library | handler → posted | posted → worker commit | worker commit → echo shown | keystrokes matched |", "| --- | ---: | ---: | ---: | ---: |")
    for (const s of staged) {
      const st = s.shuttleStages
      const cell = (x) => `${fmt(x.p50)} / ${fmt(x.p95)} / ${fmt(x.max)}`
      lines.push(`| ${s.library} | ${cell(st.toPost)} | ${cell(st.inWorker)} | ${cell(st.back)} | ${st.back.n} |`)
    }
  }
  return lines.join("\n")
}

// ---------------------------------------------------------------------------------------
// Main

const options = parseArgs(process.argv.slice(2))
const libraries = LIBRARIES.filter((l) => options.rounds === 0 ? l.name === options.trace : options.only === null || options.only.includes(l.name))
const started = performance.now()

if (options.build) {
  // examples/build.mjs prints a size table: keep stdout for the results, show it only on failure.
  try {
    execFileSync(process.execPath, [join(repo, "examples", "build.mjs")], { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
  } catch (error) {
    console.error(error.stdout ?? "", error.stderr ?? "")
    fail("node examples/build.mjs failed")
  }
  await buildPages()
  rmSync(SHUTTLE_PAGES, { recursive: true, force: true })
  cpSync(join(DIST, "lanes"), join(SHUTTLE_PAGES, "lanes"), { recursive: true })
}
if (!existsSync(join(SHUTTLE_PAGES, "lanes", "index.html"))) fail(`${relative(repo, SHUTTLE_PAGES)}/lanes is missing: run without --no-build`)
if (!existsSync(join(PAGES_OUT, "vanilla", "index.html"))) fail(`${relative(repo, PAGES_OUT)} is missing: run without --no-build`)

const bench = new Bench(options)
let exitCode = 0
try {
  await bench.open()
  const cpu = cpus()
  const environment = {
    date: new Date().toISOString(),
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadavg().map((n) => Number(n.toFixed(2))),
    node: process.version,
    chromium: await bench.browserVersion(),
    versions: {
      shuttle: `${JSON.parse(readFileSync(join(repo, "package.json"), "utf8")).version} @ ${gitHead()}`,
      effect: packageVersion("effect"),
      react: packageVersion("react"),
      "react-dom": packageVersion("react-dom"),
      esbuild: packageVersion("esbuild"),
      "playwright-core": packageVersion("playwright-core")
    }
  }
  console.log("# Responsiveness under load")
  console.log("")
  console.log(`- machine: ${environment.cpu}, ${environment.cores} cores, ${environment.memoryGiB} GiB; Node ${environment.node}; load average ${environment.loadAverageAtStart.join(" ")} at start (other processes compete for the cores)`)
  console.log(`- browser: ${environment.chromium}, headless, ${CHROMIUM_FLAGS.join(" ")}`)
  console.log(`- versions: ${Object.entries(environment.versions).map(([k, v]) => `${k} ${v}`).join(", ")}`)
  if (options.css !== null) console.log(`- extra CSS on every page: \`${options.css}\``)
  console.log(`- workload: ${ROWS.toLocaleString("en")} rows re-rendered back to back for ~${options.duration} ms; ${options.keys} keystrokes, one per ${options.interval} ms, from 250 ms into the run; ${options.rounds} rounds, order rotated`)
  console.log("")

  const plan = {}
  for (const library of libraries) {
    plan[library.name] = await bench.calibrate(library)
    console.error(`calibrated ${library.name}: ${fmt(plan[library.name].msPerTick)} ms per tick without typing → ${plan[library.name].ticks} ticks per run`)
  }

  const runs = Object.fromEntries(libraries.map((l) => [l.name, []]))
  for (let round = 0; round < options.rounds; round++) {
    const order = libraries.map((_, i) => libraries[(i + round) % libraries.length])
    for (const library of order) {
      const result = await bench.measure(library, plan[library.name].ticks, round)
      runs[library.name].push(result)
      console.error(`round ${round + 1}/${options.rounds} ${library.name}: ${result.ticksDone} ticks in ${fmt(result.runMs, 0)} ms, lateness p95 ${fmt(percentile(result.lateness, 95))} ms, longest task ${fmt(result.longestTask, 0)} ms${result.problems.length > 0 ? `; PROBLEMS: ${result.problems.join(" | ")}` : ""}`)
      await sleep(250)
    }
  }

  let summaries = []
  let failures = []
  if (options.rounds > 0) {
    summaries = libraries.map((l) => summarise(l.name, runs[l.name]))
    console.log("All times in ms. lateness = keydown handler start − event.timeStamp; key→paint = event.timeStamp → the next paint after the keydown")
    console.log("(Event Timing, as INP: the typed letter shows in the input); echo = event.timeStamp → #echo shows that keystroke (DOM mutation, before its paint).")
    console.log("Keystrokes pooled over the rounds; longest task = PerformanceObserver longtask, max per round; frame gap = between rAF callbacks.")
    console.log("")
    console.log(table(summaries))
    console.log(detailTables(summaries))

    failures = libraries.flatMap((l) => runs[l.name].filter((r) => r.problems.length > 0).map((r) => `${l.name} round ${r.round + 1}: ${r.problems.join(" | ")}`))
    console.log("")
    if (failures.length > 0) {
      console.log(`## CORRECTNESS FAILURES (${failures.length})`)
      for (const f of failures) console.log(`- ${f}`)
      exitCode = 1
    } else {
      console.log("Correctness: every run finished all its ticks with a correct grid, and the echo and input equal the typed text.")
    }

    const lanes = await laneTimeouts()
    const react = summaries.find((s) => s.library === "react")
    for (const targets of summaries.filter((s) => s.library.startsWith("shuttle-"))) {
      const lane = targets.library.includes("transition") ? "transition" : "default"
      const timeoutMs = lanes[lane]
      const met = (ok) => (ok ? "met" : "NOT met")
      console.log("")
      console.log(`Targets (reported, not asserted), ${targets.library} (isolated: ${isolatedFmt(targets.crossOriginIsolated)}):`)
      if (react !== undefined) {
        console.log(`- echo p95 ≤ React 19 plain's echo p95: ${fmt(targets.echoP95)} vs ${fmt(react.echoP95)} ms → ${met(targets.echoP95 <= react.echoP95)}`)
        console.log(`- input lateness p95 ≤ half of React 19 plain's: ${fmt(targets.latenessP95)} vs ${fmt(react.latenessP95 / 2)} ms (React ${fmt(react.latenessP95)}) → ${met(targets.latenessP95 <= react.latenessP95 / 2)}`)
      } else {
        console.log("- the React comparisons need the react run too (--only ...,react)")
      }
      const t = targets.settle
      const finalMax = t.toFinalMax
      console.log(`- the ${lane} lane (timeoutMs ${timeoutMs} in examples/lanes${lanes.demoSetsLanes ? ", which sets lane options: check them" : ", the default"}) completes within it after typing stops: typing stopped → final grid ${fmt(t.toFinalMedian, 0)} ms median, ${fmt(finalMax, 0)} ms max${t.finalBeforeTypingStopped > 0 ? ` (${t.finalBeforeTypingStopped} run(s) done before typing stopped)` : ""} → ${Number.isFinite(finalMax) ? met(finalMax <= timeoutMs) : t.finalBeforeTypingStopped === t.runs ? "met (always done before typing stopped)" : "unknown"}`)
      console.log(`- no re-render waits longer than that: longest wait between re-renders ${fmt(t.longestWaitMax, 0)} ms max → ${met(t.longestWaitMax <= timeoutMs)}`)
      console.log(`- p95 input lateness < 16 ms: ${fmt(targets.latenessP95)} ms → ${met(targets.latenessP95 < 16)}`)
      console.log(`- longest main-thread task < 50 ms: ${fmt(targets.longestTaskMax, 0)} ms (max over rounds) → ${met(targets.longestTaskMax < 50)}`)
    }
  }

  let traceSummary = null
  if (options.trace !== null) {
    const library = LIBRARIES.find((l) => l.name === options.trace)
    const traced = await bench.measure(library, plan[library.name].ticks, options.rounds, true)
    if (traced.problems.length > 0) {
      failures.push(`${library.name} traced run: ${traced.problems.join(" | ")}`)
      exitCode = 1
    }
    const file = join(RESULTS, `responsiveness-trace-${library.name}.json`)
    mkdirSync(RESULTS, { recursive: true })
    writeFileSync(file, JSON.stringify({ traceEvents: traced.traceEvents }))
    console.log("")
    console.log(`## Trace of one more ${library.name} run (not in the table above; tracing slows the page)`)
    console.log("")
    console.log(`This run: ${traced.ticksDone} ticks in ${fmt(traced.runMs, 0)} ms, lateness p95 ${fmt(percentile(traced.lateness, 95))} ms, echo p95 ${fmt(percentile(traced.echo, 95))} ms, longest task ${fmt(traced.longestTask, 0)} ms${traced.problems.length > 0 ? `; PROBLEMS: ${traced.problems.join(" | ")}` : ""}.`)
    console.log("")
    traceSummary = summariseTrace(traced.traceEvents)
    for (const line of traceReport(library.name, traceSummary)) console.log(line)
    console.log("")
    console.log(`Trace: ${relative(process.cwd(), file)} (open in https://ui.perfetto.dev or DevTools' Performance panel).`)
    delete traced.traceEvents
  }

  environment.loadAverageAtEnd = loadavg().map((n) => Number(n.toFixed(2)))
  console.log("")
  console.log(`Load average at the end: ${environment.loadAverageAtEnd.join(" ")}.`)

  // A trace-only invocation (--rounds 0) leaves the last full results in place.
  if (options.rounds > 0) {
    mkdirSync(RESULTS, { recursive: true })
    const file = join(RESULTS, "responsiveness.json")
    writeFileSync(file, JSON.stringify({ environment, options, plan, summaries, runs, failures, trace: traceSummary }, null, 1))
    console.log("")
    console.log(`Raw results: ${relative(process.cwd(), file)}.`)
  }
  console.log(`Total ${fmt((performance.now() - started) / 1000, 0)} s.`)
} catch (error) {
  console.error(error)
  exitCode = 1
} finally {
  await bench.close()
}
process.exit(exitCode)
