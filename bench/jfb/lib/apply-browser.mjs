// The applier alone in Chromium (bench/jfb/pages/shuttle-apply): Applier.apply per jfb op
// beside the same DOM calls made directly, on the real DOM, no worker, no layout.
import { median } from "./stats.mjs"

export async function runApplyBench(context, baseUrl, reps, log) {
  const page = await context.newPage()
  const errors = []
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`))
  try {
    await page.goto(`${baseUrl}shuttle-apply/`)
    await page.waitForFunction(() => window.shuttleApply !== undefined)
    log(`  applier vs direct DOM calls, ${reps} repetitions per op`)
    const raw = await page.evaluate((n) => window.shuttleApply.run(n), reps)
    if (errors.length > 0) throw new Error(`shuttle-apply page errors:\n${errors.join("\n")}`)
    return raw.map((r) => {
      const applyMs = median(r.applyMs)
      const directMs = r.directMs.length > 0 ? median(r.directMs) : NaN
      return { op: r.op, title: r.title, reps: r.applyMs.length, patchBytes: r.patchBytes, applyMs, directMs, ratio: applyMs / directMs, applyMinMs: Math.min(...r.applyMs), directMinMs: r.directMs.length > 0 ? Math.min(...r.directMs) : NaN }
    })
  } finally {
    await page.close()
  }
}
