// Runs the benchmarks. TypeScript entries are bundled with esbuild for Node first.
// Usage: node bench/run.mjs [name ...]   (names: patch-bytes)
import { build } from "esbuild"
import { mkdirSync } from "node:fs"
import { pathToFileURL } from "node:url"

const entries = {
  "patch-bytes": "bench/micro/patch-bytes.ts"
}
const wanted = process.argv.slice(2)
const names = wanted.length > 0 ? wanted : Object.keys(entries)
mkdirSync("bench/results/.build", { recursive: true })
for (const name of names) {
  const entry = entries[name]
  if (entry === undefined) {
    console.error(`Unknown benchmark "${name}". Known: ${Object.keys(entries).join(", ")}`)
    process.exit(2)
  }
  const outfile = `bench/results/.build/${name}.mjs`
  await build({ entryPoints: [entry], bundle: true, platform: "node", format: "esm", outfile, logLevel: "error", packages: "external" })
  console.log(`\n## ${name}`)
  await import(pathToFileURL(outfile).href)
}
