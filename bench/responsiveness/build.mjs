// Builds the peer pages of the responsiveness benchmark: every folder of pages/ that does
// not start with "_" and holds index.html plus main.js or main.jsx is bundled into
// bench/results/responsiveness-pages/<name>/ (index.html + main.js). Production builds:
// process.env.NODE_ENV is "production" (React drops its dev checks) and the code is minified.
//
//   node bench/responsiveness/build.mjs
//
// The Shuttle pages are not built here: they are examples/lanes, built by examples/build.mjs.
import { build } from "esbuild"
import { copyFile, mkdir, readdir, rm } from "node:fs/promises"
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
export const PAGES_SOURCE = join(here, "pages")
export const PAGES_OUT = join(here, "..", "results", "responsiveness-pages")

/** Builds every page; resolves to their names. */
export async function buildPages({ out = PAGES_OUT } = {}) {
  await rm(out, { recursive: true, force: true })
  const names = []
  for (const entry of await readdir(PAGES_SOURCE, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith("_")) continue
    const source = join(PAGES_SOURCE, entry.name)
    const main = ["main.jsx", "main.js"].map((f) => join(source, f)).find((f) => existsSync(f))
    if (main === undefined || !existsSync(join(source, "index.html"))) {
      throw new Error(`bench/responsiveness/pages/${entry.name}: needs index.html and main.js or main.jsx`)
    }
    const target = join(out, entry.name)
    await mkdir(target, { recursive: true })
    await Promise.all([
      build({
        entryPoints: [main],
        outfile: join(target, "main.js"),
        bundle: true,
        format: "esm",
        minify: true,
        target: "es2022",
        platform: "browser",
        jsx: "automatic",
        jsxImportSource: "react",
        // The repository's tsconfig.json says jsxImportSource "shuttle-ui", and esbuild would
        // apply it to these files too: these pages are React and plain JS, so ignore it.
        tsconfigRaw: {},
        define: { "process.env.NODE_ENV": '"production"' },
        legalComments: "none",
        logLevel: "warning"
      }),
      copyFile(join(source, "index.html"), join(target, "index.html"))
    ])
    names.push(entry.name)
  }
  return names.sort()
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const names = await buildPages()
  console.log(`Built ${names.join(", ")} into ${PAGES_OUT}`)
}
