// Builds every example into examples/dist/<name>/ and the main-thread library size probe
// into examples/dist/size/, then prints the sizes (raw and gzip).
//
//   node examples/build.mjs
//
// An example is a folder of examples/ holding main.ts (main thread), app.worker.tsx (the
// app, run in a Worker) and index.html. Both bundles are ESM and minified; the page loads
// ./main.js, which starts ./app.worker.js as a module worker.
//
// The report gives each bundle's size, raw and gzip, and for a worker how much of it is
// Effect's. A worker that imports from the "effect" barrel (import { Stream } from "effect")
// is flagged: esbuild cannot tree-shake a namespace re-exported with `export * as`
// (evanw/esbuild#1420), so the whole module and what it imports stay; import the module
// (import * as Stream from "effect/Stream") instead. Rollup and Rolldown (Vite) shake both.
import { build } from "esbuild"
import { copyFile, mkdir, readdir, readFile, rm } from "node:fs/promises"
import { existsSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { esbuildAliases } from "./package-entries.mjs"

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, "..")
const dist = join(here, "dist")

// The package's own specifiers, resolved to sources (package-entries.mjs).
const alias = esbuildAliases()

/**
 * A page starts its worker as Vite wants to see it (examples/vite.config.mjs):
 * `new Worker(new URL("./app.worker.tsx", import.meta.url), …)`. Here the worker is a second
 * entry point built next to main.js, so main.ts names the built file instead, as a relative
 * URL string (what `new URL(…, import.meta.url)` would give, without esbuild copying the
 * .tsx as an asset).
 */
const WORKER_URL = /new URL\(\s*(["'])\.\/([\w-]+)\.worker\.tsx?\1\s*,\s*import\.meta\.url\s*\)/g
const builtWorkerUrl = {
  name: "built-worker-url",
  setup(build) {
    build.onLoad({ filter: /[\\/]main\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8")
      return { contents: source.replace(WORKER_URL, '"./$2.worker.js"'), loader: "ts" }
    })
  }
}

const common = {
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2022",
  platform: "browser",
  jsx: "automatic",
  jsxImportSource: "shuttle-ui",
  alias,
  legalComments: "none",
  logLevel: "warning"
}

async function sizeOf(file) {
  const bytes = await readFile(file)
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
}

/** Bytes of the output that come from the effect package, and whether its barrel was imported. */
function effectShare(metafile) {
  let effect = 0
  let barrel = false
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      if (!path.includes("node_modules/effect/")) continue
      effect += input.bytesInOutput
      if (path.endsWith("node_modules/effect/dist/index.js")) barrel = true
    }
  }
  return { effect, barrel }
}

function kb(n) {
  return `${(n / 1024).toFixed(1)} kB`.padStart(9)
}

async function examples() {
  const names = []
  for (const entry of await readdir(here, { withFileTypes: true })) {
    // Dot folders are scratch copies (test/browser/hmr.test.ts makes one while it runs).
    if (!entry.isDirectory() || entry.name.startsWith(".") || entry.name === "dist" || entry.name === "node_modules") continue
    // A folder with its own package.json is a project built by its own tools (quickstart: Vite).
    if (existsSync(join(here, entry.name, "package.json"))) continue
    if (existsSync(join(here, entry.name, "main.ts"))) names.push(entry.name)
  }
  return names.sort()
}

// Component names survive minification where an example shows them (the devtools panel
// lists the app's components by their function's name); elsewhere they cost bytes.
const KEEP_NAMES = new Set(["devtools"])

async function buildExample(name) {
  const source = join(here, name)
  const options = { ...common, keepNames: KEEP_NAMES.has(name) }
  const out = join(dist, name)
  const worker = ["app.worker.tsx", "app.worker.ts"].map((f) => join(source, f)).find((f) => existsSync(f))
  if (worker === undefined) throw new Error(`examples/${name}: missing app.worker.tsx`)
  if (!existsSync(join(source, "index.html"))) throw new Error(`examples/${name}: missing index.html`)
  await mkdir(out, { recursive: true })
  // Besides app.worker: other workers the page starts (devtools: panel.worker.ts), and other pages (panel.html).
  const files = await readdir(source)
  const extraWorkers = files.filter((f) => /^[\w-]+\.worker\.tsx?$/.test(f) && !f.startsWith("app.worker."))
  const pages = files.filter((f) => f.endsWith(".html"))
  const [, workerBuild, ...extraBuilds] = await Promise.all([
    build({ ...common, entryPoints: [join(source, "main.ts")], outfile: join(out, "main.js"), plugins: [builtWorkerUrl] }),
    // A module worker: `self` is the global; no `document`.
    build({ ...options, entryPoints: [worker], outfile: join(out, "app.worker.js"), metafile: true }),
    ...extraWorkers.map((f) => build({ ...options, entryPoints: [join(source, f)], outfile: join(out, f.replace(/\.tsx?$/, ".js")), metafile: true })),
    ...pages.map((f) => copyFile(join(source, f), join(out, f)))
  ])
  return [
    { label: `${name}/main.js`, ...(await sizeOf(join(out, "main.js"))) },
    { label: `${name}/app.worker.js`, ...(await sizeOf(join(out, "app.worker.js"))), ...effectShare(workerBuild.metafile) },
    ...await Promise.all(extraWorkers.map(async (f, i) => {
      const file = f.replace(/\.tsx?$/, ".js")
      return { label: `${name}/${file}`, ...(await sizeOf(join(out, file))), ...effectShare(extraBuilds[i].metafile) }
    }))
  ]
}

async function buildSizeProbe() {
  const out = join(dist, "size", "shuttle-main.js")
  await build({
    ...common,
    // Everything src/index.ts exports stays: the library as a page would import it whole.
    stdin: { contents: 'export * from "shuttle-ui"', resolveDir: repo, loader: "ts", sourcefile: "shuttle-main.ts" },
    outfile: out
  })
  return { label: "size/shuttle-main.js (src/index.ts)", ...(await sizeOf(out)) }
}

const started = performance.now()
await rm(dist, { recursive: true, force: true })
const names = await examples()
const rows = (await Promise.all(names.map(buildExample))).flat()
rows.push(await buildSizeProbe())

console.log(`Built ${names.length} examples into ${relative(process.cwd(), dist) || "."} in ${Math.round(performance.now() - started)} ms`)
const width = Math.max(...rows.map((r) => r.label.length))
console.log(`${"bundle".padEnd(width)}  ${"min".padStart(9)}  ${"min+gzip".padStart(9)}  ${"of it Effect (min)".padStart(18)}`)
for (const row of rows) {
  const effect = row.effect === undefined ? "" : `  ${kb(row.effect).padStart(18)}${row.barrel ? "  *" : ""}`
  console.log(`${row.label.padEnd(width)}  ${kb(row.raw)}  ${kb(row.gzip)}${effect}`)
}
if (rows.some((row) => row.barrel)) {
  console.log(`* imports from the "effect" barrel, which esbuild cannot tree-shake: import "effect/Stream" etc. instead (see the top of examples/build.mjs)`)
}
