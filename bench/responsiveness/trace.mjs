// Reads a Chrome trace (the events of CDP Tracing) of one benchmark run and says where
// the page's main thread spent its time: by kind of task (rendering a frame, handling
// input, delivering a message, a timer), by phase inside them (layout, paint, script...),
// the longest tasks, and the longest stretch in which no message task ran (a Shuttle
// commit reaches the page as a message from its worker).

/** Trace categories: enough for tasks, frames, input, script and rendering phases. */
export const TRACE_CATEGORIES = [
  "toplevel",
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "blink",
  "v8.execute",
  "input",
  "cc"
]

/** Rendering and script phases, by trace event name. Nested phases are counted inside each. */
const PHASES = {
  "style recalc": ["UpdateLayoutTree"],
  layout: ["Layout"],
  "text shaping (in layout)": ["InlineNode::ShapeTextIncludingFirstLine"],
  "pre-paint": ["PrePaint"],
  paint: ["Paint"],
  "layerize/commit": ["Layerize", "ProxyMain::BeginMainFrame::commit"],
  "rAF callbacks": ["FireAnimationFrame"],
  "script (all)": ["FunctionCall", "EvaluateScript", "v8.callFunction"],
  "input handling (all)": ["WebFrameWidgetImpl::HandleInputEvent"],
  "text insertion (editing, in input handling)": ["TypingCommand::InsertText"],
  "garbage collection": ["V8.GC_MC_INCREMENTAL", "MajorGC", "MinorGC", "V8.GC_SCAVENGER"]
}

function kindOf(names) {
  if (names.has("ProxyMain::BeginMainFrame")) return "frame"
  if (names.has("WidgetBaseInputHandler::OnHandleInputEvent") || names.has("WebFrameWidgetImpl::HandleInputEvent")) return "input"
  if (names.has("MessagePort::Accept")) return "message"
  if (names.has("TimerFire")) return "timer"
  return "other"
}

/** Summarises the busiest renderer main thread of `events` (the page's). */
export function summariseTrace(events) {
  const threadNames = new Map()
  for (const e of events) if (e.ph === "M" && e.name === "thread_name") threadNames.set(`${e.pid}:${e.tid}`, e.args.name)
  const counts = new Map()
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`
    if (threadNames.get(key) === "CrRendererMain") counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const main = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0]
  if (main === undefined) return null
  const slices = events.filter((e) => e.ph === "X" && `${e.pid}:${e.tid}` === main && typeof e.dur === "number").sort((a, b) => a.ts - b.ts)
  const tasks = slices.filter((e) => e.name === "ThreadControllerImpl::RunTask")
  if (tasks.length === 0) return null
  const first = tasks[0].ts
  const last = tasks[tasks.length - 1].ts + tasks[tasks.length - 1].dur

  const byKind = {}
  const byPhase = Object.fromEntries(Object.keys(PHASES).map((p) => [p, 0]))
  const phaseOf = new Map()
  for (const [phase, names] of Object.entries(PHASES)) for (const n of names) phaseOf.set(n, phase)
  const long = []
  let busy = 0
  let i = 0
  let lastMessageEnd = first
  let longestWithoutMessage = { ms: 0, at: 0 }
  for (const task of tasks) {
    while (i < slices.length && slices[i].ts < task.ts) i++
    const names = new Set()
    const inner = new Map()
    const phaseEnd = new Map()
    for (let j = i; j < slices.length && slices[j].ts < task.ts + task.dur; j++) {
      const e = slices[j]
      if (e === task) continue
      names.add(e.name)
      inner.set(e.name, (inner.get(e.name) ?? 0) + e.dur)
      // Count a phase only at its outermost occurrence: FunctionCall inside FunctionCall once.
      const phase = phaseOf.get(e.name)
      if (phase !== undefined && e.ts >= (phaseEnd.get(phase) ?? 0)) {
        byPhase[phase] += e.dur
        phaseEnd.set(phase, e.ts + e.dur)
      }
    }
    const kind = kindOf(names)
    byKind[kind] = (byKind[kind] ?? 0) + task.dur
    busy += task.dur
    if (kind === "message") {
      const gap = task.ts - lastMessageEnd
      if (gap > longestWithoutMessage.ms * 1000) longestWithoutMessage = { ms: gap / 1000, at: (lastMessageEnd - first) / 1000 }
      lastMessageEnd = task.ts + task.dur
    }
    if (task.dur >= 50_000) {
      const top = [...inner].filter(([n]) => n !== "ThreadControllerImpl::RunTask").sort((a, b) => b[1] - a[1]).slice(0, 4).map(([n, d]) => `${n} ${(d / 1000).toFixed(0)}`)
      long.push({ at: (task.ts - first) / 1000, ms: task.dur / 1000, kind, top })
    }
  }
  const ms = (us) => Number((us / 1000).toFixed(1))
  return {
    spanMs: ms(last - first),
    busyMs: ms(busy),
    byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, ms(v)])),
    byPhase: Object.fromEntries(Object.entries(byPhase).map(([k, v]) => [k, ms(v)])),
    longestWithoutMessage: { ms: Number(longestWithoutMessage.ms.toFixed(1)), at: Number(longestWithoutMessage.at.toFixed(1)) },
    longTasks: long.sort((a, b) => b.ms - a.ms)
  }
}

/** The summary as Markdown lines. */
export function traceReport(name, summary) {
  if (summary === null) return [`No renderer main thread found in the trace of ${name}.`]
  const pct = (v) => `${((v / summary.spanMs) * 100).toFixed(0)}%`
  const lines = [
    `Main thread of ${name} over the traced run (${summary.spanMs.toFixed(0)} ms): busy ${summary.busyMs.toFixed(0)} ms (${pct(summary.busyMs)}).`,
    "",
    "| task kind | ms | share of run |",
    "| --- | ---: | ---: |"
  ]
  for (const [k, v] of Object.entries(summary.byKind).sort((a, b) => b[1] - a[1])) lines.push(`| ${k} | ${v.toFixed(0)} | ${pct(v)} |`)
  lines.push("", "| phase (inside any task; script includes what it forces) | ms |", "| --- | ---: |")
  for (const [k, v] of Object.entries(summary.byPhase)) lines.push(`| ${k} | ${v.toFixed(0)} |`)
  lines.push("", `Longest stretch with no message task (worker → page) run: ${summary.longestWithoutMessage.ms.toFixed(0)} ms, from ${summary.longestWithoutMessage.at.toFixed(0)} ms into the trace.`)
  lines.push("", `Tasks of 50 ms or more: ${summary.longTasks.length}. The longest:`)
  for (const t of summary.longTasks.slice(0, 6)) lines.push(`- ${t.ms.toFixed(0)} ms ${t.kind} at ${t.at.toFixed(0)} ms: ${t.top.join(", ")}`)
  return lines
}
