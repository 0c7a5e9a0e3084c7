// Runs the tinybench micro benchmarks: each bench/micro/<name>.bench.ts (and profile.ts) is bundled with
// esbuild for Node (dependencies stay external) and imported, which runs it and prints a
// Markdown table. All results are also written to bench/results/micro.json.
//
//   node bench/micro/run.mjs              # diff, codec, apply, profile
//   node bench/micro/run.mjs apply diff   # a subset
import { build } from "esbuild"
import { mkdirSync, writeFileSync } from "node:fs"
import { cpus } from "node:os"
import { pathToFileURL } from "node:url"

const entries = {
  diff: "bench/micro/diff.bench.ts",
  codec: "bench/micro/codec.bench.ts",
  apply: "bench/micro/apply.bench.ts",
  profile: "bench/micro/profile.ts"
}
const wanted = process.argv.slice(2)
const names = wanted.length > 0 ? wanted : Object.keys(entries)
for (const name of names) {
  if (entries[name] === undefined) {
    console.error(`Unknown micro benchmark "${name}". Known: ${Object.keys(entries).join(", ")}`)
    process.exit(2)
  }
}
mkdirSync("bench/results/.build", { recursive: true })
const started = Date.now()
for (const name of names) {
  const outfile = `bench/results/.build/micro-${name}.mjs`
  await build({ entryPoints: [entries[name]], bundle: true, platform: "node", format: "esm", target: "node20", outfile, logLevel: "error", packages: "external" })
  console.log(`\n## micro: ${name}`)
  await import(pathToFileURL(outfile).href)
}
const results = globalThis.__shuttleMicroResults ?? []
if (results.length > 0) writeFileSync("bench/results/micro.json", JSON.stringify({
  date: new Date().toISOString(),
  node: process.version,
  cpu: `${cpus()[0]?.model ?? "unknown"} × ${cpus().length}`,
  command: `node bench/micro/run.mjs ${wanted.join(" ")}`.trim(),
  unit: "ms per iteration",
  results
}, null, 2) + "\n")
console.log(`\n${results.length > 0 ? `Wrote bench/results/micro.json (${results.length} tasks)` : "Done"} in ${((Date.now() - started) / 1000).toFixed(0)} s`)
