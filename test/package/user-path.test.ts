/**
 * A user's path (TESTING.md): pack the library as npm would publish it, install the tarball
 * into an empty directory, follow the README's Install and Quick start, build with Vite and
 * with esbuild, serve, open in Chromium, click and type.
 *
 * What it proves together: the tarball (prepack builds dist/; maps and the sources they
 * name ship; `exports` puts types first; effect is a single peer copy), the installed
 * types (`tsc --strict`), the README's files (byte for byte examples/quickstart/) and its
 * commands (run as written, through `npx --no`, so nothing is downloaded), and both
 * bundlers' handling of the module worker.
 *
 * The install goes through npm with `--prefer-offline` and the user's npm cache (~/.npm):
 * the packages are those `npm ci` put there, at the repo's own versions; only package
 * metadata npm has not cached yet is fetched from the registry.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { homedir, tmpdir } from "node:os"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { chromium, type BrowserContext, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, test } from "vitest"
import { CHROMIUM_FLAGS, CHROMIUM_PATH, describeBrowser } from "../browser/_chromium.ts"

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..")
const QUICKSTART = join(REPO, "examples/quickstart")
/** The files the README's Quick start shows; examples/quickstart also holds a package.json. */
const QUICKSTART_FILES = ["app.worker.tsx", "main.ts", "index.html", "tsconfig.json"]

// ---------------------------------------------------------------------------------------
// Processes

/** The environment for npm and the tools: the caller's, without the npm_* variables an
 * enclosing `npm test` sets (they describe the repo's package, not the user's), and with
 * the user's npm cache. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("npm_")) env[name] = value
  env.npm_config_cache = process.env.npm_config_cache ?? join(homedir(), ".npm")
  env.npm_config_update_notifier = "false"
  env.npm_config_fund = "false"
  env.npm_config_audit = "false"
  env.NO_COLOR = "1"
  return env
}

/** Runs a command to completion; rejects with its output if it fails. */
function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd, env: userEnv(), stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      if (code === 0) resolveRun(output)
      else reject(new Error(`\`${command} ${args.join(" ")}\` in ${cwd} exited with ${code}:\n${output}`))
    })
  })
}

/** `npx --no -- <args>`: the README's `npx …` command, from the local install only. */
function npxArgs(line: string): string[] {
  const words = line.trim().split(/\s+/)
  if (words[0] !== "npx") throw new Error(`not an npx command: ${line}`)
  return ["--no", "--", ...words.slice(1)]
}

interface Server {
  readonly url: string
  stop(): Promise<void>
}

/**
 * Starts a long-running server command (its own process group, stdin kept open: esbuild's
 * server stops when stdin closes) and resolves with the first "Local: http://…" URL it prints.
 */
function startServerCommand(line: string, cwd: string): Promise<Server> {
  return new Promise((resolveStart, reject) => {
    const child: ChildProcess = spawn("npx", npxArgs(line), { cwd, env: userEnv(), stdio: ["pipe", "pipe", "pipe"], detached: true })
    let output = ""
    let started = false
    const stop = () => new Promise<void>((resolveStop) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolveStop()
      child.once("close", () => resolveStop())
      try {
        process.kill(-child.pid!, "SIGTERM") // the group: npx and the server it started
      } catch {
        resolveStop()
      }
    })
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`\`${line}\` printed no URL within 60 s:\n${output}`))
    }, 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Local:\s+(http:\/\/\S+)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ""))
      if (match !== null && !started) {
        started = true
        clearTimeout(timer)
        resolveStart({ url: match[1]!.endsWith("/") ? match[1]! : `${match[1]}/`, stop })
      }
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", onData)
    child.on("error", (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on("close", (code) => {
      if (!started) {
        clearTimeout(timer)
        reject(new Error(`\`${line}\` exited with ${code} before serving:\n${output}`))
      }
    })
  })
}

// ---------------------------------------------------------------------------------------
// The README

const README = readFileSync(join(REPO, "README.md"), "utf8")

/** The text of a `## title` section, up to the next `## `. */
function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`)
  if (start < 0) throw new Error(`README has no "## ${title}" section`)
  const end = README.indexOf("\n## ", start + 1)
  return README.slice(start, end < 0 ? undefined : end)
}

/** The fenced code blocks of a section, without their fences. */
function codeBlocks(text: string): string[] {
  return [...text.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
}

/** The README's command lines starting with `npx`, their trailing `# comment` removed. */
function commands(text: string): string[] {
  return codeBlocks(text)
    .flatMap((block) => block.split("\n"))
    .filter((line) => line.startsWith("npx "))
    .map((line) => line.replace(/\s+#.*$/, "").trim())
}

function command(text: string, test: (line: string) => boolean, what: string): string {
  const found = commands(text).filter(test)
  if (found.length !== 1) throw new Error(`README's Quick start should show one ${what} command, found ${JSON.stringify(found)}`)
  return found[0]!
}

const quickStart = section("Quick start")
const VITE_BUILD = command(quickStart, (l) => l === "npx vite build", "`npx vite build`")
const VITE_PREVIEW = command(quickStart, (l) => l === "npx vite preview", "`npx vite preview`")
const ESBUILD_BUILD = command(quickStart, (l) => l.startsWith("npx esbuild ") && l.includes("--bundle"), "esbuild build")
const ESBUILD_SERVE = command(quickStart, (l) => l.startsWith("npx esbuild ") && l.includes("--servedir"), "esbuild serve")
/** `npx vite` itself is named in the prose (the dev server). */
const VITE_DEV = "npx vite"

// ---------------------------------------------------------------------------------------
// Driving the Quick start's page

/** Waits until `selector`'s text is `text`; on a timeout, says what it was instead. */
async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  try {
    await page.waitForFunction(
      ([s, t]) => document.querySelector(s!)?.textContent === t,
      [selector, text] as const,
      { timeout: 30_000 }
    )
  } catch (error) {
    const actual = await page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector).catch(() => "(page gone)")
    throw new Error(`${selector} should read ${JSON.stringify(text)}, reads ${JSON.stringify(actual)}: ${String(error)}`)
  }
}

/**
 * Opens the Quick start at `url`, clicks the button twice, types into the input, then runs
 * `andThen` on the page. No error on the page or in the worker, no failed request.
 */
async function useTheApp(context: BrowserContext, url: string, andThen?: (page: Page) => Promise<void>): Promise<void> {
  const page = await context.newPage()
  const errors: string[] = []
  // A failed load is reported by URL below; the console's copy of it does not name the URL.
  const isLoadError = (text: string) => text.startsWith("Failed to load resource")
  page.on("console", (m) => m.type() === "error" && !isLoadError(m.text()) && errors.push(`console.error: ${m.text()}`))
  // The Quick start's page has no icon; the browser's request for one is not the app's.
  page.on("response", (r) => r.status() >= 400 && new URL(r.url()).pathname !== "/favicon.ico" && errors.push(`${r.status()} ${r.url()}`))
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`))
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`))
  page.on("worker", (w) => w.on("console", (m) => m.type() === "error" && errors.push(`worker console.error: ${m.text()}`)))
  try {
    await page.goto(url)
    await waitForText(page, "#app button", "Clicked 0 times")
    // The app runs in a worker: the page started one, and the DOM came from it.
    expect(page.workers().length).toBe(1)

    await page.click("#app button")
    await waitForText(page, "#app button", "Clicked 1 times")
    await page.click("#app button")
    await waitForText(page, "#app button", "Clicked 2 times")

    await page.locator("#app input").pressSequentially("hello, worker")
    await waitForText(page, "#app p", "You typed: hello, worker")
    expect(await page.locator("#app input").inputValue()).toBe("hello, worker")
    await waitForText(page, "#app button", "Clicked 2 times")
    await andThen?.(page)
    expect(errors).toEqual([])
  } finally {
    await page.close()
  }
}

// ---------------------------------------------------------------------------------------

describe("a user's path: the packed tarball, installed into an empty folder, with the README's Quick start", () => {
  let home = "" // the temp dir
  let app = "" // the user's project: the Quick start's files and node_modules
  let tarball = ""
  const installed = (...path: string[]) => join(app, "node_modules", ...path)
  const repoVersion = (name: string): string =>
    (JSON.parse(readFileSync(join(REPO, "node_modules", name, "package.json"), "utf8")) as { version: string }).version

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "shuttle-user-"))
    app = join(home, "app")
    mkdirSync(app)

    // npm pack runs prepack, which builds dist/ afresh.
    const packs = join(home, "pack")
    mkdirSync(packs)
    await run("npm", ["pack", "--pack-destination", packs], REPO)
    const tgz = readdirSync(packs).filter((f) => f.endsWith(".tgz"))
    expect(tgz).toHaveLength(1)
    tarball = join(packs, tgz[0]!)

    for (const file of QUICKSTART_FILES) cpSync(join(QUICKSTART, file), join(app, file))
    // examples/quickstart/package.json as a user would have it, with shuttle-ui from the
    // tarball and the tools at the repo's own versions (in the npm cache since `npm ci`).
    const manifest = JSON.parse(readFileSync(join(QUICKSTART, "package.json"), "utf8")) as {
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
    }
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["effect", "shuttle-ui"])
    manifest.dependencies["shuttle-ui"] = `file:${tarball}`
    manifest.dependencies.effect = repoVersion("effect")
    for (const tool of Object.keys(manifest.devDependencies)) manifest.devDependencies[tool] = repoVersion(tool)
    manifest.devDependencies.esbuild = repoVersion("esbuild") // the README's esbuild alternative
    writeFileSync(join(app, "package.json"), JSON.stringify(manifest, null, 2) + "\n")

    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], app)
  })

  afterAll(() => {
    if (home !== "") rmSync(home, { recursive: true, force: true })
  })

  test("the tarball ships dist/ with declarations, source maps and declaration maps, and the sources they name", async () => {
    const entries = (await run("tar", ["-tzf", tarball], home)).split("\n").filter((l) => l !== "")
    const files = entries.map((e) => e.replace(/^package\//, ""))
    expect(files).toContain("package.json")
    expect(files).toContain("README.md")
    expect(files).toContain("LICENSE")
    // Only the library: no tests, examples, benchmarks or configs.
    expect(files.filter((f) => !/^(dist|src|workers|protocol|vite)\//.test(f) && f !== "package.json" && f !== "README.md" && f !== "LICENSE")).toEqual([])

    const pkg = JSON.parse(readFileSync(installed("shuttle-ui", "package.json"), "utf8")) as {
      exports: Record<string, string | Record<string, string>>
      peerDependencies: Record<string, string>
      dependencies: Record<string, string>
    }
    // Every entry point: types first, and each file it names is in the tarball, with its maps.
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (typeof target === "string") continue // ./package.json
      expect(Object.keys(target)[0], `exports["${entry}"]`).toBe("types")
      for (const path of Object.values(target)) {
        const file = path.replace(/^\.\//, "")
        expect(files, `exports["${entry}"]`).toContain(file)
        expect(files).toContain(`${file}.map`)
      }
    }
    expect(pkg.peerDependencies).toHaveProperty("effect")
    expect(pkg.dependencies).not.toHaveProperty("effect")

    // Every map names sources that shipped: a debugger and Go to Definition find them.
    const maps = files.filter((f) => f.endsWith(".map"))
    expect(maps.length).toBeGreaterThan(20)
    const missing: string[] = []
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(installed("shuttle-ui", map), "utf8")) as { sources: string[] }
      for (const source of sources) {
        const path = relative(installed("shuttle-ui"), resolve(dirname(installed("shuttle-ui", map)), source))
        if (!files.includes(path)) missing.push(`${map} → ${source}`)
      }
    }
    expect(missing).toEqual([])
    // One copy of effect, the user's: Shuttle's worker and the app's commands share it.
    expect(existsSync(installed("shuttle-ui", "node_modules", "effect"))).toBe(false)
    expect(existsSync(installed("effect", "package.json"))).toBe(true)
  })

  test("the README's Quick start shows examples/quickstart's files, byte for byte", () => {
    const blocks = codeBlocks(quickStart)
    for (const file of QUICKSTART_FILES) {
      // Each file's block names it in a comment on its first or second line.
      const found = blocks.filter((block) => block.split("\n").slice(0, 2).some((line) => /^(\/\/|<!--)/.test(line) && line.includes(` ${file}`)))
      expect(found, `README blocks naming ${file}`).toHaveLength(1)
      expect(found[0], `README's ${file}`).toBe(readFileSync(join(QUICKSTART, file), "utf8"))
    }
    // The Install section's commands install what examples/quickstart/package.json lists.
    const install = section("Install")
    const manifest = JSON.parse(readFileSync(join(QUICKSTART, "package.json"), "utf8")) as {
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
    }
    const installs = (prefix: string) => codeBlocks(install).flatMap((b) => b.split("\n")).filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).split(" ").sort())
    expect(installs("npm install -D ")).toEqual([Object.keys(manifest.devDependencies).sort()])
    expect(installs("npm install ").filter((names) => names[0] !== "-D")).toEqual([Object.keys(manifest.dependencies).sort()])
  })

  test("tsc --strict --noEmit passes against the installed package's types", async () => {
    // --listFiles: the types come from the installed tarball, not from anywhere else.
    const listed = await run("npx", ["--no", "--", "tsc", "--strict", "--noEmit", "--listFiles"], app)
    const shuttleTypes = listed.split("\n").filter((line) => line.includes("shuttle-ui"))
    expect(shuttleTypes.length).toBeGreaterThan(0)
    for (const line of shuttleTypes) expect(line).toContain(join("node_modules", "shuttle-ui", "dist"))
  })

  describeBrowser("in Chromium", () => {
    let context: BrowserContext
    let profile = ""

    beforeAll(async () => {
      profile = mkdtempSync(join(tmpdir(), "shuttle-chromium-"))
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_FLAGS
      })
    })

    afterAll(async () => {
      await context?.close()
      if (profile !== "") rmSync(profile, { recursive: true, force: true })
    })

    test(`Vite: \`${VITE_BUILD}\`, served by \`${VITE_PREVIEW}\``, async () => {
      await run("npx", npxArgs(VITE_BUILD), app)
      const server = await startServerCommand(VITE_PREVIEW, app)
      try {
        await useTheApp(context, server.url)
      } finally {
        await server.stop()
      }
    })

    test(`Vite's dev server: \`${VITE_DEV}\`, and a saved edit reloads the page`, async () => {
      const server = await startServerCommand(VITE_DEV, app)
      try {
        // On its first start, Vite finds the worker's dependencies only when the worker
        // asks for them, pre-bundles them and reloads the page once (the README says so).
        // A first visit lets that happen; the second must be clean.
        const first = await context.newPage()
        try {
          await first.goto(server.url)
          await waitForText(first, "#app button", "Clicked 0 times")
        } finally {
          await first.close()
        }
        await useTheApp(context, server.url, async (page) => {
          const worker = join(app, "app.worker.tsx")
          const source = readFileSync(worker, "utf8")
          expect(source.split(">Clicked ")).toHaveLength(2)
          writeFileSync(worker, source.replace(">Clicked ", ">Pressed "))
          try {
            // A worker module cannot be hot-swapped: Vite reloads the page, the model starts over.
            await waitForText(page, "#app button", "Pressed 0 times")
          } finally {
            writeFileSync(worker, source)
          }
        })
      } finally {
        await server.stop()
      }
    })

    test("README's Start a new app: examples/starter-vite with the shuttle-ui/vite plugin, `vite build`, served by `vite preview`", async () => {
      // The starter's files in an empty folder, over the node_modules the tarball was installed into above.
      const starter = join(home, "starter-vite")
      mkdirSync(starter)
      for (const file of ["index.html", "vite.config.ts", "tsconfig.json", "src"]) cpSync(join(REPO, "examples/starter-vite", file), join(starter, file), { recursive: true })
      // Its package.json (an ES module project: Vite loads vite.config.ts as ESM, and shuttle-ui/vite is ESM only), with the tarball.
      const manifest = JSON.parse(readFileSync(join(REPO, "examples/starter-vite/package.json"), "utf8")) as { dependencies: Record<string, string> }
      manifest.dependencies["shuttle-ui"] = `file:${tarball}`
      writeFileSync(join(starter, "package.json"), JSON.stringify(manifest, null, 2) + "\n")
      symlinkSync(join(app, "node_modules"), join(starter, "node_modules"))
      await run("npx", ["--no", "--", "vite", "build"], starter)
      expect(readdirSync(join(starter, "dist", "assets")).some((f) => /^app\.worker-.*\.js$/.test(f)), "the worker bundled as its own file").toBe(true)
      const server = await startServerCommand("npx vite preview", starter)
      const page = await context.newPage()
      const errors: string[] = []
      page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`))
      // As in useTheApp: a failed load is reported by URL (the page has no icon; the browser asks for one).
      page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && errors.push(`console.error: ${m.text()}`))
      page.on("response", (r) => r.status() >= 400 && new URL(r.url()).pathname !== "/favicon.ico" && errors.push(`${r.status()} ${r.url()}`))
      try {
        await page.goto(server.url)
        await waitForText(page, "#app h1", "Hello from a worker")
        await page.click("#app button")
        await waitForText(page, "#app button", "Clicked 1 times")
        expect(page.workers()).toHaveLength(1)
        // The plugin's COOP/COEP on `vite preview`; nothing of the dev server's HMR in the build.
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(true)
        expect(await page.evaluate(() => "__SHUTTLE_HMR__" in globalThis)).toBe(false)
        expect(errors).toEqual([])
      } finally {
        await page.close()
        await server.stop()
      }
    })

    test(`esbuild: \`${ESBUILD_BUILD}\`, served by \`${ESBUILD_SERVE}\``, async () => {
      // A copy of the project with the two edits the README asks for.
      const esbuildApp = join(home, "esbuild-app")
      mkdirSync(esbuildApp)
      for (const file of QUICKSTART_FILES) cpSync(join(QUICKSTART, file), join(esbuildApp, file))
      symlinkSync(join(app, "node_modules"), join(esbuildApp, "node_modules"))
      const edit = (file: string, from: string, to: string) => {
        const text = readFileSync(join(esbuildApp, file), "utf8")
        expect(text.split(from), `${file} holds ${from} once`).toHaveLength(2)
        expect(quickStart, `the README tells esbuild users about ${to}`).toContain(to)
        writeFileSync(join(esbuildApp, file), text.replace(from, to))
      }
      edit("main.ts", `new URL("./app.worker.tsx", import.meta.url)`, `new URL("./app.worker.js", import.meta.url)`)
      edit("index.html", `src="./main.ts"`, `src="./main.js"`)

      await run("npx", npxArgs(ESBUILD_BUILD), esbuildApp)
      expect(existsSync(join(esbuildApp, "main.js"))).toBe(true)
      expect(existsSync(join(esbuildApp, "app.worker.js"))).toBe(true)
      const server = await startServerCommand(ESBUILD_SERVE, esbuildApp)
      try {
        await useTheApp(context, server.url)
      } finally {
        await server.stop()
      }
    })
  })
})
