// Soak run (not CI): the table demo takes `--updates` updates (default 10,000) at
// `--rate` per second (default 60) on 1,000 rows: each update is "update every 10th row"
// or a select, alternating. Every `--sample` updates (default 500) the main thread's heap
// is measured after a forced GC, with the root's table sizes. Prints the samples and the
// heap slope (least squares, bytes per 1,000 updates); writes bench/results/soak.json.
//
//   node examples/build.mjs && node bench/soak/run.mjs [--updates 10000] [--rate 60] [--sample 500]
import { mkdirSync, writeFileSync } from "node:fs"
import { chromium } from "playwright-core"
import { startServer } from "../../examples/serve.mjs"

const args = process.argv.slice(2)
const flag = (name, fallback) => {
  const at = args.indexOf(`--${name}`)
  return at >= 0 ? Number(args[at + 1]) : fallback
}
const updates = flag("updates", 10_000)
const rate = flag("rate", 60)
const sampleEvery = flag("sample", 500)

const server = await startServer({ port: 0 })
const context = await chromium.launchPersistentContext(`/tmp/shuttle-soak-${process.pid}`, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
})
try {
  const page = await context.newPage()
  await page.goto(`${server.url}table/`)
  await page.waitForSelector("#run")
  await page.click("#run")
  await page.waitForFunction(() => document.querySelectorAll("tbody > tr").length === 1000)
  const cdp = await context.newCDPSession(page)
  await cdp.send("HeapProfiler.enable")
  const sample = async (done) => {
    for (let i = 0; i < 2; i++) await cdp.send("HeapProfiler.collectGarbage")
    const heap = await cdp.send("Runtime.getHeapUsage")
    const dom = await cdp.send("Memory.getDOMCounters")
    const stats = await page.evaluate(() => window.shuttleRoot.stats)
    return { updates: done, heapBytes: heap.usedSize, domNodes: dom.nodes, listeners: dom.jsEventListeners, tableNodes: stats.nodes, tableStrings: stats.strings }
  }
  const samples = [await sample(0)]
  const started = Date.now()
  for (let done = 0; done < updates;) {
    const batch = Math.min(sampleEvery, updates - done)
    // Paced in the page, so the rate does not depend on round trips to Node.
    await page.evaluate(async ({ batch, rate, offset }) => {
      const root = window.shuttleRoot
      for (let i = 0; i < batch; i++) {
        const n = offset + i
        root.dispatch(n % 2 === 0 ? { type: "update" } : { type: "select", id: (n % 1000) + 1 })
        await new Promise((resolve) => setTimeout(resolve, 1000 / rate))
      }
      await root.flush()
    }, { batch, rate, offset: done })
    done += batch
    const s = await sample(done)
    samples.push(s)
    // One line per sample, so a run that is stopped early still shows what it measured.
    console.log(`${done} / ${updates} updates: heap ${(s.heapBytes / 1024).toFixed(0)} KB, DOM nodes ${s.domNodes}, listeners ${s.listeners}, node table ${s.tableNodes}, string table ${s.tableStrings}`)
  }
  const seconds = (Date.now() - started) / 1000
  const n = samples.length
  const meanX = samples.reduce((s, p) => s + p.updates, 0) / n
  const meanY = samples.reduce((s, p) => s + p.heapBytes, 0) / n
  const slope = samples.reduce((s, p) => s + (p.updates - meanX) * (p.heapBytes - meanY), 0) / samples.reduce((s, p) => s + (p.updates - meanX) ** 2, 0)
  console.log(`\n\n| updates | heap (KB) | DOM nodes | listeners | node table | string table |\n| ---: | ---: | ---: | ---: | ---: | ---: |`)
  for (const s of samples) console.log(`| ${s.updates} | ${(s.heapBytes / 1024).toFixed(0)} | ${s.domNodes} | ${s.listeners} | ${s.tableNodes} | ${s.tableStrings} |`)
  console.log(`\n${updates} updates in ${seconds.toFixed(0)} s; heap slope ${(slope * 1000 / 1024).toFixed(1)} KB per 1,000 updates (least squares over ${n} samples)`)
  mkdirSync("bench/results", { recursive: true })
  writeFileSync("bench/results/soak.json", JSON.stringify({ updates, rate, seconds, slopeBytesPer1000: slope * 1000, samples }, null, 2))
} finally {
  await context.close()
  await server.close()
}
