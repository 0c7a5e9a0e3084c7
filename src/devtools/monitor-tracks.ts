import type { CommitStats } from "../root/root-api.ts"

/**
 * A root's commits on Chrome's Performance panel: one `performance.measure` per phase, on a
 * track of its own through the extensibility API (`detail.devtools`, a "track-entry").
 * Used by the monitor (monitor.ts); see docs/monitoring.md.
 */

/** The worker's phases in the order they run; they end where the apply begins. */
const WORKER_PHASES = ["update", "view", "diff", "encode"] as const

/** The extensibility API's palette: a colour per phase, "error" for a phase over its budget. */
const PHASE_COLORS: Readonly<Record<(typeof WORKER_PHASES)[number] | "apply", string>> = {
  update: "tertiary",
  view: "primary",
  diff: "primary-dark",
  encode: "secondary",
  apply: "tertiary-dark"
}

export class CommitTrack {
  readonly track: string

  constructor(rootName: string) {
    this.track = `Shuttle ${rootName}`
  }

  /**
   * Puts one commit's phases on the track. `applyStart` is the page's clock when its apply
   * began. The worker's figures are durations with no clock shared with the page: they are
   * laid back to back ending at `applyStart`, so the time spent in transfer and waiting for
   * a frame shows as if the worker had finished just then.
   */
  write(commit: CommitStats, applyStart: number, budgets: Readonly<Record<string, number>>): void {
    const durations = [commit.updateMs, commit.viewMs, commit.diffMs, commit.encodeMs]
    let start = applyStart - (durations[0] + durations[1] + durations[2] + durations[3])
    for (let i = 0; i < WORKER_PHASES.length; i++) {
      const phase = WORKER_PHASES[i]
      const ms = durations[i]
      if (ms > 0) this.measure(phase, start, ms, budgets[phase], commit)
      start += ms
    }
    this.measure("apply", applyStart, commit.applyMs, budgets.apply, commit)
  }

  private measure(phase: keyof typeof PHASE_COLORS, start: number, ms: number, budget: number, commit: CommitStats): void {
    const over = ms > budget
    const name = `${phase} #${commit.commitId}`
    // The clock starts at 0; measure refuses a negative start (a commit timed just after load).
    const from = Math.max(0, start)
    performance.measure(name, {
      start: from,
      end: Math.max(from, start + ms),
      detail: {
        devtools: {
          dataType: "track-entry",
          track: this.track,
          trackGroup: "Shuttle",
          color: over ? "error" : PHASE_COLORS[phase],
          tooltipText: `${phase} ${ms.toFixed(1)} ms${over ? ` (budget ${budget} ms)` : ""}`,
          properties: [
            ["commit", String(commit.commitId)],
            ["lane", commit.laneName],
            ["messages", String(commit.messages)],
            ["patch bytes", String(commit.patchBytes)]
          ]
        }
      }
    })
    // The Performance panel records the entry as it is made; the page's timeline buffer
    // would otherwise keep five entries per commit for as long as the page lives.
    performance.clearMeasures(name)
  }
}
