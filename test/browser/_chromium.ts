import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from "playwright-core"
import { afterAll, afterEach, beforeAll, describe, expect } from "vitest"
import { DIST, startServer, type ExampleServer } from "../../examples/serve.mjs"

/**
 * Shared set-up of the browser suites (see TESTING.md, "Browser"): Debian's Chromium at
 * /usr/bin/chromium, never a downloaded one; one browser context per suite, with a fresh
 * user-data dir; the examples served from examples/dist by an in-process server.
 */

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
 * `describe` when Chromium is installed. Without it: in CI (`CI` set) the suite fails at
 * once, because CI installs Chromium and a skipped browser suite would pass unseen;
 * elsewhere the suite is skipped with a banner nobody can miss.
 */
export function describeBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, body)
    return
  }
  if (process.env.CI) {
    throw new Error(`${CHROMIUM_PATH} is missing and CI is set: the browser suite "${name}" cannot run. Install it with \`apt-get install -y chromium\` (.ci/run does).`)
  }
  const line = "!".repeat(78)
  console.warn([
    "",
    line,
    `!!  SKIPPED: browser suite "${name}"`,
    `!!  ${CHROMIUM_PATH} not found. Install Debian's Chromium (apt-get install -y chromium);`,
    "!!  CI treats this skip as a failure.",
    line,
    ""
  ].join("\n"))
  describe.skip(name, body)
}

export interface BrowserSuite {
  readonly context: BrowserContext
  readonly server: ExampleServer
  /**
   * Opens an example page (`"table"`, or with a query: `"lanes/?lane=transition"`) and
   * waits until its first commit is in the DOM (`ready` selector).
   */
  open(example: string, ready: string): Promise<Page>
  /** Console errors, page errors and worker errors seen so far, on every page of the suite. */
  readonly errors: string[]
  close(): Promise<void>
}

/** Starts the server and Chromium with a fresh profile. Call once per suite, in beforeAll. */
export async function openBrowserSuite(): Promise<BrowserSuite> {
  if (!existsSync(join(DIST, "table", "index.html"))) {
    throw new Error("examples/dist is not built: run `node examples/build.mjs` first (npm run test:browser does).")
  }
  const server = await startServer({ port: 0 })
  const userDataDir = mkdtempSync(join(tmpdir(), "shuttle-chromium-"))
  let context: BrowserContext
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1024, height: 768 }
    })
  } catch (error) {
    await server.close()
    rmSync(userDataDir, { recursive: true, force: true })
    throw error
  }
  const errors: string[] = []
  const onConsole = (where: () => string) => (message: ConsoleMessage) => {
    if (message.type() === "error") errors.push(`${where()} console.error: ${message.text()}`)
  }
  const watch = (page: Page): void => {
    page.on("console", onConsole(() => page.url()))
    page.on("pageerror", (error) => errors.push(`${page.url()} uncaught: ${error.message}`))
    page.on("worker", (worker) => worker.on("console", onConsole(() => `worker ${worker.url()}`)))
  }
  context.on("page", watch)
  for (const page of context.pages()) watch(page)

  return {
    context,
    server,
    errors,
    async open(example, ready) {
      const page = await context.newPage()
      await page.goto(`${server.url}${examplePath(example)}`)
      await page.waitForSelector(ready)
      return page
    },
    async close() {
      try {
        await context.close()
      } finally {
        await server.close()
        rmSync(userDataDir, { recursive: true, force: true })
      }
    }
  }
}

/** `table` → `table/`; a path that has its slash or a query already is kept. */
function examplePath(example: string): string {
  return example.endsWith("/") || example.includes("?") ? example : `${example}/`
}

/**
 * The hooks every browser suite repeats, in one place; call it at the top of the body
 * given to describeBrowser. Chromium and the server start once, before the suite; pages
 * opened through `open` or `newPage` close after each test (`pagesPerTest`) or after the
 * suite, then Chromium; after each test, any console error, page error or worker error
 * seen meanwhile fails it (a test that expects some takes them out of `suite.errors` first).
 */
export function useBrowserSuite(options: { readonly pagesPerTest?: boolean } = {}) {
  let suite: BrowserSuite | undefined
  const pages: Page[] = []
  const started = (): BrowserSuite => {
    if (suite === undefined) throw new Error("the browser suite did not start (see the beforeAll error)")
    return suite
  }
  const newPage = async (): Promise<Page> => {
    const page = await started().context.newPage()
    pages.push(page)
    return page
  }

  beforeAll(async () => {
    suite = await openBrowserSuite()
  })
  afterEach(async () => {
    if (options.pagesPerTest === true) for (const page of pages.splice(0)) await page.close()
    if (suite !== undefined) expect(suite.errors.splice(0)).toEqual([])
  })
  afterAll(async () => {
    for (const page of pages.splice(0)) await page.close().catch(() => undefined)
    await suite?.close()
  })

  return {
    get suite(): BrowserSuite {
      return started()
    },
    newPage,
    /** `BrowserSuite.open`, with the page closed by these hooks. */
    async open(example: string, ready: string): Promise<Page> {
      const page = await newPage()
      await page.goto(`${started().server.url}${examplePath(example)}`)
      await page.waitForSelector(ready)
      return page
    }
  }
}
