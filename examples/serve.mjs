// A tiny static server for examples/dist, on 127.0.0.1 only.
//
//   node examples/serve.mjs                         # port from $PORT, else 5173
//   SHUTTLE_ISOLATION=off node examples/serve.mjs   # without cross-origin isolation
//
// Tests import `startServer` and pass port 0 to get a free port.
//
// Pages are cross-origin isolated (`crossOriginIsolated === true`), which the commit ring
// needs for its SharedArrayBuffer (docs/commit-ring.md): every response carries COOP and
// COEP, the worker scripts' too (a dedicated worker of an isolated page must send COEP
// itself or it is not loaded). The demos load nothing cross-origin, so COEP blocks nothing.
// To compare, serve one page without them: `/table/?isolation=off`; or the whole server:
// `startServer({ isolation: false })` or SHUTTLE_ISOLATION=off.
import { createServer } from "node:http"
import { readdir, readFile, stat } from "node:fs/promises"
import { existsSync } from "node:fs"
import { dirname, extname, join, normalize, resolve, sep } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
export const DIST = join(here, "dist")

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8"
}

/** The safety demo is served under a strict CSP with Trusted Types (docs/safety.md); no other page is. */
const SAFETY_CSP = "require-trusted-types-for 'script'; script-src 'self'; object-src 'none'"

/** The examples built into `root`: folders holding an index.html. */
async function listExamples(root) {
  const names = []
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(root, entry.name, "index.html"))) names.push(entry.name)
  }
  return names.sort()
}

/** Cross-origin isolation: COOP and COEP (docs/commit-ring.md, "Serving the demos"). */
const ISOLATION_HEADERS = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp"
}

async function respond(root, request, response, isolation) {
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD" }).end()
    return
  }
  let pathname
  let url
  try {
    url = new URL(request.url ?? "/", "http://localhost")
    pathname = decodeURIComponent(url.pathname)
  } catch {
    response.writeHead(400).end("bad request")
    return
  }
  if (isolation && url.searchParams.get("isolation") !== "off") {
    for (const name in ISOLATION_HEADERS) response.setHeader(name, ISOLATION_HEADERS[name])
  }
  if (pathname.startsWith("/safety/")) response.setHeader("content-security-policy", SAFETY_CSP)
  if (pathname === "/") {
    const links = (await listExamples(root)).map((name) => `<li><a href="/${name}/">${name}</a></li>`).join("")
    response.writeHead(200, { "content-type": MIME[".html"] }).end(`<!doctype html><title>Shuttle examples</title><ul>${links}</ul>`)
    return
  }
  // Stay inside root: normalize, then refuse anything that escapes it.
  let file = resolve(root, "." + normalize(pathname))
  if (file !== root && !file.startsWith(root + sep)) {
    response.writeHead(403).end("forbidden")
    return
  }
  try {
    let info = await stat(file)
    if (info.isDirectory()) {
      if (!pathname.endsWith("/")) {
        response.writeHead(301, { location: pathname + "/" + url.search }).end()
        return
      }
      file = join(file, "index.html")
      info = await stat(file)
    }
    const body = await readFile(file)
    response.writeHead(200, {
      "content-type": MIME[extname(file).toLowerCase()] ?? "application/octet-stream",
      "content-length": body.length,
      "cache-control": "no-store"
    })
    response.end(request.method === "HEAD" ? undefined : body)
  } catch {
    response.writeHead(404, { "content-type": MIME[".txt"] }).end("not found")
  }
}

/**
 * Serves `root` (default examples/dist) on 127.0.0.1:`port` (0 picks a free port),
 * cross-origin isolated unless `isolation` is false (default: on, unless the environment
 * says SHUTTLE_ISOLATION=off). Resolves to { url, port, examples, close() } once listening.
 */
export async function startServer({ port = 0, root = DIST, isolation = process.env.SHUTTLE_ISOLATION !== "off" } = {}) {
  const base = resolve(root)
  const server = createServer((request, response) => {
    respond(base, request, response, isolation).catch(() => {
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })
  await new Promise((resolveListen, reject) => {
    server.once("error", reject)
    server.listen(port, "127.0.0.1", () => resolveListen(undefined))
  })
  const address = server.address()
  const actual = typeof address === "object" && address !== null ? address.port : port
  const url = `http://127.0.0.1:${actual}/`
  return {
    url,
    port: actual,
    examples: existsSync(base) ? await listExamples(base) : [],
    close: () => new Promise((resolveClose) => {
      server.closeAllConnections()
      server.close(() => resolveClose(undefined))
    })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (!existsSync(DIST)) {
    console.error("examples/dist does not exist: run `node examples/build.mjs` first (or `npm start`).")
    process.exit(1)
  }
  const port = process.env.PORT === undefined || process.env.PORT === "" ? 5173 : Number(process.env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(process.env.PORT)}`)
    process.exit(1)
  }
  const server = await startServer({ port })
  const isolated = process.env.SHUTTLE_ISOLATION !== "off" ? "cross-origin isolated, ?isolation=off per page" : "not isolated"
  console.log(`Serving examples/dist on ${server.url} (127.0.0.1 only; ${isolated}; Ctrl+C stops)`)
  for (const name of server.examples) console.log(`  ${name.padEnd(12)} ${server.url}${name}/`)
}
