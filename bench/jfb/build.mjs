// Builds the jfb benchmark pages into bench/jfb/dist/<name>/ (index.html + main.js, and
// app.worker.js for Shuttle pages), plus two Node modules for the driver: the table model
// (dist/.node/model.mjs), which it folds every click through to know what each page must
// show, and the patch-list profiler (dist/.node/patches.mjs, from bench/micro/jfb-patches.ts).
//
//   node bench/jfb/build.mjs               # runs `node examples/build.mjs` first
//   node bench/jfb/build.mjs --no-examples # reuse examples/dist as it is
//
// Every bundle is ESM, minified, with process.env.NODE_ENV = "production" (React, Preact
// and Inferno drop their dev checks). A page whose library is a second major version under
// an npm alias (preact11) gets that library's `alias` from lib/libraries.mjs. Shuttle pages use the same aliases and options as
// examples/build.mjs.
import { build } from "esbuild"
import { execFileSync } from "node:child_process"
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises"
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { gzipSync } from "node:zlib"
import { EXTRA_PAGES, LIBRARIES } from "./lib/libraries.mjs"

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, "..", "..")
export const JFB_DIST = join(here, "dist")
export const MODEL_MODULE = join(JFB_DIST, ".node", "model.mjs")
export const PATCHES_MODULE = join(JFB_DIST, ".node", "patches.mjs")

// Copied from examples/build.mjs: the package's own specifiers, resolved to sources.
const shuttleAlias = {
  "shuttle-ui/jsx-runtime": join(repo, "workers/jsx-runtime.ts"),
  "shuttle-ui/jsx-dev-runtime": join(repo, "workers/jsx-runtime.ts"),
  "shuttle-ui/worker": join(repo, "workers/index.ts"),
  "shuttle-ui": join(repo, "src/index.ts")
}

const common = {
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2022",
  platform: "browser",
  define: { "process.env.NODE_ENV": '"production"' },
  legalComments: "none",
  logLevel: "warning"
}

async function page(name, title, out) {
  const template = await readFile(join(here, "pages", "_shared", "index.html"), "utf8")
  await writeFile(join(out, "index.html"), template.replace("{{title}}", title))
}

async function sizeOf(file) {
  const bytes = await readFile(file)
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
}

async function buildPeer(lib) {
  const out = join(JFB_DIST, lib.name)
  await mkdir(out, { recursive: true })
  await build({
    ...common,
    entryPoints: [join(here, "pages", lib.name, lib.entry)],
    outfile: join(out, "main.js"),
    jsx: "automatic",
    ...(lib.jsx ? { jsxImportSource: lib.jsx } : {}),
    // Alias targets are resolved from the working directory: the repository's node_modules.
    ...(lib.alias ? { alias: lib.alias, absWorkingDir: repo } : {})
  })
  await page(lib.name, lib.title, out)
  return { name: lib.name, main: await sizeOf(join(out, "main.js")) }
}

async function copyExample(lib) {
  const from = join(repo, "examples", "dist", lib.from)
  if (!existsSync(join(from, "index.html"))) throw new Error(`examples/dist/${lib.from} is missing: run \`node examples/build.mjs\` (or drop --no-examples)`)
  const out = join(JFB_DIST, lib.name)
  await cp(from, out, { recursive: true })
  return { name: lib.name, main: await sizeOf(join(out, "main.js")), worker: await sizeOf(join(out, "app.worker.js")) }
}

async function buildShuttlePage(spec) {
  const out = join(JFB_DIST, spec.name)
  const source = join(here, "pages", spec.name)
  await mkdir(out, { recursive: true })
  const options = { ...common, jsx: "automatic", jsxImportSource: "shuttle-ui", alias: shuttleAlias }
  await Promise.all([
    build({ ...options, entryPoints: [join(source, spec.entry)], outfile: join(out, "main.js") }),
    spec.worker === undefined ? null : build({ ...options, entryPoints: [join(source, spec.worker)], outfile: join(out, "app.worker.js") })
  ])
  await page(spec.name, spec.title, out)
  return {
    name: spec.name,
    main: await sizeOf(join(out, "main.js")),
    ...(spec.worker === undefined ? {} : { worker: await sizeOf(join(out, "app.worker.js")) })
  }
}

/** The driver's Node modules: the table model (its mirror) and the patch-list profiler. */
async function buildNodeModules() {
  const node = { bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning" }
  await Promise.all([
    build({ ...node, entryPoints: [join(repo, "examples", "table", "model.ts")], outfile: MODEL_MODULE }),
    build({ ...node, entryPoints: [join(repo, "bench", "micro", "jfb-patches.ts")], outfile: PATCHES_MODULE })
  ])
}

/** Builds everything; returns the bundle sizes by page name. */
export async function buildPages({ examples = true, quiet = false } = {}) {
  if (examples) execFileSync(process.execPath, [join(repo, "examples", "build.mjs")], { stdio: quiet ? "ignore" : "inherit", cwd: repo })
  await rm(JFB_DIST, { recursive: true, force: true })
  await mkdir(JFB_DIST, { recursive: true })
  const sizes = await Promise.all([
    ...LIBRARIES.map((lib) => (lib.from !== undefined ? copyExample(lib) : buildPeer(lib))),
    ...EXTRA_PAGES.map(buildShuttlePage),
    buildNodeModules().then(() => null)
  ])
  return Object.fromEntries(sizes.filter((s) => s !== null).map((s) => [s.name, s]))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const sizes = await buildPages({ examples: !process.argv.includes("--no-examples") })
  const kb = (n) => `${(n / 1024).toFixed(1)} kB`.padStart(9)
  console.log(`\nBuilt bench/jfb/dist:`)
  for (const s of Object.values(sizes)) {
    console.log(`  ${s.name.padEnd(20)} main.js ${kb(s.main.raw)} (${kb(s.main.gzip)} gzip)` +
      (s.worker ? `   app.worker.js ${kb(s.worker.raw)} (${kb(s.worker.gzip)} gzip)` : ""))
  }
}
