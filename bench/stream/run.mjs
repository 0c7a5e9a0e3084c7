// Startup and streaming figures for the streaming demo (examples/stream), in Chromium:
// - time from navigation to the placeholder's first paint and to the first real commit;
// - commits and animation frames used to reveal the 100,000-item stream, and the input
//   lateness (handler start − event timestamp) of keystrokes typed every 16 ms meanwhile.
//
//   node examples/build.mjs && node bench/stream/run.mjs [--rounds 3]
import { chromium } from "playwright-core"
import { startServer } from "../../examples/serve.mjs"

const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1] || 3)
const server = await startServer({ port: 0 })
const context = await chromium.launchPersistentContext(`/tmp/shuttle-stream-${process.pid}`, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
})
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}
try {
  const rows = []
  for (let round = 0; round < rounds; round++) {
    const page = await context.newPage()
    await page.addInitScript(() => {
      window.__lateness = []
      window.__frames = 0
      addEventListener("keydown", (e) => window.__lateness.push(performance.now() - e.timeStamp), true)
      const tick = () => {
        window.__frames++
        requestAnimationFrame(tick)
      }
      requestAnimationFrame(tick)
    })
    await page.goto(`${server.url}stream/`)
    await page.waitForSelector("#load")
    const startup = await page.evaluate(() => ({
      placeholderPaint: performance.getEntriesByType("paint").find((e) => e.name === "first-contentful-paint")?.startTime ?? NaN,
      firstCommit: window.streamDemo.firstCommitAt()
    }))
    const before = await page.evaluate(() => ({ commits: window.streamDemo.commits.length, frames: window.__frames, t: performance.now() }))
    await page.click("#load")
    await page.locator("#text").focus()
    const typing = (async () => {
      for (let i = 0; i < 200; i++) {
        if (await page.evaluate(() => document.getElementById("shown").textContent === "100000")) break
        await page.keyboard.press(String.fromCharCode(97 + (i % 26)))
        await new Promise((resolve) => setTimeout(resolve, 16))
      }
    })()
    await page.waitForFunction(() => document.getElementById("shown").textContent === "100000", undefined, { timeout: 300_000 })
    await typing
    const after = await page.evaluate(() => ({ commits: window.streamDemo.commits.length, frames: window.__frames, t: performance.now(), lateness: window.__lateness }))
    rows.push({
      placeholderPaint: startup.placeholderPaint,
      firstCommit: startup.firstCommit,
      commits: after.commits - before.commits,
      frames: after.frames - before.frames,
      seconds: (after.t - before.t) / 1000,
      p50: percentile(after.lateness, 50),
      p95: percentile(after.lateness, 95),
      keys: after.lateness.length
    })
    await page.close()
  }
  console.log("| round | placeholder paint (ms) | first commit (ms) | commits to reveal 100k | frames | seconds | keys | lateness p50 | p95 |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
  rows.forEach((r, i) => console.log(`| ${i + 1} | ${r.placeholderPaint.toFixed(0)} | ${r.firstCommit.toFixed(0)} | ${r.commits} | ${r.frames} | ${r.seconds.toFixed(1)} | ${r.keys} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} |`))
} finally {
  await context.close()
  await server.close()
}
