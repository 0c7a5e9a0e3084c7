// The state tools' costs, in Node (docs/state.md, docs/persistence.md): bench/state/state.bench.ts
// is bundled with esbuild for Node (dependencies stay external, as bench/micro does) and
// run under `--expose-gc` (this script restarts itself with it). Prints Markdown tables and
// writes every figure to bench/results/state.json.
//
//   node bench/state/run.mjs
//   STATE_BENCH_ITERATIONS=80 node bench/state/run.mjs   # samples per timed task (default 40)
//   STATE_BENCH_MESSAGES=20000 node bench/state/run.mjs  # a shorter history (default 100,000)
//
// The model: { rows } of rows {id, label: "row N", done}, grown until estimateBytes (the
// history's byte estimate) reaches 1 MiB (about 7,200 rows) and 10 MiB (about 72,000 rows).
// The message: { type: "toggle", id }, folded by an immutable update (a new rows array, one
// new row, the other rows shared).
//
// 1. Snapshot and restore. What crosses threads is the snapshot object, posted, so its
//    cost is a structured clone (serialize + deserialize; Node's structuredClone uses V8's
//    serializer as postMessage does). Timed: structuredClone(model) alone; StateTools'
//    snapshot op (fake host, no Schema) + the clone; restore = the clone back + the restore
//    op (decode without a Schema is a hash check), with the history off and on (on, the
//    history restarts from the model and estimates it); estimateBytes(model) alone.
// 2. History bytes per message. 100,000 toggles appended one settle each (with the live
//    update time, as the runtime measures it: keyframes are placed by replay cost, 4 ms, or
//    by bytes) under the default 8 MiB cap and uncapped. Messages and keyframes held, the
//    history's estimated bytes (the oldest keyframe in full, each newer one only what it does
//    not share with the one before), and the heap retained after GC (--expose-gc), per message held.
// 3. Replay speed. modelAt at 2,000 seeded random positions, and a sequential walk through
//    the jump op (start − 1 … end − 1), which folds one message a step from the cursor.
//    Also export (toJSON + clone) and import (clone + every message folded again) of the
//    8 MiB history.
// 4. Persistence. One PersistWriter write with memoryStorage (changed + flushNow: the
//    record structured-cloned into the store, as IndexedDB's put clones it; IndexedDB's disk
//    work is not counted). Writes are debounced (500 ms after changes pause, at the latest
//    5 s after the first unwritten one), so a commit does not cost a write: a simulated clock
//    counts the writes that 60 s of commits at fixed intervals let through.
//
// Timings are p50 and p90 of a fixed number of samples after 3 warm-ups (tinybench).
import { build } from "esbuild"
import { spawnSync } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { cpus } from "node:os"
import { fileURLToPath, pathToFileURL } from "node:url"

if (typeof globalThis.gc !== "function") {
  const result = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" })
  process.exit(result.status ?? 1)
}

mkdirSync("bench/results/.build", { recursive: true })
const outfile = "bench/results/.build/state.mjs"
await build({ entryPoints: ["bench/state/state.bench.ts"], bundle: true, platform: "node", format: "esm", target: "node20", outfile, logLevel: "error", packages: "external" })
const started = Date.now()
console.log("\n## state tools")
await import(pathToFileURL(outfile).href)
const results = globalThis.__shuttleStateResults ?? []
writeFileSync("bench/results/state.json", JSON.stringify({
  date: new Date().toISOString(),
  node: process.version,
  cpu: `${cpus()[0]?.model ?? "unknown"} × ${cpus().length}`,
  command: "node bench/state/run.mjs",
  iterations: Number(process.env.STATE_BENCH_ITERATIONS ?? 40),
  messages: Number(process.env.STATE_BENCH_MESSAGES ?? 100_000),
  results
}, null, 2) + "\n")
console.log(`\nWrote bench/results/state.json (${results.length} figures) in ${((Date.now() - started) / 1000).toFixed(0)} s`)
