import { Applier } from "../../src/dom/applier.ts"
import { DEFAULT_LANES, LANE_COUNT, LANE_SYNC, type LaneConfig } from "../../protocol/lanes.ts"
import { h } from "../../workers/h.ts"
import { Renderer } from "../../workers/diff/renderer.ts"
import { LaneScheduler, type StepResult } from "../../workers/runtime/lane-scheduler.ts"
import type { Child } from "../../workers/vnode.ts"

/**
 * A LaneScheduler with a hand-driven clock, rendering into a happy-dom container through
 * the real renderer and applier. Every `clock()` read advances time by `tickMs`, so long
 * renders take several slices without any real waiting.
 */
export function createLaneHarness<Model, Msg>(init: Model, update: (model: Model, msg: Msg) => Model, view: (model: Model) => Child, options: { tickMs?: number; lanes?: Partial<LaneConfig>[] } = {}) {
  let now = 0
  const tickMs = options.tickMs ?? 0
  const clock = () => {
    now += tickMs
    return now
  }
  const container = document.createElement("div")
  const applier = new Applier(container, { listen() {}, unlisten() {} })
  const renderer = new Renderer(1)
  const scheduler = new LaneScheduler<Model, Msg>(renderer, init, update, view, clock)
  const lanes: LaneConfig[] = []
  for (let i = 0; i < LANE_COUNT; i++) lanes.push({ ...DEFAULT_LANES[i], ...options.lanes?.[i] })
  scheduler.configure(lanes)
  const commits: Array<{ lane: number; model: Model; messages: number; interruptions: number; expired: boolean; slices: number }> = []
  let frameReady = false
  return {
    container,
    scheduler,
    commits,
    get now() {
      return now
    },
    advance(ms: number) {
      now += ms
    },
    frame() {
      frameReady = true
    },
    /**
     * One scheduler step; a commit is applied to the DOM at once. `withoutCredit`: the page
     * has granted no credit, so Default, Transition and Idle work waits (see LaneScheduler.step).
     */
    step(urgent = false, withoutCredit = false): StepResult {
      const result = scheduler.step(frameReady, urgent, withoutCredit)
      if (result.kind === "commit") {
        if (result.info.lane === 1) frameReady = false
        if (result.buffer !== null) {
          const id = applier.apply(result.buffer)
          renderer.acknowledge(id, result.buffer)
        }
        commits.push({ lane: result.info.lane, model: scheduler.model, messages: result.info.messages, interruptions: result.info.interruptions, expired: result.info.expired, slices: result.info.slices })
      }
      return result
    },
    /** Steps until idle (or waiting for a frame); returns the kinds seen. */
    run(urgent = false, limit = 10_000): string[] {
      const kinds: string[] = []
      for (let i = 0; i < limit; i++) {
        const result = this.step(urgent)
        kinds.push(result.kind)
        if (result.kind === "idle" || result.kind === "wait-frame") return kinds
      }
      throw new Error("scheduler did not settle")
    }
  }
}

/**
 * A harness whose model is the messages applied, in order, shown in a `#model` paragraph
 * and in `rows` list items (so a render takes time), mounted and settled: no commit yet.
 */
export function startAppendHarness(rows = 10, tickMs = 0) {
  const view = (model: string) =>
    h("div", null, h("p", { id: "model" }, model), h("ul", null, Array.from({ length: rows }, (_, i) => h("li", { key: i }, model))))
  const harness = createLaneHarness<string, string>("", (model, msg) => model + msg, view, { tickMs })
  harness.scheduler.forceRender()
  harness.scheduler.enqueue(undefined as unknown as string, LANE_SYNC)
  harness.run()
  harness.commits.length = 0
  return harness
}
