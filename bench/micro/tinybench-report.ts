import type { Bench } from "tinybench"

/** One task's numbers, in milliseconds per iteration. */
export interface MicroResult {
  readonly group: string
  readonly name: string
  readonly p50: number
  readonly p99: number
  /** Relative margin of error of the mean, in percent. */
  readonly rme: number
  readonly mean: number
  readonly samples: number
}

/** The completed tasks of `bench` as rows; throws if a task failed, so a broken benchmark cannot pass unseen. */
export function collect(bench: Bench, group: string): MicroResult[] {
  const rows: MicroResult[] = []
  for (const task of bench.tasks) {
    const result = task.result
    if (result.state === "errored") throw new Error(`${group} / ${task.name} failed: ${result.error.stack ?? result.error.message}`)
    if (result.state !== "completed") throw new Error(`${group} / ${task.name} did not complete (${result.state})`)
    const latency = result.latency
    rows.push({ group, name: task.name, p50: latency.p50, p99: latency.p99, rme: latency.rme, mean: latency.mean, samples: latency.samplesCount })
  }
  return rows
}

function ms(value: number): string {
  if (value >= 100) return value.toFixed(1)
  if (value >= 1) return value.toFixed(2)
  if (value >= 0.01) return value.toFixed(3)
  return value.toExponential(2)
}

/**
 * Prints a Markdown table of `rows`. `ratioTo(row)` names the row whose p50 divides this
 * one's (for the ratio column), or returns undefined for none.
 */
export function printTable(title: string, rows: readonly MicroResult[], ratioTo?: (row: MicroResult) => MicroResult | undefined): void {
  console.log(`\n### ${title}\n`)
  console.log("| task | p50 ms | p99 ms | rme | samples | ratio (p50) |")
  console.log("| --- | ---: | ---: | ---: | ---: | --- |")
  for (const row of rows) {
    const base = ratioTo?.(row)
    const ratio = base === undefined ? "" : `${(row.p50 / base.p50).toFixed(2)} × ${base.name}`
    console.log(`| ${row.name} | ${ms(row.p50)} | ${ms(row.p99)} | ±${row.rme.toFixed(1)}% | ${row.samples} | ${ratio} |`)
  }
}

/** Options for tasks without per-iteration set-up: at least 400 ms of timed runs and 20 samples. */
export const BENCH_OPTIONS = { time: 400, iterations: 20, warmupTime: 100, warmupIterations: 5 } as const

/**
 * Options for tasks whose `beforeEach` rebuilds the starting state: exactly `iterations`
 * samples. tinybench's time budget counts only the timed function, so a time budget would
 * run a 0.5 ms op behind a 50 ms set-up hundreds of times.
 */
export function setupOptions(iterations: number) {
  return { time: 0, iterations, warmupTime: 0, warmupIterations: 2 } as const
}

/** Collected results of every bench file that ran in this process, for bench/micro/run.mjs to save. */
export const ALL_RESULTS: MicroResult[] = ((globalThis as { __shuttleMicroResults?: MicroResult[] }).__shuttleMicroResults ??= [])
