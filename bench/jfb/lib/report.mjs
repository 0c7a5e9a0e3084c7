// Turns the raw samples into the numbers the report shows (medians, minimums, ratios to
// vanilla, geometric means, main-thread times, Shuttle's per-commit breakdown, targets)
// and writes them out: console tables, jfb.json, jfb.md and jfb-ratios.svg.
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { geomean, median, summarize } from "./stats.mjs"
import { BASELINE } from "./libraries.mjs"

/** The targets issue 6 asks to report (not assert). */
const TARGET_GEOMEAN = 1.25
const TARGET_MAIN_THREAD = 1.1
const TARGET_BYTES_PER_ELEMENT = 24

export function analyze({ meta, libs, ops, results, throughput, patchProfiles }) {
  const table = {}
  for (const op of ops) {
    table[op.id] = {}
    for (const lib of libs) {
      const samples = results[op.id]?.[lib.name] ?? []
      const entry = {
        total: summarize(samples.map((s) => s.totalMs)),
        task: summarize(samples.map((s) => s.taskMs)),
        script: summarize(samples.map((s) => s.scriptMs)),
        layoutAndStyle: summarize(samples.map((s) => s.layoutMs + s.styleMs)),
        samples
      }
      if (lib.shuttle) entry.shuttle = shuttleBreakdown(samples)
      table[op.id][lib.name] = entry
    }
    const base = table[op.id][BASELINE]
    for (const lib of libs) {
      const entry = table[op.id][lib.name]
      entry.ratio = base === undefined ? NaN : entry.total.median / base.total.median
      entry.taskRatio = base === undefined ? NaN : entry.task.median / base.task.median
      entry.scriptRatio = base === undefined ? NaN : entry.script.median / base.script.median
    }
  }
  const geomeans = {}
  const taskGeomeans = {}
  for (const lib of libs) {
    geomeans[lib.name] = geomean(ops.map((op) => table[op.id][lib.name].ratio))
    taskGeomeans[lib.name] = geomean(ops.map((op) => table[op.id][lib.name].taskRatio))
  }

  const targets = []
  // This tree's Shuttle (not a --baseline build of another commit).
  const shuttle = libs.find((l) => l.shuttle && l.baselineOf === undefined)
  if (shuttle !== undefined && ops.length > 0 && table[ops[0].id][BASELINE] !== undefined) {
    const g = geomeans[shuttle.name]
    targets.push({
      target: `geometric mean of end-to-end ratios to vanilla ≤ ${TARGET_GEOMEAN}`,
      value: fixed(g, 2),
      met: g <= TARGET_GEOMEAN
    })
    const over = ops.filter((op) => !(table[op.id][shuttle.name].taskRatio <= TARGET_MAIN_THREAD))
    targets.push({
      target: `main-thread time per op ≤ ${TARGET_MAIN_THREAD} × vanilla's`,
      value: `${ops.length - over.length} of ${ops.length} ops within; over: ${over.map((op) => `${op.id} ${fixed(table[op.id][shuttle.name].taskRatio, 2)}×`).join(", ") || "none"}`,
      met: over.length === 0
    })
  }
  const create = patchProfiles?.find((p) => p.op === "create1k")
  let patchBudget = null
  if (create !== undefined) {
    const opsAndHeader = create.bytes - create.stringSectionBytes
    const perElement = opsAndHeader / create.createdElements
    const browserBytes = shuttle === undefined ? undefined : table.create1k?.[shuttle.name]?.shuttle?.patchBytes
    patchBudget = {
      elements: create.createdElements,
      textNodes: create.createdTexts,
      bytes: create.bytes,
      stringSectionBytes: create.stringSectionBytes,
      opBytes: create.opBytes,
      bytesPerElement: perElement,
      bytesPerNode: opsAndHeader / (create.createdElements + create.createdTexts),
      budgetBytes: TARGET_BYTES_PER_ELEMENT * create.createdElements + create.stringSectionBytes,
      browserPatchBytes: browserBytes ?? null,
      byOp: create.byOp
    }
    targets.push({
      target: `create 1,000 rows ≤ ${TARGET_BYTES_PER_ELEMENT} B of patch list per element + its new strings`,
      value: `${fixed(perElement, 1)} B per element (${create.bytes.toLocaleString("en-US")} B = ${opsAndHeader.toLocaleString("en-US")} B ops and header for ${create.createdElements.toLocaleString("en-US")} elements and ${create.createdTexts.toLocaleString("en-US")} texts + ${create.stringSectionBytes.toLocaleString("en-US")} B strings; budget ${patchBudget.budgetBytes.toLocaleString("en-US")} B)`,
      met: perElement <= TARGET_BYTES_PER_ELEMENT
    })
  }

  // --baseline: this tree's Shuttle against the same demo built at another commit, op by op.
  const beforeAfter = []
  for (const before of libs.filter((l) => l.baselineOf !== undefined)) {
    const after = libs.find((l) => l.name === before.baselineOf)
    if (after === undefined || ops.length === 0) continue
    beforeAfter.push({
      after: after.name,
      before: before.name,
      ops: ops.map((op) => {
        const a = table[op.id][after.name]
        const b = table[op.id][before.name]
        return {
          id: op.id,
          afterMs: a.total.median,
          beforeMs: b.total.median,
          ratio: a.total.median / b.total.median,
          afterTaskMs: a.task.median,
          beforeTaskMs: b.task.median,
          taskRatio: a.task.median / b.task.median
        }
      }),
      // The ratio of the two geometric means of ratios to vanilla: vanilla cancels, so it is
      // also the geometric mean of the per-op ratios after / before.
      geomeanRatio: geomeans[after.name] / geomeans[before.name],
      taskGeomeanRatio: taskGeomeans[after.name] / taskGeomeans[before.name]
    })
  }

  return {
    meta,
    baseline: BASELINE,
    libraries: libs.map((l) => ({ name: l.name, title: l.title, ...(l.baselineOf === undefined ? {} : { baselineOf: l.baselineOf }) })),
    ops: ops.map((o) => ({ id: o.id, title: o.title, throttleJfb: o.throttle })),
    table,
    geomeans,
    mainThreadGeomeans: taskGeomeans,
    targets,
    beforeAfter,
    patchBudget,
    patchProfiles: patchProfiles ?? null,
    throughput
  }
}

function shuttleBreakdown(samples) {
  const pick = (key) => median(samples.map((s) => s.shuttle?.[key]).filter((v) => typeof v === "number"))
  return {
    commits: pick("commits"),
    updateMs: pick("updateMs"),
    viewMs: pick("viewMs"),
    diffMs: pick("diffMs"),
    encodeMs: pick("encodeMs"),
    applyMs: pick("applyMs"),
    patchBytes: pick("patchBytes")
  }
}

function fixed(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a"
}

function ms(value) {
  if (!Number.isFinite(value)) return "n/a"
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)
}

function pad(text, width, right = false) {
  return right ? String(text).padStart(width) : String(text).padEnd(width)
}

// ---- console ------------------------------------------------------------------------

export function printConsole(a, log) {
  if (a.ops.length > 0) {
    const libs = a.libraries
    const cell = 24
    log(`\nEnd to end, click to the end of the frame that shows the result (ms): median (min) and ratio to ${a.baseline} (median/median)`)
    log(pad("operation", 32) + libs.map((l) => pad(l.name, cell, true)).join(""))
    for (const op of a.ops) {
      const row = a.table[op.id]
      log(pad(op.title, 32) + libs.map((l) => {
        const e = row[l.name]
        return pad(`${ms(e.total.median)} (${ms(e.total.min)}) ${fixed(e.ratio, 2)}×`, cell, true)
      }).join(""))
    }
    log(pad("geometric mean of ratios", 32) + libs.map((l) => pad(`${fixed(a.geomeans[l.name], 2)}×`, cell, true)).join(""))

    log(`\nMain thread (CDP Performance.getMetrics deltas around the click, ms, median): task (all main-thread work) / script`)
    log(pad("operation", 32) + libs.map((l) => pad(l.name, cell, true)).join(""))
    for (const op of a.ops) {
      const row = a.table[op.id]
      log(pad(op.title, 32) + libs.map((l) => {
        const e = row[l.name]
        return pad(`${ms(e.task.median)} / ${ms(e.script.median)} ${fixed(e.taskRatio, 2)}×`, cell, true)
      }).join(""))
    }
    log(pad("geometric mean of task ratios", 32) + libs.map((l) => pad(`${fixed(a.mainThreadGeomeans[l.name], 2)}×`, cell, true)).join(""))

    for (const shuttle of a.libraries.filter((l) => a.table[a.ops[0].id][l.name].shuttle !== undefined)) {
      log(`\n${shuttle.name === "shuttle" ? "Shuttle" : shuttle.name} per commit (median): worker update / view / diff+encode, main-thread apply, patch bytes`)
      for (const op of a.ops) {
        const b = a.table[op.id][shuttle.name].shuttle
        log(`${pad(op.title, 32)} update ${ms(b.updateMs)}  view ${ms(b.viewMs)}  diff ${ms(b.diffMs)}  encode ${ms(b.encodeMs)}  apply ${ms(b.applyMs)}  ${Number.isFinite(b.patchBytes) ? b.patchBytes.toLocaleString("en-US") : "n/a"} B`)
      }
    }
    printBeforeAfter(a, log)
  }
  if (a.throughput !== null) {
    const t = a.throughput.sustained
    log(`\nShuttle throughput (Chromium)`)
    log(`  sustained, ${t.rows.toLocaleString("en-US")} rows, ${t.changedRowsPerMessage} rows changed per message, ${t.seconds.toFixed(1)} s: ` +
      `${Math.round(t.dispatchedPerSecond).toLocaleString("en-US")} msgs/s dispatched, ${Math.round(t.appliedPerSecond).toLocaleString("en-US")} msgs/s shown, ` +
      `${fixed(t.commitsPerSecond, 1)} commits/s applied (${fixed(t.messagesPerCommit, 1)} msgs per commit; ${t.queuedCommitsAtClose} commits still queued at the end), ${fixed(t.framesPerSecond, 1)} frames/s, ` +
      `longest frame gap ${ms(t.longestFrameGapMs)} ms, drain ${ms(t.drainMs)} ms, main thread ${fixed(t.mainThreadBusy * 100, 0)}% busy`)
    log(`    per commit: update ${ms(t.perCommit.updateMs)}  view ${ms(t.perCommit.viewMs)}  diff ${ms(t.perCommit.diffMs)}  encode ${ms(t.perCommit.encodeMs)}  apply ${ms(t.perCommit.applyMs)} (max ${ms(t.perCommit.maxApplyMs)})  ${Math.round(t.perCommit.patchBytes).toLocaleString("en-US")} B`)
    for (const b of a.throughput.bursts) {
      log(`  burst, ${b.messages.toLocaleString("en-US")} msgs in tasks of ${b.burst}, ${b.rows.toLocaleString("en-US")} rows: ${ms(b.ms)} ms to flush = ` +
        `${Math.round(b.messagesPerSecond).toLocaleString("en-US")} msgs/s; ${b.commits} commits (${fixed(b.messagesPerCommit, 0)} msgs each); ` +
        `dispatch ${fixed(b.dispatchUsPerMessage, 2)} µs/msg on the main thread`)
    }
    const rt = a.throughput.roundTrip
    if (rt !== undefined) log(`  round trip (dispatch + flush, empty table, ${rt.count}×): median ${ms(rt.medianMs)} ms, p90 ${ms(rt.p90Ms)} ms, min ${ms(rt.minMs)} ms, max ${ms(rt.maxMs)} ms`)
    if (a.throughput.applier !== undefined) {
      log(`\nShuttle's applier in Chromium, no worker, no layout (ms, median): Applier.apply vs the same DOM calls made directly`)
      for (const r of a.throughput.applier) {
        log(`  ${pad(r.title, 32)} apply ${pad(ms(r.applyMs), 7, true)}  direct ${pad(ms(r.directMs), 7, true)}  ${fixed(r.ratio, 2)}×`)
      }
    }
  }
  if (a.targets.length > 0) {
    log(`\nTargets (reported, not asserted)`)
    for (const t of a.targets) log(`  [${t.met ? "met" : "NOT met"}] ${t.target}: ${t.value}`)
  }
}

function printBeforeAfter(a, log) {
  const info = a.meta.baseline
  for (const c of a.beforeAfter ?? []) {
    const titleOf = (id) => a.ops.find((o) => o.id === id)?.title ?? id
    log(`\nBefore and after: ${c.after} (this tree, ${a.meta.shuttleCommit}) / ${c.before}` +
      (info ? ` (--baseline ${info.ref}: ${info.commit.slice(0, 12)} "${info.subject}")` : "") + `; below 1 = this tree is faster`)
    log(pad("operation", 32) + pad(`${c.after} ms`, 14, true) + pad(`${c.before} ms`, 22, true) + pad("ratio", 9, true) + pad("main-thread task ratio", 26, true))
    for (const o of c.ops) {
      log(pad(titleOf(o.id), 32) + pad(ms(o.afterMs), 14, true) + pad(ms(o.beforeMs), 22, true) + pad(`${fixed(o.ratio, 2)}×`, 9, true) + pad(`${fixed(o.taskRatio, 2)}×`, 26, true))
    }
    log(`geometric mean of ratios to ${a.baseline}: ${c.after} ${fixed(a.geomeans[c.after], 2)}×, ${c.before} ${fixed(a.geomeans[c.before], 2)}×`)
    log(`${c.after} / ${c.before} geometric mean: ${fixed(c.geomeanRatio, 2)}  (main-thread task: ${fixed(c.taskGeomeanRatio, 2)})`)
    if (info?.packageDifferences?.length > 0) log(`  ${info.short}'s package.json differs (built with this tree's node_modules): ${info.packageDifferences.join("; ")}`)
    if (info?.modelDiffers) log(`  ${info.short}'s examples/table/model.ts differs from this tree's; the DOM checks followed this tree's model`)
  }
}

// ---- files --------------------------------------------------------------------------

export async function writeReports(a, dir) {
  await mkdir(dir, { recursive: true })
  const files = [join(dir, "jfb.json"), join(dir, "jfb.md")]
  await writeFile(files[0], JSON.stringify(a, null, 2) + "\n")
  await writeFile(files[1], markdown(a))
  if (a.ops.length > 0) {
    files.push(join(dir, "jfb-ratios.svg"))
    await writeFile(files[2], svg(a))
  }
  return files
}

function markdown(a) {
  const m = a.meta
  const lines = []
  const push = (...l) => lines.push(...l)
  push("# js-framework-benchmark: Shuttle and peers in Chromium", "")
  push(`Generated by \`${m.command}\` on ${m.date} (${m.durationSeconds} s).`, "")
  push("| | |", "| --- | --- |")
  push(`| machine | ${m.machine.cpu}, ${m.machine.cores} cores, ${m.machine.memoryGB} GB, ${m.machine.os} |`)
  push(`| load average (1/5/15 min) | before ${m.machine.loadAverageBefore.join(" / ")}, after ${m.machine.loadAverageAfter.join(" / ")} |`)
  push(`| Node | ${m.node} |`)
  push(`| Chromium | ${m.chromium} (/usr/bin/chromium, headless) |`)
  push(`| Shuttle | ${m.versions.shuttle ?? "?"}, commit ${m.shuttleCommit} |`)
  if (m.baseline) {
    const b = m.baseline
    push(`| ${b.name} (\`--baseline ${b.ref}\`) | ${b.version}, commit ${b.commit.slice(0, 12)} "${escapeCell(b.subject)}"; its own \`node examples/build.mjs\` in a temporary worktree, this tree's node_modules` +
      `${b.packageDifferences.length > 0 ? `; its package.json differs: ${escapeCell(b.packageDifferences.join("; "))}` : ""}${b.modelDiffers ? "; its examples/table/model.ts differs (the checks follow this tree's)" : ""} |`)
  }
  const peers = Object.entries(m.versions).filter(([name]) => name !== "shuttle").map(([name, v]) => `${name} ${v}`).join(", ")
  if (peers) push(`| peers | ${peers} |`)
  push(`| samples | ${m.settings.samples} per op after ${m.settings.warmups} warm-up(s); ${m.settings.samplesBig} for 10,000 rows after ${m.settings.warmupsBig}; libraries interleaved, order rotated each round |`)
  push(`| CPU throttling | ${m.settings.throttle === "jfb" ? "jfb's per-op factors" : `${m.settings.throttle}×`} (main thread only) |`)
  push("")
  if (a.ops.length > 0) {
    const libs = a.libraries
    push("## End to end", "")
    push(`Milliseconds from the click to the end of the first frame showing the result: median (min), and the ratio of medians to ${a.baseline}.`, "")
    push(`| operation | ${libs.map((l) => l.title).join(" | ")} |`, `| --- | ${libs.map(() => "---:").join(" | ")} |`)
    for (const op of a.ops) {
      const row = a.table[op.id]
      push(`| ${op.title} | ${libs.map((l) => `${ms(row[l.name].total.median)} (${ms(row[l.name].total.min)}) **${fixed(row[l.name].ratio, 2)}×**`).join(" | ")} |`)
    }
    push(`| **geometric mean of ratios** | ${libs.map((l) => `**${fixed(a.geomeans[l.name], 2)}×**`).join(" | ")} |`, "")
    push("![ratios to vanilla](jfb-ratios.svg)", "")

    push("## Main thread", "")
    push("Main-thread time per click from CDP `Performance.getMetrics` (TaskDuration: all tasks, including style, layout and paint; ScriptDuration: JavaScript), median ms, and the ratio of task medians to vanilla. A worker's time is not in these numbers.", "")
    push(`| operation | ${libs.map((l) => `${l.title} task / script`).join(" | ")} |`, `| --- | ${libs.map(() => "---:").join(" | ")} |`)
    for (const op of a.ops) {
      const row = a.table[op.id]
      push(`| ${op.title} | ${libs.map((l) => `${ms(row[l.name].task.median)} / ${ms(row[l.name].script.median)} (${fixed(row[l.name].taskRatio, 2)}×)`).join(" | ")} |`)
    }
    push(`| **geometric mean of task ratios** | ${libs.map((l) => `**${fixed(a.mainThreadGeomeans[l.name], 2)}×**`).join(" | ")} |`, "")

    for (const c of a.beforeAfter ?? []) {
      push("## Before and after", "")
      push(`This tree's Shuttle (\`${c.after}\`, ${m.shuttleCommit}) beside the same table demo built at \`${c.before}\`, interleaved in this run. Median ms end to end, the ratio ${c.after} / ${c.before} (below 1: this tree is faster), and the same ratio of main-thread task medians.`, "")
      push(`| operation | ${c.after} | ${c.before} | ratio | main-thread task ratio |`, "| --- | ---: | ---: | ---: | ---: |")
      for (const o of c.ops) {
        push(`| ${a.ops.find((op) => op.id === o.id)?.title ?? o.id} | ${ms(o.afterMs)} | ${ms(o.beforeMs)} | **${fixed(o.ratio, 2)}×** | ${fixed(o.taskRatio, 2)}× |`)
      }
      push(`| geometric mean of ratios to ${a.baseline} | ${fixed(a.geomeans[c.after], 2)}× | ${fixed(a.geomeans[c.before], 2)}× | | |`, "")
      push(`**${c.after} / ${c.before} geometric mean: ${fixed(c.geomeanRatio, 2)}** (main-thread task: ${fixed(c.taskGeomeanRatio, 2)}).`, "")
    }

    for (const shuttle of libs.filter((l) => a.table[a.ops[0].id][l.name].shuttle !== undefined)) {
      push(shuttle.name === "shuttle" ? "## Where Shuttle's time goes" : `## Where ${shuttle.name}'s time goes`, "")
      push("Per commit, median over the samples, from `root.stats.lastCommit`: worker phases (update, view, diff, encode) and the main thread's apply (validate + DOM calls), patch bytes; beside them the end-to-end time and main-thread task time.", "")
      push("| operation | update | view | diff | encode | apply | patch bytes | end to end | main-thread task |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
      for (const op of a.ops) {
        const e = a.table[op.id][shuttle.name]
        const b = e.shuttle
        push(`| ${op.title} | ${ms(b.updateMs)} | ${ms(b.viewMs)} | ${ms(b.diffMs)} | ${ms(b.encodeMs)} | ${ms(b.applyMs)} | ${Number.isFinite(b.patchBytes) ? b.patchBytes.toLocaleString("en-US") : "n/a"} | ${ms(e.total.median)} | ${ms(e.task.median)} |`)
      }
      push("")
    }
  }
  if (a.patchBudget !== null) {
    const p = a.patchBudget
    push("## Patch list of create 1,000 rows", "")
    push(`From the encoder alone (bench/micro/jfb-patches.ts): ${p.bytes.toLocaleString("en-US")} B for ${p.elements.toLocaleString("en-US")} elements and ${p.textNodes.toLocaleString("en-US")} text nodes: ${p.opBytes.toLocaleString("en-US")} B of ops, ${p.stringSectionBytes.toLocaleString("en-US")} B of new strings. ${fixed(p.bytesPerElement, 1)} B per element (${fixed(p.bytesPerNode, 1)} B per node) besides the strings.` +
      (p.browserPatchBytes !== null ? ` In the browser, the demo's create-1,000 commit was ${p.browserPatchBytes.toLocaleString("en-US")} B.` : ""), "")
    push("| op | count | bytes | share |", "| --- | ---: | ---: | ---: |")
    for (const [name, v] of Object.entries(p.byOp).sort((x, y) => y[1].bytes - x[1].bytes)) {
      push(`| ${name} | ${v.count.toLocaleString("en-US")} | ${v.bytes.toLocaleString("en-US")} | ${fixed((100 * v.bytes) / p.opBytes, 1)}% |`)
    }
    push("")
  }
  if (a.throughput !== null) {
    const t = a.throughput.sustained
    push("## Shuttle throughput", "")
    push(`Sustained: ${t.rows.toLocaleString("en-US")} rows, each message changes ${t.changedRowsPerMessage} of them (1%); one \`root.dispatch\` per main-thread task, back to back, for ${t.seconds.toFixed(1)} s.`, "")
    push("| | |", "| --- | ---: |")
    push(`| messages dispatched | ${t.dispatched.toLocaleString("en-US")} (${Math.round(t.dispatchedPerSecond).toLocaleString("en-US")}/s) |`)
    push(`| messages shown in the DOM by the end of the window | ${t.appliedInWindow.toLocaleString("en-US")} (${Math.round(t.appliedPerSecond).toLocaleString("en-US")}/s) |`)
    push(`| commits applied | ${t.commitsInWindow} (${fixed(t.commitsPerSecond, 1)}/s, ${fixed(t.messagesPerCommit, 1)} messages each) |`)
    push(`| commits received but still waiting for a frame when the window closed | ${t.queuedCommitsAtClose} |`)
    push(`| frames | ${t.frames} (${fixed(t.framesPerSecond, 1)}/s), longest gap ${ms(t.longestFrameGapMs)} ms |`)
    push(`| time to drain the backlog after the window | ${ms(t.drainMs)} ms |`)
    push(`| main thread busy (dispatch loop included) | ${fixed(t.mainThreadBusy * 100, 0)}% |`)
    push(`| per commit: update / view / diff / encode (worker) | ${ms(t.perCommit.updateMs)} / ${ms(t.perCommit.viewMs)} / ${ms(t.perCommit.diffMs)} / ${ms(t.perCommit.encodeMs)} ms |`)
    push(`| per commit: apply (main thread), max | ${ms(t.perCommit.applyMs)} ms, max ${ms(t.perCommit.maxApplyMs)} ms |`)
    push(`| per commit: patch bytes | ${Math.round(t.perCommit.patchBytes).toLocaleString("en-US")} |`, "")
    push("Batching: `inc` messages dispatched in bursts (one task per burst), then `root.flush()`.", "")
    push("| rows mounted | messages | burst | time to flush | messages/s | commits | messages per commit | dispatch on the main thread |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (const b of a.throughput.bursts) {
      push(`| ${b.rows.toLocaleString("en-US")} | ${b.messages.toLocaleString("en-US")} | ${b.burst} | ${ms(b.ms)} ms | ${Math.round(b.messagesPerSecond).toLocaleString("en-US")} | ${b.commits} | ${fixed(b.messagesPerCommit, 0)} | ${fixed(b.dispatchUsPerMessage, 2)} µs/msg |`)
    }
    push("")
    const rt = a.throughput.roundTrip
    if (rt !== undefined) {
      push(`Round trip of one message with nothing to render (\`dispatch\` then \`flush()\`, empty table, ${rt.count} times, a quiet frame between): median ${ms(rt.medianMs)} ms, p90 ${ms(rt.p90Ms)} ms, min ${ms(rt.minMs)} ms, max ${ms(rt.maxMs)} ms.`, "")
    }
    if (a.throughput.applier !== undefined) {
      push("## Shuttle's applier in Chromium", "")
      push("`Applier.apply` on each op's patch list beside the same DOM calls made directly (bench/micro/direct-dom.ts), in the page, from the op's starting state; no worker, and no style or layout inside the timing. Median ms (min).", "")
      push("| operation | patch bytes | Applier.apply | direct DOM calls | ratio |", "| --- | ---: | ---: | ---: | ---: |")
      for (const r of a.throughput.applier) {
        push(`| ${r.title} | ${r.patchBytes.toLocaleString("en-US")} | ${ms(r.applyMs)} (${ms(r.applyMinMs)}) | ${ms(r.directMs)} (${ms(r.directMinMs)}) | ${fixed(r.ratio, 2)}× |`)
      }
      push("")
    }
  }
  if (a.targets.length > 0) {
    push("## Targets (reported, not asserted)", "")
    push("| target | result | |", "| --- | --- | --- |")
    for (const t of a.targets) push(`| ${t.target} | ${t.value} | ${t.met ? "met" : "**not met**"} |`)
    push("")
  }
  push("## Method", "")
  push("- One Chromium (headless, TESTING.md's flags, fresh profile); one tab per library, each in its own renderer process; the pages are production, minified esbuild bundles served from 127.0.0.1.")
  push("- Each sample: the op's set-up (e.g. create 1,000 rows before an update), for Shuttle a `root.flush()`, two quiet frames, a forced GC on the main thread (CDP `HeapProfiler.collectGarbage`) and in Shuttle's worker (`gc()`, Chromium runs with `--js-flags=--expose-gc`), then `element.click()` in the page. The page polls for the expected DOM in `requestAnimationFrame` callbacks; the frame whose callback first sees it is the one that renders it, and a `setTimeout(0)` queued there marks the end of that frame. Shuttle's commits come from the worker asynchronously; the same poll waits for them.")
  push("- After every sample (and warm-up) the whole table is checked against a mirror of examples/table/model.ts folded over the same clicks: row count, every row's id, label and class (hash), each row's markup, `#status`, and that kept rows are the same `<tr>` objects (update, select, swap, remove, append) or new ones (replace, clear). Any difference stops the run.")
  push("- Main-thread time is the delta of CDP `Performance.getMetrics` (TaskDuration, ScriptDuration) around the click, which counts only the page's main thread.")
  push("")
  return lines.join("\n")
}

// ---- SVG ----------------------------------------------------------------------------

const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

function escapeCell(text) {
  return String(text).replace(/\|/g, "\\|").replace(/\n/g, " ")
}

function escapeXml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
}

/** Grouped bars: one group per op plus the geometric mean, one bar per library other than the baseline. */
function svg(a) {
  const libs = a.libraries.filter((l) => l.name !== a.baseline)
  const groups = [...a.ops.map((op) => ({ label: op.title, values: libs.map((l) => a.table[op.id][l.name].ratio) })),
    { label: "geometric mean", values: libs.map((l) => a.geomeans[l.name]) }]
  const width = 1000
  const height = 480
  const left = 56
  const right = 16
  const top = 76
  const bottom = 150
  const plotW = width - left - right
  const plotH = height - top - bottom
  const all = groups.flatMap((g) => g.values).filter(Number.isFinite)
  // Ratios above the cap are drawn to the cap with their value and a ▲, so one outlier does not flatten the rest.
  const cap = Math.min(3, Math.max(1.5, Math.ceil(Math.max(...all, 1) * 4) / 4))
  const y = (v) => top + plotH - (Math.min(v, cap) / cap) * plotH
  const groupW = plotW / groups.length
  const barW = Math.max(4, (groupW * 0.8) / Math.max(1, libs.length))
  const out = []
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`)
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`)
  out.push(`<text x="${left}" y="20" font-size="14" font-weight="bold">${escapeXml(`End-to-end time relative to ${a.baseline} JS (median / median; 1.00 = ${a.baseline}, lower is better)`)}</text>`)
  out.push(`<text x="${left}" y="38" fill="#555">${escapeXml(`${a.meta.date.slice(0, 10)}, Chromium ${a.meta.chromium}, ${a.meta.machine.cpu}, ${a.meta.machine.cores} cores${a.meta.settings.throttle === 1 ? "" : `, CPU throttling ${a.meta.settings.throttle}`}; bars above ${cap} are cut (▲)`)}</text>`)
  const step = cap <= 2 ? 0.25 : 0.5
  for (let v = 0; v <= cap + 1e-9; v += step) {
    out.push(`<line x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${v === 1 ? "#333" : "#e5e5e5"}" stroke-width="${v === 1 ? 1.5 : 1}"/>`)
    out.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${v.toFixed(2)}</text>`)
  }
  if (TARGET_GEOMEAN <= cap) {
    out.push(`<line x1="${left}" x2="${width - right}" y1="${y(TARGET_GEOMEAN).toFixed(1)}" y2="${y(TARGET_GEOMEAN).toFixed(1)}" stroke="#e15759" stroke-dasharray="5 4"/>`)
  }
  groups.forEach((g, gi) => {
    const x0 = left + gi * groupW + (groupW - barW * libs.length) / 2
    g.values.forEach((v, li) => {
      if (!Number.isFinite(v)) return
      const x = x0 + li * barW
      const yTop = y(v)
      out.push(`<rect x="${x.toFixed(1)}" y="${yTop.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(top + plotH - yTop).toFixed(1)}" fill="${COLORS[li % COLORS.length]}"><title>${escapeXml(`${libs[li].title}, ${g.label}: ${v.toFixed(2)}×`)}</title></rect>`)
      out.push(`<text transform="translate(${(x + barW / 2 + 3).toFixed(1)},${(yTop - 3).toFixed(1)}) rotate(-90)" font-size="9" fill="#333">${v.toFixed(2)}${v > cap ? " ▲" : ""}</text>`)
    })
    const cx = left + gi * groupW + groupW / 2
    out.push(`<text transform="translate(${cx.toFixed(1)},${top + plotH + 14}) rotate(-30)" text-anchor="end" font-size="11" fill="#222"${gi === groups.length - 1 ? ' font-weight="bold"' : ""}>${escapeXml(g.label)}</text>`)
  })
  // The libraries on the last line; the target's key after them, or on a line of its own above when it does not fit.
  const legendY = height - 14
  const keyW = 170
  libs.forEach((l, li) => {
    const x = left + li * keyW
    out.push(`<rect x="${x}" y="${legendY - 10}" width="12" height="12" fill="${COLORS[li % COLORS.length]}"/>`)
    out.push(`<text x="${x + 16}" y="${legendY}">${escapeXml(l.title)}</text>`)
  })
  if (TARGET_GEOMEAN <= cap) {
    const fits = left + (libs.length + 1) * keyW + 150 <= width
    const x = fits ? left + libs.length * keyW : left
    const legendY = fits ? height - 14 : height - 34
    out.push(`<line x1="${x}" x2="${x + 24}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#e15759" stroke-dasharray="5 4"/>`)
    out.push(`<text x="${x + 30}" y="${legendY}">target for Shuttle's geometric mean (${TARGET_GEOMEAN})</text>`)
  }
  out.push(`</svg>`)
  return out.join("\n") + "\n"
}
