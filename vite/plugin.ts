/**
 * `shuttle-ui/vite`: the Vite plugin for Shuttle apps (docs/hmr.md). Node code; it imports
 * only types from "vite", so the package does not depend on it.
 *
 * Under the dev server (`vite`, `command === "serve"`):
 * - every worker module that calls `runProgram` from "shuttle-ui/worker" accepts its own
 *   hot updates: an edit of it, or of any module below it, re-imports it in the same worker
 *   (Vite's client runs in module workers too), its second `runProgram` call hot-swaps the
 *   code of every running root, and the model and DOM stay;
 * - the page gets a script that sets `globalThis.__SHUTTLE_HMR__`: an edit the page cannot
 *   take without a reload (a main-thread module) reloads it, and the roots read their model
 *   back (src/state/hmr-handoff.ts);
 * - with `isolation` (the default), the pages are cross-origin isolated (COOP and COEP), so
 *   the commit ring is on (docs/commit-ring.md). `vite preview` gets the same headers.
 *
 * `vite build` is left as it is, but for `worker.format: "es"` (module workers).
 */
import type { Plugin } from "vite"

/** @since 0.1.0 */
export interface ShuttleViteOptions {
  /**
   * Serve the dev server's and `vite preview`'s pages cross-origin isolated
   * (`Cross-Origin-Opener-Policy: same-origin`, `Cross-Origin-Embedder-Policy: require-corp`),
   * which the commit ring needs. Turn it off when the page loads cross-origin resources
   * that send no CORP/CORS headers. Default `true`.
   */
  readonly isolation?: boolean
  /**
   * Keep the model across a page reload the dev server asks for (an edit of a main-thread
   * module). Default `true`.
   */
  readonly handoff?: boolean
}

const ISOLATION_HEADERS: Record<string, string> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp"
}

/** The URL the page loads the handoff script from, and the module id it resolves to. */
const HANDOFF_URL = "/@shuttle-ui/hmr-handoff"
const HANDOFF_ID = "\0shuttle-ui:hmr-handoff"

/**
 * The page's handoff script. `vite:beforeFullReload` comes just before Vite's client
 * reloads the page (for a full-reload naming another page's HTML it does not reload, so
 * neither is the flag set); the flag lives in sessionStorage for that one load only.
 */
const HANDOFF_SOURCE = `const KEY = "shuttle-ui:hmr-reload"
let restore = false
try {
  restore = sessionStorage.getItem(KEY) === "1"
  sessionStorage.removeItem(KEY)
} catch {}
globalThis.__SHUTTLE_HMR__ = { restore }
if (import.meta.hot) {
  import.meta.hot.on("vite:beforeFullReload", (payload) => {
    const path = payload && payload.path
    if (typeof path === "string" && path.endsWith(".html")) {
      const page = decodeURI(location.pathname)
      const named = import.meta.env.BASE_URL + path.slice(1)
      if (page !== named && path !== "/index.html" && !(page.endsWith("/") && page + "index.html" === named)) return
    }
    try { sessionStorage.setItem(KEY, "1") } catch {}
  })
}
`

/** A module that imports the worker entry (any quote style) and calls `runProgram(`. */
const IMPORTS_WORKER = /\bfrom\s*["']shuttle-ui\/worker["']/
const CALLS_RUN_PROGRAM = /\brunProgram\s*(<[^;]*?>)?\s*\(/
const SCRIPT = /\.[cm]?[jt]sx?$/

/** The hot boundary appended to the app's worker module. */
const ACCEPT = "\nif (import.meta.hot) import.meta.hot.accept()\n"

/** True for a module of the app's worker graph that must accept its own updates. */
function isProgramModule(id: string, code: string): boolean {
  const file = id.split("?", 1)[0]!
  if (file.includes("/node_modules/") || file.startsWith("\0") || !SCRIPT.test(file)) return false
  return IMPORTS_WORKER.test(code) && CALLS_RUN_PROGRAM.test(code)
}

/**
 * The Shuttle plugin: `plugins: [shuttle()]` in vite.config.
 *
 * @since 0.1.0
 * @example
 * // vite.config.ts
 * import { defineConfig } from "vite"
 * import { shuttle } from "shuttle-ui/vite"
 * export default defineConfig({ plugins: [shuttle()] })
 */
export function shuttle(options: ShuttleViteOptions = {}): Plugin {
  const isolation = options.isolation ?? true
  const handoff = options.handoff ?? true
  let serving = false
  return {
    name: "shuttle-ui",
    config(_config, env) {
      serving = env.command === "serve" && env.isPreview !== true
      const headers = isolation ? { ...ISOLATION_HEADERS } : undefined
      return {
        // `new Worker(url, { type: "module" })`: the worker bundle must be an ES module,
        // and a worker that imports lazily (code-splitting) cannot be an IIFE.
        worker: { format: "es" },
        ...(headers === undefined ? {} : { server: { headers }, preview: { headers } })
      }
    },
    resolveId(id) {
      return serving && handoff && id === HANDOFF_URL ? HANDOFF_ID : null
    },
    load(id) {
      return id === HANDOFF_ID ? HANDOFF_SOURCE : null
    },
    transformIndexHtml: {
      order: "pre",
      handler() {
        if (!serving || !handoff) return []
        // First in <head>: module scripts run in document order, so the flag is set before main.ts mounts.
        return [{ tag: "script", attrs: { type: "module", src: HANDOFF_URL }, injectTo: "head-prepend" }]
      }
    },
    transform(code, id) {
      if (!serving || !isProgramModule(id, code)) return null
      // Appended at the end, so the source map of what came before stays right (map: null keeps it).
      return { code: code + ACCEPT, map: null }
    }
  }
}

export default shuttle
