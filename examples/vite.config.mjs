// The demos under Vite's dev server, with hot module replacement that keeps the model
// (docs/hmr.md):
//
//   npm start                                            # vite --config examples/vite.config.mjs
//   npm run build:examples                               # vite build into examples/dist-vite/
//
// Every folder of examples/ with an index.html is a page (/table/, /lanes/, …); folders
// with their own package.json (quickstart, starter-vite) are projects of their own and
// are left out. The static way, the one the tests and benchmarks use, is still
// `node examples/build.mjs && node examples/serve.mjs` (npm run start:static).
import { existsSync, readdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vite"
import { shuttle } from "../vite/plugin.ts"
import { PACKAGE_ENTRIES } from "./package-entries.mjs"

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, "..")

/** The page folders: an index.html, no package.json of their own, not a build output or a test's copy. */
function pages() {
  const input = {}
  for (const entry of readdirSync(here, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".") || entry.name.startsWith("dist") || entry.name === "node_modules") continue
    if (existsSync(join(here, entry.name, "package.json"))) continue
    if (existsSync(join(here, entry.name, "index.html"))) input[entry.name] = join(here, entry.name, "index.html")
  }
  return input
}

/** The package's own specifiers, resolved to sources (package-entries.mjs). Exact matches: a plain key would also rewrite its subpaths. */
const alias = PACKAGE_ENTRIES.map(([name, path]) => ({ find: new RegExp(`^${name.replace(/[/-]/g, "\\$&")}$`), replacement: path }))

/**
 * The pages' index.html load ./main.js, the name examples/build.mjs gives the bundle; under
 * Vite they load main.ts itself. And the demos that start their worker from a computed URL
 * (faults, safety, notes: `./app.worker.js?…`) get their worker module's source for it in
 * the dev server: they run, without hot updates of the worker (Vite sees and bundles only
 * `new Worker(new URL("./app.worker.tsx", import.meta.url))`).
 */
function builtNames() {
  return {
    name: "shuttle-examples-built-names",
    transformIndexHtml: {
      order: "pre",
      handler: (html) => html.replace(/(<script[^>]*\bsrc=["'])\.\/main\.js(["'])/g, "$1./main.ts$2")
    },
    configureServer(server) {
      server.middlewares.use((request, _response, next) => {
        const match = /^(\/[^/?]+\/)app\.worker\.js(\?.*)?$/.exec(request.url ?? "")
        if (match !== null) {
          const source = ["app.worker.tsx", "app.worker.ts"].find((file) => existsSync(join(here, match[1], file)))
          if (source !== undefined) request.url = `${match[1]}${source}${match[2] ?? ""}`
        }
        next()
      })
    }
  }
}

export default defineConfig({
  root: here,
  // Dependencies are pre-bundled at start, not when a worker first asks for them (which
  // would reload the page once).
  optimizeDeps: { entries: ["*/main.ts", "*/app.worker.ts", "*/app.worker.tsx"], exclude: ["shuttle-ui"] },
  resolve: { alias },
  oxc: { jsx: { runtime: "automatic", importSource: "shuttle-ui" } },
  plugins: [builtNames(), shuttle()],
  server: { host: "127.0.0.1", fs: { allow: [repo] } },
  build: {
    outDir: join(here, "dist-vite"),
    emptyOutDir: true,
    rollupOptions: { input: pages() }
  }
})
