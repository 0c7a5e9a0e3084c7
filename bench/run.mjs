// `npm run bench`: the benchmarks, side by side with the baselines, in one run.
//
//   node bench/run.mjs                  # bytes + jfb (the peer comparison): about 5 minutes
//   node bench/run.mjs all              # every suite below: about 20 minutes
//   node bench/run.mjs micro stream     # any subset, in the order given
//
// Suites (each has its own README or header comment with its flags):
//   bytes           patch-list bytes per js-framework-benchmark op (encoder only)
//   jfb             js-framework-benchmark ops in Chromium: vanilla, Shuttle, Inferno, Preact, React 19 (bench/jfb)
//   micro           tinybench: keyed diff, encode/decode, apply (bench/micro)
//   responsiveness  typing every 16 ms while 10,000 rows re-render: Shuttle lanes vs React 19 vs vanilla (bench/responsiveness)
//   stream          startup (placeholder, first commit) and a 100,000-item stream reveal (bench/stream)
//   soak            10,000 updates at 60/s: heap slope (bench/soak; about 3 minutes)
// The examples must be built first (`npm run bench` does it).
import { build } from "esbuild"
import { spawnSync } from "node:child_process"
import { mkdirSync } from "node:fs"
import { pathToFileURL } from "node:url"

const suites = {
  bytes: async () => {
    mkdirSync("bench/results/.build", { recursive: true })
    const outfile = "bench/results/.build/patch-bytes.mjs"
    await build({ entryPoints: ["bench/micro/patch-bytes.ts"], bundle: true, platform: "node", format: "esm", outfile, logLevel: "error", packages: "external" })
    await import(pathToFileURL(outfile).href)
  },
  jfb: () => run("bench/jfb/run.mjs", ["--no-examples"]),
  micro: () => run("bench/micro/run.mjs", []),
  responsiveness: () => run("bench/responsiveness/run.mjs", []),
  stream: () => run("bench/stream/run.mjs", []),
  soak: () => run("bench/soak/run.mjs", [])
}
const DEFAULT = ["bytes", "jfb"]

function run(script, args) {
  const result = spawnSync(process.execPath, [script, ...args], { stdio: "inherit" })
  if (result.status !== 0) throw new Error(`${script} exited with ${result.status}`)
}

const wanted = process.argv.slice(2)
const names = wanted.length === 0 ? DEFAULT : wanted[0] === "all" ? Object.keys(suites) : wanted
for (const name of names) {
  if (suites[name] === undefined) {
    console.error(`Unknown suite "${name}". Known: ${Object.keys(suites).join(", ")}, all`)
    process.exit(2)
  }
}
for (const name of names) {
  console.log(`\n## ${name}\n`)
  await suites[name]()
}
