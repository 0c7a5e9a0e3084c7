// The js-framework-benchmark in Chromium: Shuttle beside hand-written vanilla JS, Inferno,
// Preact and React, interleaved in one browser run, then Shuttle's throughput.
//
//   node bench/jfb/run.mjs                          # everything (3.5 to 5.5 minutes on 2 busy cores)
//   node bench/jfb/run.mjs --only shuttle --ops create1k,select --samples 3
//   node bench/jfb/run.mjs --baseline HEAD~3       # this tree's Shuttle beside Shuttle at HEAD~3, same run
//   node bench/jfb/run.mjs --help
//
// See bench/jfb/README.md for the method and the flags. Results go to bench/results/
// (jfb.json, jfb.md, jfb-ratios.svg) and to the console.
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { cpus, loadavg, release, totalmem, type as osType } from "node:os"
import { dirname, join, relative } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { startServer } from "../../examples/serve.mjs"
import { buildPages, JFB_DIST, MODEL_MODULE, PATCHES_MODULE } from "./build.mjs"
import { launchChromium, watchErrors } from "./lib/chromium.mjs"
import { digestRows, installHarness } from "./lib/harness.mjs"
import { BASELINE, LIBRARIES } from "./lib/libraries.mjs"
import { expectation, expectedMarks, OPS } from "./lib/ops.mjs"
import { analyze, printConsole, writeReports } from "./lib/report.mjs"
import { runThroughput } from "./lib/throughput.mjs"
import { runApplyBench } from "./lib/apply-browser.mjs"
import { prepareBaseline } from "./lib/baseline.mjs"

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, "..", "..")
/** The longest any click may take to show its rows (create 10,000 under load). */
const TIMEOUT_MS = 120_000

const HELP = `Usage: node bench/jfb/run.mjs [options]

  --only a,b          libraries to run (${LIBRARIES.map((l) => l.name).join(", ")});
                      ${BASELINE} is always added, since every ratio is taken against it
  --baseline REF      also run Shuttle's table demo as built at git ref REF (a commit,
                      HEAD~3, a branch) as the library "shuttle@<short-sha>", interleaved
                      with the others; the report gives shuttle / shuttle@<sha> (built in a
                      temporary git worktree under /tmp, removed afterwards)
  --ops a,b           operations to run (${OPS.map((o) => o.id).join(", ")})
  --samples N         timed samples per op and library (default 5)
  --samples-big N     timed samples for 10,000-row ops (default 3)
  --warmups N         untimed runs per op and library before the samples (default 1)
  --warmups-big N     untimed runs before the samples of 10,000-row ops (default 0: the
                      1,000-row ops before them run the same code)
  --throttle N|jfb    CPU slowdown via CDP Emulation.setCPUThrottlingRate during timed
                      samples: a factor for every op, or "jfb" for jfb's per-op factors
                      (it slows the page's main thread; Shuttle's worker is not slowed)
  --no-throughput     skip Shuttle's throughput measurements
  --throughput-only   only Shuttle's throughput measurements
  --seconds N         length of the sustained throughput window (default 3)
  --messages N        messages of the burst throughput test (default 100000)
  --no-build          use bench/jfb/dist as it is (no esbuild, no examples build)
  --no-examples       build bench/jfb pages but reuse examples/dist
  --out DIR           where to write jfb.json, jfb.md, jfb-ratios.svg (default bench/results)
  --rerender          run nothing: print and rewrite jfb.md and jfb-ratios.svg from DIR/jfb.json
  --help`

function parseArgs(argv) {
  const args = {
    only: null, ops: null, samples: 5, samplesBig: 3, warmups: 1, warmupsBig: 0, throttle: null,
    throughput: true, jfb: true, seconds: 3, messages: 100_000, build: true, examples: true,
    out: join(repo, "bench", "results"), rerender: false, baseline: null
  }
  const value = (i, name) => {
    if (i + 1 >= argv.length) throw new Error(`${name} needs a value`)
    return argv[i + 1]
  }
  const count = (text, name, min) => {
    const n = Number(text)
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`)
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    switch (arg) {
      case "--help": case "-h": console.log(HELP); process.exit(0); break
      case "--only": args.only = value(i, arg).split(",").map((s) => s.trim()).filter(Boolean); i++; break
      case "--baseline": args.baseline = value(i, arg); i++; break
      case "--ops": args.ops = value(i, arg).split(",").map((s) => s.trim()).filter(Boolean); i++; break
      case "--samples": args.samples = count(value(i, arg), arg, 1); i++; break
      case "--samples-big": args.samplesBig = count(value(i, arg), arg, 1); i++; break
      case "--warmups": args.warmups = count(value(i, arg), arg, 0); i++; break
      case "--warmups-big": args.warmupsBig = count(value(i, arg), arg, 0); i++; break
      case "--throttle": {
        const v = value(i, arg)
        args.throttle = v === "jfb" ? "jfb" : count(v, arg, 1)
        i++
        break
      }
      case "--no-throughput": args.throughput = false; break
      case "--throughput-only": args.jfb = false; break
      case "--seconds": args.seconds = count(value(i, arg), arg, 1); i++; break
      case "--messages": args.messages = count(value(i, arg), arg, 1); i++; break
      case "--no-build": args.build = false; break
      case "--no-examples": args.examples = false; break
      case "--out": args.out = value(i, arg); i++; break
      case "--rerender": args.rerender = true; break
      default: throw new Error(`unknown option ${arg}\n\n${HELP}`)
    }
  }
  const libNames = LIBRARIES.map((l) => l.name)
  if (args.only !== null) {
    const unknown = args.only.filter((n) => !libNames.includes(n))
    if (unknown.length > 0) throw new Error(`--only: unknown ${unknown.join(", ")}; known: ${libNames.join(", ")}`)
    if (!args.only.includes(BASELINE)) args.only.unshift(BASELINE)
  }
  if (args.ops !== null) {
    const known = OPS.map((o) => o.id)
    const unknown = args.ops.filter((n) => !known.includes(n))
    if (unknown.length > 0) throw new Error(`--ops: unknown ${unknown.join(", ")}; known: ${known.join(", ")}`)
  }
  return args
}

function log(line) {
  process.stdout.write(line + "\n")
}

function git(args) {
  try {
    return execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
  } catch {
    return "unknown"
  }
}

function packageVersion(name) {
  if (name === "shuttle") return JSON.parse(readFileSync(join(repo, "package.json"), "utf8")).version
  try {
    // Read the file: not every package exports its package.json (inferno does not).
    return JSON.parse(readFileSync(join(repo, "node_modules", name, "package.json"), "utf8")).version
  } catch {
    return "unknown"
  }
}

/** One library's tab: its page, a CDP session, and the mirror of its model. */
async function openLibrary(context, baseUrl, lib, errors) {
  const page = await context.newPage()
  watchErrors(page, errors)
  try {
    await page.goto(`${baseUrl}${lib.name}/`)
    await page.waitForSelector("#run", { timeout: 20_000 })
    await page.waitForSelector("table.test-data > tbody", { state: "attached", timeout: 20_000 })
    if (lib.shuttle) {
      await page.evaluate(() => window.shuttleRoot.ready)
      if (page.workers().length === 0) throw new Error("the page started no worker")
    }
  } catch (error) {
    throw new Error(`${lib.name}: the page did not show the jfb table (${error.message.split("\n")[0]})${errors.length > 0 ? `\npage errors:\n${errors.join("\n")}` : ""}`)
  }
  await page.evaluate(installHarness)
  const cdp = await context.newCDPSession(page)
  await cdp.send("Performance.enable")
  return { lib, page, cdp, model: null }
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send("Performance.getMetrics")
  const out = {}
  for (const m of list) out[m.name] = m.value
  return out
}

class CheckError extends Error {}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  if (args.rerender) {
    const analysis = JSON.parse(readFileSync(join(args.out, "jfb.json"), "utf8"))
    printConsole(analysis, log)
    const files = await writeReports(analysis, args.out)
    log(`\nRewrote ${files.map((f) => relative(process.cwd(), f)).join(", ")}`)
    return
  }
  const started = Date.now()
  const loadBefore = loadavg()
  const libs = LIBRARIES.filter((l) => args.only === null || args.only.includes(l.name))
  const ops = OPS.filter((o) => args.ops === null || args.ops.includes(o.id))

  let sizes = null
  if (args.build) {
    log("Building pages (esbuild, production, minified)…")
    sizes = await buildPages({ examples: args.examples, quiet: true })
  }
  let baseline = null
  if (args.baseline !== null) {
    if (!args.jfb) throw new Error("--baseline runs the jfb ops; it does nothing with --throughput-only")
    const built = await prepareBaseline(args.baseline, { repo, distDir: JFB_DIST, log })
    baseline = built.info
    if (sizes !== null) sizes[built.lib.name] = built.size
    // Right after this tree's Shuttle (or at the end when --only leaves it out).
    const at = libs.findIndex((l) => l.name === "shuttle")
    libs.splice(at === -1 ? libs.length : at + 1, 0, built.lib)
  }
  const model = await import(pathToFileURL(MODEL_MODULE).href)
  const server = await startServer({ port: 0, root: JFB_DIST })
  const browser = await launchChromium()
  const errors = []
  const results = {}
  let throughput = null
  let userAgent = "unknown"
  try {
    if (args.jfb) {
      log(`Opening ${libs.map((l) => l.name).join(", ")} (one tab each, each in its own renderer process)`)
      const tabs = []
      for (const lib of libs) {
        const tab = await openLibrary(browser.context, server.url, lib, errors)
        tab.model = model.init()
        tabs.push(tab)
      }
      userAgent = (await tabs[0].cdp.send("Browser.getVersion")).product

      const act = async (tab, action, msg) => {
        tab.model = model.update(tab.model, msg)
        await tab.page.evaluate(([a, e, t]) => window.__jfb.act(a, e, t), [action, expectation(tab.model, model.visibleRows), TIMEOUT_MS])
      }
      const setUp = async (tab, op) => {
        if (op.setup === "run") await act(tab, { click: "#run" }, { type: "run" })
        else if (op.setup === "empty" && tab.model.rows.length > 0) await act(tab, { click: "#clear" }, { type: "clear" })
      }

      /** Set-up, then one click timed from the click to the end of the frame that shows its rows; then every check. */
      const sample = async (tab, op, timed) => {
        await setUp(tab, op)
        const page = tab.page
        await page.evaluate(() => window.__jfb.settle())
        if (timed) {
          await page.bringToFront()
          await tab.cdp.send("HeapProfiler.collectGarbage")
          // Shuttle's worker too: its garbage is Shuttle's, and a collection pending there would land in the sample.
          for (const worker of page.workers()) await worker.evaluate(() => globalThis.gc())
          await page.evaluate(() => window.__jfb.settle())
        }
        if (op.marks.length > 0) await page.evaluate((indices) => window.__jfb.mark(indices), op.marks)
        const msg = op.msg(tab.model)
        tab.model = model.update(tab.model, msg)
        const expect = expectation(tab.model, model.visibleRows)
        const rate = args.throttle === null ? 1 : args.throttle === "jfb" ? op.throttle : args.throttle
        if (timed && rate !== 1) await tab.cdp.send("Emulation.setCPUThrottlingRate", { rate })
        const m0 = timed ? await metrics(tab.cdp) : null
        let timing
        try {
          timing = await page.evaluate(([a, e, t]) => window.__jfb.measure(a, e, t), [op.action, expect, TIMEOUT_MS])
        } finally {
          if (timed && rate !== 1) await tab.cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 })
        }
        const m1 = timed ? await metrics(tab.cdp) : null
        await check(tab, op, expect)
        if (!timed) return null
        const delta = (name) => (m1[name] - m0[name]) * 1000
        return {
          ...timing,
          taskMs: delta("TaskDuration"),
          scriptMs: delta("ScriptDuration"),
          layoutMs: delta("LayoutDuration"),
          styleMs: delta("RecalcStyleDuration"),
          throttle: rate
        }
      }

      const check = async (tab, op, expect) => {
        const page = tab.page
        const rows = model.visibleRows(tab.model)
        const digest = await page.evaluate(() => window.__jfb.digest())
        const where = `${tab.lib.name} / ${op.id}`
        if (digest.badShape !== null) throw new CheckError(`${where}: wrong row markup: ${digest.badShape}`)
        if (digest.count !== rows.length) throw new CheckError(`${where}: ${digest.count} rows, expected ${rows.length}`)
        if (digest.status !== expect.status) throw new CheckError(`${where}: #status shows ${JSON.stringify(digest.status)}, expected ${JSON.stringify(expect.status)}`)
        if (digest.hash !== digestRows(rows, tab.model.selected)) {
          const shown = await page.evaluate((n) => window.__jfb.rowsText(0, n), rows.length)
          const wanted = rows.map((r, i) => `${i}: ${r.id} | ${r.label} | ${r.id === tab.model.selected ? "danger" : ""}`)
          const first = wanted.findIndex((w, i) => w !== shown[i])
          throw new CheckError(`${where}: the table differs from the model, first at row ${first}:\n  shown:    ${shown[first]}\n  expected: ${wanted[first]}`)
        }
        if (op.marks.length > 0) {
          const actual = await page.evaluate(() => window.__jfb.whereMarked())
          const wanted = expectedMarks(op)
          for (const index of op.marks) {
            if (actual[index] !== wanted[index]) {
              throw new CheckError(`${where}: the <tr> that was row ${index} is ${actual[index] === -1 ? "gone" : `at row ${actual[index]}`}, expected ${wanted[index] === -1 ? "gone (a new node)" : `the same node at row ${wanted[index]}`}`)
            }
          }
        }
        if (errors.length > 0) throw new CheckError(`page errors:\n${errors.join("\n")}`)
      }

      for (const op of ops) {
        const samples = op.big ? args.samplesBig : args.samples
        const opStarted = Date.now()
        results[op.id] = Object.fromEntries(tabs.map((t) => [t.lib.name, []]))
        const warmups = op.big ? args.warmupsBig : args.warmups
        for (const tab of tabs) for (let w = 0; w < warmups; w++) await sample(tab, op, false)
        for (let s = 0; s < samples; s++) {
          // Rotate the order each round, so no library always runs right after the same one.
          for (let k = 0; k < tabs.length; k++) {
            const tab = tabs[(k + s) % tabs.length]
            results[op.id][tab.lib.name].push(await sample(tab, op, true))
          }
        }
        const medians = tabs.map((t) => {
          const values = results[op.id][t.lib.name].map((r) => r.totalMs).sort((a, b) => a - b)
          return `${t.lib.name} ${values[values.length >> 1].toFixed(1)}`
        })
        log(`${op.title.padEnd(32)} ${medians.join("  ")}  ms (median; ${((Date.now() - opStarted) / 1000).toFixed(0)} s)`)
      }
      for (const tab of tabs) await tab.page.close()
    }
    if (args.throughput && (args.only === null || args.only.includes("shuttle"))) {
      log("Shuttle throughput")
      throughput = await runThroughput(browser.context, server.url, { seconds: args.seconds, messages: args.messages, burst: 1000, rows: 10_000 }, log)
      throughput.applier = await runApplyBench(browser.context, server.url, 7, log)
      if (userAgent === "unknown") {
        const page = await browser.context.newPage()
        const cdp = await browser.context.newCDPSession(page)
        userAgent = (await cdp.send("Browser.getVersion")).product
        await page.close()
      }
    }
  } finally {
    await browser.close()
    await server.close()
  }

  const cpuList = cpus()
  const meta = {
    date: new Date().toISOString(),
    command: `node ${relative(repo, fileURLToPath(import.meta.url))} ${process.argv.slice(2).join(" ")}`.trim(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: {
      cpu: cpuList[0]?.model ?? "unknown",
      cores: cpuList.length,
      memoryGB: Math.round(totalmem() / 2 ** 30),
      os: `${osType()} ${release()}`,
      loadAverageBefore: loadBefore.map((v) => Number(v.toFixed(2))),
      loadAverageAfter: loadavg().map((v) => Number(v.toFixed(2)))
    },
    node: process.version,
    chromium: /(?:HeadlessChrome|Chrome)\/([\d.]+)/.exec(userAgent)?.[1] ?? userAgent,
    shuttleCommit: `${git(["rev-parse", "--short", "HEAD"])}${git(["status", "--porcelain", "--untracked-files=no"]) === "" ? "" : " (with uncommitted changes)"}`,
    versions: Object.fromEntries(libs.filter((l) => l.version).map((l) => [l.version, packageVersion(l.version)])),
    baseline,
    settings: { samples: args.samples, samplesBig: args.samplesBig, warmups: args.warmups, warmupsBig: args.warmupsBig, throttle: args.throttle ?? 1 },
    bundleSizes: sizes
  }
  // Where the bytes of each op's patch list go, from the encoder alone (bench/micro/jfb-patches.ts).
  const { profileAll } = await import(pathToFileURL(PATCHES_MODULE).href)
  const analysis = analyze({ meta, libs, ops: ops.filter(() => args.jfb), results, throughput, patchProfiles: profileAll() })
  printConsole(analysis, log)
  const files = await writeReports(analysis, args.out)
  log(`\nWrote ${files.map((f) => relative(process.cwd(), f)).join(", ")} in ${meta.durationSeconds} s`)
}

main().catch((error) => {
  console.error(error instanceof CheckError ? `\nDOM CHECK FAILED: ${error.message}` : error)
  process.exit(1)
})
