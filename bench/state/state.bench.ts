import { serialize } from "node:v8"
import { Bench } from "tinybench"
import type { HistoryFile, Snapshot } from "../../protocol/state.ts"
import { memoryStorage } from "../../src/state/storage.ts"
import { PersistWriter, type PersistClock } from "../../src/state/persistence.ts"
import { StateTools, type StateHost } from "../../workers/runtime/state-tools.ts"
import { DEFAULT_HISTORY_BYTES } from "../../protocol/state.ts"
import { estimateBytes } from "../../workers/state/history.ts"

/**
 * The state tools' costs (see bench/state/run.mjs for how to run it and what each figure
 * means). Run through run.mjs: it bundles this file and needs `--expose-gc` for the heap
 * figures. Every figure is also pushed to globalThis.__shuttleStateResults for run.mjs to save.
 */

interface Row {
  readonly id: number
  readonly label: string
  readonly done: boolean
}
interface Model {
  readonly rows: readonly Row[]
}
interface Toggle {
  readonly type: "toggle"
  readonly id: number
}

const MiB = 1024 * 1024
const ITERATIONS = Number(process.env.STATE_BENCH_ITERATIONS ?? 40)
const MESSAGES = Number(process.env.STATE_BENCH_MESSAGES ?? 100_000)

const results: Record<string, unknown>[] = ((globalThis as { __shuttleStateResults?: Record<string, unknown>[] }).__shuttleStateResults ??= [])
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run this through bench/state/run.mjs (it starts Node with --expose-gc for the heap figures)")

/** Seeded, so every run appends and visits the same positions. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A model of rows {id, label, done} whose estimateBytes is just at or over `target`. */
function makeModel(target: number): Model {
  const rows: Row[] = []
  // The model object with its "rows" key, and the array's header; rows are distinct objects, each counted once.
  let bytes = estimateBytes({ rows: [] })
  while (bytes < target) {
    const row = { id: rows.length, label: `row ${rows.length}`, done: rows.length % 3 === 0 }
    rows.push(row)
    bytes += estimateBytes(row)
  }
  const model = { rows }
  if (estimateBytes(model) !== bytes) throw new Error(`makeModel: estimated ${estimateBytes(model)} bytes, counted ${bytes}`)
  return model
}

/** An immutable toggle, as a careful reducer writes it: a new array, one new row, the other rows shared. Ids are indices. */
function toggle(model: Model, msg: Toggle): Model {
  const rows = model.rows.slice()
  const row = rows[msg.id]
  rows[msg.id] = { id: row.id, label: row.label, done: !row.done }
  return { rows }
}

function fakeHost(model: () => Model, update: (model: Model, msg: Toggle) => unknown = toggle): StateHost<Model, Toggle> {
  return { checks: undefined, update, messagesSettled: () => 0, baseModel: model, replaceModel: () => {}, showAside: () => {}, showPresent: () => {} }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  const high = Math.ceil(at)
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low)
}

function fmt(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value)
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US")
  if (Math.abs(value) >= 100) return value.toFixed(1)
  if (Math.abs(value) >= 1) return value.toFixed(digits)
  return value.toPrecision(3)
}

function mb(bytes: number): string {
  return (bytes / MiB).toFixed(2)
}

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc!()
  return process.memoryUsage().heapUsed
}

interface Timed {
  readonly name: string
  readonly p50: number
  readonly p90: number
  readonly mean: number
  readonly samples: number
}

/** Times each task for exactly ITERATIONS samples (after 3 warm-ups); p50/p90 from the retained samples. */
async function timeTasks(group: string, tasks: Record<string, () => unknown>): Promise<Timed[]> {
  const bench = new Bench({ name: group, time: 0, iterations: ITERATIONS, warmupTime: 0, warmupIterations: 3, retainSamples: true })
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn)
  await bench.run()
  return bench.tasks.map((task) => {
    const result = task.result
    if (result.state === "errored") throw new Error(`${group} / ${task.name} failed: ${result.error.stack ?? result.error.message}`)
    if (result.state !== "completed") throw new Error(`${group} / ${task.name} did not complete (${result.state})`)
    const samples = [...(result.latency.samples ?? [])].sort((a, b) => a - b)
    if (samples.length === 0) throw new Error(`${group} / ${task.name}: no samples retained`)
    return { name: task.name, p50: quantile(samples, 0.5), p90: quantile(samples, 0.9), mean: result.latency.mean, samples: samples.length }
  })
}

function table(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  console.log(`\n### ${title}\n`)
  console.log(`| ${header.join(" | ")} |`)
  console.log(`| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`)
  for (const row of rows) console.log(`| ${row.join(" | ")} |`)
}

// ---- 1. Snapshot and restore ---------------------------------------------------------

const sizes = [{ label: "1 MB", model: makeModel(1 * MiB) }, { label: "10 MB", model: makeModel(10 * MiB) }]
{
  const rows: string[][] = []
  for (const { label, model } of sizes) {
    const estimated = estimateBytes(model)
    const wire = serialize(model).byteLength
    const tools = new StateTools<Model, Toggle>(fakeHost(() => model), 0)
    tools.begin(model)
    const withHistory = new StateTools<Model, Toggle>(fakeHost(() => model), DEFAULT_HISTORY_BYTES)
    withHistory.begin(model)
    const taken = tools.answer({ op: "snapshot" }) as Snapshot
    // Checked once before timing: the tools hand out the model itself (no schema), and a restore takes it back.
    if (taken.model !== model) throw new Error("snapshot: expected the model itself without a schema")
    const posted = structuredClone(taken)
    if ((posted.model as Model).rows.length !== model.rows.length) throw new Error("snapshot: the clone lost rows")
    const timed = await timeTasks(`snapshot ${label}`, {
      "structuredClone(model)": () => structuredClone(model),
      "snapshot op + structuredClone": () => structuredClone(tools.answer({ op: "snapshot" })),
      "restore: structuredClone + restore op (no history)": () => tools.answer({ op: "restore", snapshot: structuredClone(posted) }),
      "restore: structuredClone + restore op (history on, 8 MiB)": () => withHistory.answer({ op: "restore", snapshot: structuredClone(posted) }),
      "estimateBytes(model)": () => estimateBytes(model)
    })
    for (const t of timed) {
      rows.push([label, t.name, fmt(t.p50), fmt(t.p90), String(t.samples)])
      results.push({ figure: "snapshot/restore", model: label, modelRows: model.rows.length, estimatedBytes: estimated, serializedBytes: wire, task: t.name, p50Ms: t.p50, p90Ms: t.p90, meanMs: t.mean, samples: t.samples })
    }
    console.log(`${label} model: ${model.rows.length.toLocaleString("en-US")} rows, estimateBytes ${mb(estimated)} MiB, v8.serialize ${mb(wire)} MiB`)
  }
  table("1. Snapshot and restore (ms; structuredClone is what a post costs: serialize + deserialize)", ["model", "task", "p50 ms", "p90 ms", "samples"], rows)
}

// ---- 2. History bytes per message; 3. replay speed ------------------------------------

const base = sizes[0].model

interface Filled {
  readonly tools: StateTools<Model, Toggle>
  readonly appendMs: number
  readonly heapBytes: number
}

/** Appends MESSAGES toggles, one settle each, with the live update time as the runtime measures it. */
function fill(maxBytes: number, counting: (model: Model, msg: Toggle) => unknown): Filled {
  const heapBefore = heapAfterGc()
  let model = base
  const tools = new StateTools<Model, Toggle>(fakeHost(() => model, counting), maxBytes)
  tools.begin(model)
  const random = rng(1)
  const msgs = [{ type: "toggle", id: 0 } as Toggle]
  const lanes = [0]
  const times = [0]
  const began = performance.now()
  for (let n = 0; n < MESSAGES; n++) {
    const msg: Toggle = { type: "toggle", id: Math.floor(random() * base.rows.length) }
    const t0 = performance.now()
    model = toggle(model, msg)
    const updateMs = performance.now() - t0
    msgs[0] = msg
    times[0] = n
    tools.settledInto(msgs, lanes, times, model, updateMs)
  }
  const appendMs = performance.now() - began
  const heapBytes = heapAfterGc() - heapBefore
  return { tools, appendMs, heapBytes }
}

let folds = 0
const counting = (model: Model, msg: Toggle): Model => {
  folds++
  return toggle(model, msg)
}

const caps: { label: string; maxBytes: number }[] = [
  { label: "8 MiB (default)", maxBytes: DEFAULT_HISTORY_BYTES },
  { label: "uncapped (Infinity)", maxBytes: Number.POSITIVE_INFINITY }
]
const historyRows: string[][] = []
const replayRows: string[][] = []
for (const cap of caps) {
  const { tools, appendMs, heapBytes } = fill(cap.maxBytes, counting)
  const history = tools.history!
  const held = history.end - history.start
  const info = tools.answer({ op: "info" }) as { bytes: number; keyframes: number }
  historyRows.push([cap.label, held.toLocaleString("en-US"), String(info.keyframes), mb(info.bytes), fmt(info.bytes / held, 0), mb(heapBytes), fmt(heapBytes / held, 0), fmt((appendMs * 1000) / MESSAGES)])
  results.push({ figure: "history bytes", cap: cap.label, maxBytes: String(cap.maxBytes), messagesAppended: MESSAGES, messagesHeld: held, start: history.start, keyframes: info.keyframes, estimatedBytes: info.bytes, estimatedBytesPerHeldMessage: info.bytes / held, heapRetainedBytes: heapBytes, heapBytesPerHeldMessage: heapBytes / held, appendUsPerMessage: (appendMs * 1000) / MESSAGES })

  // Random access: modelAt at seeded random positions over everything held.
  const random = rng(2)
  const calls = 2_000
  const perCall: number[] = []
  folds = 0
  const began = performance.now()
  for (let i = 0; i < calls; i++) {
    const index = history.start - 1 + Math.floor(random() * (held + 1))
    const t0 = performance.now()
    history.modelAt(index)
    perCall.push(performance.now() - t0)
  }
  const randomMs = performance.now() - began
  const randomFolds = folds
  perCall.sort((a, b) => a - b)

  // Sequential walk through the tools' jump op: from start - 1 to end - 1, one step at a time.
  folds = 0
  const walkBegan = performance.now()
  for (let index = history.start - 1; index < history.end; index++) tools.answer({ op: "jump", index })
  const walkMs = performance.now() - walkBegan
  const steps = held + 1
  const walkFolds = folds
  tools.answer({ op: "resume" })

  // Check: the model after the last message is the live one (the walk ended there).
  if (history.modelAt(history.end - 1).rows.length !== base.rows.length) throw new Error("replay: wrong model")

  replayRows.push([cap.label, "modelAt, random index", calls.toLocaleString("en-US"), fmt(perCall[perCall.length >> 1], 3), fmt(quantile(perCall, 0.9), 3), fmt(randomFolds / calls, 1), fmt(calls / (randomMs / 1000)), fmt(randomFolds / (randomMs / 1000))])
  replayRows.push([cap.label, "jump, sequential walk", steps.toLocaleString("en-US"), `${fmt(walkMs / steps, 4)} (mean)`, "", fmt(walkFolds / steps, 2), fmt(steps / (walkMs / 1000)), fmt(walkFolds / (walkMs / 1000))])
  results.push({ figure: "replay", cap: cap.label, access: "modelAt random", calls, p50Ms: perCall[perCall.length >> 1], p90Ms: quantile(perCall, 0.9), foldsPerCall: randomFolds / calls, callsPerSecond: calls / (randomMs / 1000), messagesFoldedPerSecond: randomFolds / (randomMs / 1000) })
  results.push({ figure: "replay", cap: cap.label, access: "jump sequential", calls: steps, meanMs: walkMs / steps, foldsPerCall: walkFolds / steps, callsPerSecond: steps / (walkMs / 1000), messagesFoldedPerSecond: walkFolds / (walkMs / 1000) })

  // Export and import of what is held (the page's root.history.export() / import()).
  if (cap.maxBytes === DEFAULT_HISTORY_BYTES) {
    const file = structuredClone(tools.answer({ op: "export" })) as HistoryFile
    const importer = new StateTools<Model, Toggle>(fakeHost(() => base), DEFAULT_HISTORY_BYTES)
    importer.begin(base)
    const timed = await timeTasks("export/import", {
      "export op + structuredClone": () => structuredClone(tools.answer({ op: "export" })),
      "structuredClone + import op (refolds every message)": () => importer.answer({ op: "import", file: structuredClone(file) })
    })
    for (const t of timed) {
      replayRows.push([cap.label, `${t.name} (${file.msgs.length.toLocaleString("en-US")} messages)`, String(t.samples), fmt(t.p50), fmt(t.p90), "", "", ""])
      results.push({ figure: "export/import", cap: cap.label, messages: file.msgs.length, task: t.name, p50Ms: t.p50, p90Ms: t.p90, meanMs: t.mean, samples: t.samples })
    }
  }
}
console.log(`\nOne message as the history counts it: ${24 + estimateBytes({ type: "toggle", id: 0 })} estimated bytes (24 for its slots + estimateBytes); a keyframe of the 1 MB model: ${estimateBytes(base)}`)
table(`2. History of ${MESSAGES.toLocaleString("en-US")} toggles over the 1 MB model (one append per message; estimated = history.bytes: the oldest keyframe in full, each newer one what it does not share with the one before, the messages; heap = retained after GC)`,
  ["cap", "messages held", "keyframes", "estimated MiB", "est. B / held msg", "heap MiB", "heap B / held msg", "µs / append"], historyRows)
table("3. Replay speed over the history (a fold is one update call)", ["cap", "access", "calls", "p50 ms / call", "p90 ms / call", "folds / call", "calls / s", "messages folded / s"], replayRows)

// ---- 4. Persistence write cost ---------------------------------------------------------

/** A clock the simulation advances: timers fire in order as time moves. */
class FakeClock implements PersistClock {
  time = 0
  private timers = new Map<number, { at: number; run: () => void }>()
  private nextId = 1
  now(): number {
    return this.time
  }
  setTimeout(run: () => void, ms: number): unknown {
    const id = this.nextId++
    this.timers.set(id, { at: this.time + ms, run })
    return id
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number)
  }
  /** Fires every timer due by `to`, in time order, letting the writes' promises settle between them. */
  async advance(to: number): Promise<void> {
    for (;;) {
      let due: [number, { at: number; run: () => void }] | undefined
      for (const entry of this.timers) if (entry[1].at <= to && (due === undefined || entry[1].at < due[1].at)) due = entry
      if (due === undefined) break
      this.timers.delete(due[0])
      this.time = due[1].at
      due[1].run()
      await new Promise((resolve) => setImmediate(resolve))
    }
    this.time = to
  }
}

{
  const rows: string[][] = []
  const costs = new Map<string, number>()
  for (const { label, model } of sizes) {
    let failed: unknown = null
    const writer = new PersistWriter({ key: "bench", storage: memoryStorage(), debounceMs: 500 }, (error) => { failed = error })
    const timed = await timeTasks(`persist ${label}`, {
      // changed + flushNow: the record made and structured-cloned into the storage, as IndexedDB's put clones it.
      "PersistWriter write (memoryStorage)": async () => {
        writer.changed(model, "")
        await writer.flushNow()
      }
    })
    writer.stop()
    if (failed !== null) throw new Error(`persist ${label}: ${String(failed)}`)
    if (writer.writes < ITERATIONS) throw new Error(`persist ${label}: only ${writer.writes} writes`)
    for (const t of timed) {
      costs.set(label, t.p50)
      rows.push([label, fmt(t.p50), fmt(t.p90), String(t.samples), fmt(2 * t.p50), fmt(0.2 * t.p50)])
      results.push({ figure: "persist write", model: label, p50Ms: t.p50, p90Ms: t.p90, meanMs: t.mean, samples: t.samples, worstMainThreadMsPerSecond: 2 * t.p50, tickingMainThreadMsPerSecond: 0.2 * t.p50 })
    }
  }
  table("4. Persistence: one write (ms); debounced 500 ms, so at most ~2 writes/s (changes just over 500 ms apart), and 1 per 5 s under changes that never pause",
    ["model", "p50 ms / write", "p90 ms / write", "samples", "worst ms / s (2 writes/s)", "ticking ms / s (0.2 writes/s)"], rows)

  // How many writes the debounce lets through, by commit interval (simulated clock, 60 s of commits).
  const simRows: string[][] = []
  for (const every of [16, 100, 250, 400, 501, 750, 1000, 2000]) {
    const clock = new FakeClock()
    const writer = new PersistWriter({ key: "sim", storage: memoryStorage(), debounceMs: 500 }, () => {}, clock)
    const seconds = 60
    for (let t = 0; t < seconds * 1000; t += every) {
      await clock.advance(t)
      writer.changed({ t }, "")
    }
    await clock.advance(seconds * 1000 + 10_000)
    const commits = Math.ceil((seconds * 1000) / every)
    const perSecond = writer.writes / seconds
    simRows.push([`${every} ms`, commits.toLocaleString("en-US"), String(writer.writes), fmt(perSecond, 2), fmt(commits / writer.writes, 1), fmt(perSecond * costs.get("1 MB")!), fmt(perSecond * costs.get("10 MB")!)])
    results.push({ figure: "persist writes per second", commitEveryMs: every, commits, writes: writer.writes, writesPerSecond: perSecond, commitsPerWrite: commits / writer.writes, mainThreadMsPerSecond1MB: perSecond * costs.get("1 MB")!, mainThreadMsPerSecond10MB: perSecond * costs.get("10 MB")! })
    writer.stop()
  }
  table("4b. Writes the 500 ms debounce lets through, 60 s of commits at a fixed interval (simulated clock); cost = writes/s × p50 write",
    ["commit every", "commits", "writes", "writes / s", "commits / write", "1 MB: ms / s", "10 MB: ms / s"], simRows)
}
