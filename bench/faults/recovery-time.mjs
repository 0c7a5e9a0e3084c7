// Probe: how long from a worker crash to a recovered, interactive app, in Chromium.
// Not a test (timings never go in tests); run it by hand after building the examples:
//
//   node examples/build.mjs && node bench/faults/recovery-time.mjs [runs]
//
// Each run opens examples/faults on a fresh page and terminates its worker, either idle
// (500 ms after the first commit) or mid-stream (600 ms of counter messages and commands, and a 5,000-row Transition
// re-render still in flight). It reports, from the terminate() call:
//   detected     onError has the WorkerCrashed error (pending flushes are rejected then)
//   recovered    the new worker's first commit is on screen (5,000 rows, restored model)
//   interactive  a click on the recovered app's button has gone through the new worker
//                and its commit is on screen
// with createRoot's default backoff (100 ms before the restart) and with none.
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { chromium } from "playwright-core"
import { DIST, startServer } from "../../examples/serve.mjs"

const RUNS = Number(process.argv[2] ?? 7)
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if (!existsSync(join(DIST, "faults", "index.html"))) {
  console.error("examples/dist/faults is missing: run `node examples/build.mjs` first.")
  process.exit(1)
}

// Served from a copy: a rebuild of examples/dist during the runs (it starts by deleting
// it) would make the restarted workers' script 404, which is a different experiment.
const served = mkdtempSync(join(tmpdir(), "shuttle-recovery-dist-"))
cpSync(join(DIST, "faults"), join(served, "faults"), { recursive: true })
const server = await startServer({ port: 0, root: served })
const userDataDir = mkdtempSync(join(tmpdir(), "shuttle-recovery-"))
const context = await chromium.launchPersistentContext(userDataDir, { executablePath: "/usr/bin/chromium", headless: true, args: FLAGS })

async function once(streaming, backoffMs) {
  const page = await context.newPage()
  await page.goto(`${server.url}faults/?backoffMs=${backoffMs}`)
  await page.waitForFunction(() => document.querySelectorAll("#rows > li").length === 5000)
  const result = await page.evaluate(async (streaming) => {
    const f = window.faults
    const until = async (condition, what) => {
      const give = performance.now() + 10_000
      while (!condition()) {
        if (performance.now() > give) throw new Error(`no ${what} within 10 s (errors: ${JSON.stringify(f.errors)})`)
        await new Promise((resolve) => setTimeout(resolve, 0))
      }
    }
    if (streaming) {
      await f.stream(600)
      f.root.dispatch({ type: "tick" }, { lane: "transition" })
    } else {
      // Idle: the first 5,000 rows laid out and painted, nothing pending.
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    const t0 = performance.now()
    f.crash()
    await until(() => f.errors.length > 0, "crash report")
    const detected = f.errors[0].at - t0
    await until(() => f.root.stats.restarts === 1, "restart")
    const recovered = performance.now() - t0
    const direct = () => Number(document.getElementById("direct").textContent)
    const before = direct()
    document.getElementById("inc").click()
    await until(() => direct() === before + 1, "click")
    const interactive = performance.now() - t0
    return { detected, recovered, interactive, errors: f.errors.map((e) => e.kind) }
  }, streaming)
  await page.close()
  if (result.errors.join() !== "WorkerCrashed") throw new Error(`unexpected errors: ${result.errors}`)
  return result
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
const fmt = (values) => `${median(values).toFixed(0).padStart(5)} ms (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`

try {
  console.log(`Chromium ${context.browser()?.version() ?? ""}, ${RUNS} runs per row, times from worker.terminate()`)
  for (const backoffMs of [100, 0]) {
    for (const streaming of [false, true]) {
      const runs = []
      for (let i = 0; i < RUNS; i++) runs.push(await once(streaming, backoffMs))
      console.log(`backoff ${String(backoffMs).padStart(3)} ms, ${streaming ? "mid-stream" : "idle      "}  detected ${fmt(runs.map((r) => r.detected))}  recovered ${fmt(runs.map((r) => r.recovered))}  interactive ${fmt(runs.map((r) => r.interactive))}`)
    }
  }
} finally {
  await context.close()
  await server.close()
  rmSync(userDataDir, { recursive: true, force: true })
  rmSync(served, { recursive: true, force: true })
}
