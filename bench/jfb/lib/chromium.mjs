// Launches Debian's Chromium the way the browser tests do (test/browser/_chromium.ts; the
// launch logic is copied, not imported, so the benchmark does not depend on test code):
// /usr/bin/chromium with TESTING.md's flags (plus --js-flags=--expose-gc) and a fresh
// user-data dir. Never a downloaded browser.
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { chromium } from "playwright-core"

export const CHROMIUM_PATH = "/usr/bin/chromium"

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/**
 * Added for the benchmark: `gc()` in every isolate, workers included, so a sample can start
 * after a full collection on the main thread and in Shuttle's worker alike (CDP's
 * HeapProfiler.collectGarbage reaches only the page's isolate).
 */
export const BENCH_FLAGS = ["--js-flags=--expose-gc"]

/** Starts Chromium with a fresh profile; resolves to { context, close() }. */
export async function launchChromium() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing. Install Debian's Chromium (apt-get install -y chromium); the benchmark never downloads a browser.`)
  }
  const userDataDir = mkdtempSync(join(tmpdir(), "shuttle-jfb-"))
  let context
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_FLAGS, ...BENCH_FLAGS],
      viewport: { width: 1024, height: 768 }
    })
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true })
    throw error
  }
  return {
    context,
    async close() {
      try {
        await context.close()
      } finally {
        rmSync(userDataDir, { recursive: true, force: true })
      }
    }
  }
}

/** Console errors, uncaught page errors and worker console errors of a page, as they come. */
export function watchErrors(page, errors) {
  const onConsole = (where) => (message) => {
    if (message.type() === "error") errors.push(`${where()} console.error: ${message.text()}`)
  }
  page.on("console", onConsole(() => page.url()))
  page.on("pageerror", (error) => errors.push(`${page.url()} uncaught: ${error.message}`))
  page.on("worker", (worker) => worker.on("console", onConsole(() => `worker ${worker.url()}`)))
}
