// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest"
import { CommitQueue } from "../../src/root/commit-queue.ts"
import { defaultTuning, resolveTuning } from "../../src/root/lane-options.ts"
import { InvalidOptionError, type CommitStats } from "../../src/index.ts"
import { LANE_DEFAULT, LANE_SYNC, LANE_TRANSITION } from "../../protocol/lanes.ts"
import type { CommitInfo } from "../../protocol/messages.ts"
import { h } from "../../workers/h.ts"
import { useRoots } from "../_util/harness.ts"

const { mount } = useRoots()

function fieldOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError)
    return (error as InvalidOptionError).field
  }
  throw new Error("expected an InvalidOptionError")
}

describe("lane tuning", () => {
  it("rejects negative, NaN, non-numeric and unknown values with the field named", () => {
    const base = defaultTuning()
    expect(fieldOf(() => resolveTuning(base, { lanes: { transition: { sliceMs: -1 } } }))).toBe("lanes.transition.sliceMs")
    expect(fieldOf(() => resolveTuning(base, { lanes: { default: { timeoutMs: Number.NaN } } }))).toBe("lanes.default.timeoutMs")
    expect(fieldOf(() => resolveTuning(base, { lanes: { idle: { sliceMs: "5" as never } } }))).toBe("lanes.idle.sliceMs")
    expect(fieldOf(() => resolveTuning(base, { lanes: { urgent: { sliceMs: 1 } } as never }))).toBe("lanes.urgent")
    expect(fieldOf(() => resolveTuning(base, { lanes: { sync: { slice: 1 } as never } }))).toBe("lanes.sync.slice")
    expect(fieldOf(() => resolveTuning(base, { eventLanes: { click: "fast" as never } }))).toBe("eventLanes.click")
    expect(fieldOf(() => resolveTuning(base, { frameBudgetMs: Number.POSITIVE_INFINITY }))).toBe("frameBudgetMs")
    expect(fieldOf(() => resolveTuning(base, { answerWaitMs: -1 }))).toBe("answerWaitMs")
    expect(fieldOf(() => resolveTuning(base, { answerWaitEvents: "click" as never }))).toBe("answerWaitEvents")
    expect(fieldOf(() => resolveTuning(base, { answerWaitEvents: ["click", 3] as never }))).toBe("answerWaitEvents")
  })

  it("waits for text entry's answer by default (4 ms); answerWaitEvents replaces the list", () => {
    const base = defaultTuning()
    expect(base.answerWaitMs).toBe(4)
    expect([...base.answerWaitEvents].sort()).toEqual(["beforeinput", "compositionend", "input", "keydown", "keypress", "keyup"])
    const clicks = resolveTuning(base, { answerWaitEvents: ["click"], answerWaitMs: 2 })
    expect([...clicks.answerWaitEvents]).toEqual(["click"])
    expect(clicks.answerWaitMs).toBe(2)
    expect(resolveTuning(clicks, { frameBudgetMs: 4 }).answerWaitEvents).toBe(clicks.answerWaitEvents)
  })

  it("merges partial tuning and keeps the rest", () => {
    const tuned = resolveTuning(defaultTuning(), { lanes: { transition: { sliceMs: 2 } }, eventLanes: { input: "transition" }, frameBudgetMs: 4 })
    expect(tuned.settings.lanes[LANE_TRANSITION]).toEqual({ sliceMs: 2, timeoutMs: 5000 })
    expect(tuned.settings.eventLanes).toEqual({ input: LANE_TRANSITION })
    expect(tuned.frameBudgetMs).toBe(4)
    const again = resolveTuning(tuned, { lanes: { transition: { timeoutMs: 100 } } })
    expect(again.settings.lanes[LANE_TRANSITION]).toEqual({ sliceMs: 2, timeoutMs: 100 })
    expect(again.settings.eventLanes).toEqual({ input: LANE_TRANSITION })
  })

  it("createRoot and setLanes reject bad options at once, and setLanes changes nothing then", async () => {
    const program = { init: 0, update: (n: number, by: number) => n + by, view: (n: number) => h("p", null, String(n)) }
    expect(() => mount(program, { lanes: { transition: { sliceMs: -5 } } })).toThrow(InvalidOptionError)
    const { root, container } = mount(program)
    expect(fieldOf(() => root.setLanes({ lanes: { idle: { timeoutMs: -1 } } }))).toBe("lanes.idle.timeoutMs")
    root.setLanes({ lanes: { transition: { sliceMs: 1, timeoutMs: 50 } }, eventLanes: { click: "default" } })
    root.dispatch(2, { lane: "transition" })
    await root.flush()
    expect(container.textContent).toBe("2")
  })
})

describe("per-commit stats", () => {
  it("reports lane, messages, worker phase timings, bytes and apply time for each commit", async () => {
    const commits: CommitStats[] = []
    const { root } = mount({
      init: 0,
      update: (n: number, by: number) => n + by,
      view: (n: number) => h("ul", null, Array.from({ length: 5 }, (_, i) => h("li", { key: i }, String(n))))
    }, { onCommit: (c) => commits.push(c) })
    await root.flush()
    root.dispatch(1)
    root.dispatch(1)
    root.dispatch(1)
    await root.flush()
    const last = commits[commits.length - 1]
    expect(last).toMatchObject({ lane: LANE_DEFAULT, laneName: "default", messages: 3, interruptions: 0, expired: true })
    for (const key of ["updateMs", "viewMs", "diffMs", "encodeMs", "applyMs"] as const) expect(last[key]).toBeGreaterThanOrEqual(0)
    expect(last.patchBytes).toBeGreaterThan(0)
    expect(root.stats.lastCommit).toEqual(last)
    // The worker's tables travel with each commit.
    expect(last.worker).toMatchObject({ liveNodes: 11, waitingIds: 0, resources: 0, subscriptions: 0 })
    expect(last.worker!.strings).toBeGreaterThan(0)
  })
})

describe("commit queue (frame pacing)", () => {
  afterEach(() => vi.unstubAllGlobals())

  const info = (lane: number): CommitInfo => ({ lane, messages: 1, updateMs: 0, viewMs: 0, diffMs: 0, encodeMs: 0, slices: 1, interruptions: 0, expired: false })

  it("applies Sync at once with everything queued before it, the rest at the next frame, in order", () => {
    const frames: Array<() => void> = []
    vi.stubGlobal("requestAnimationFrame", (fn: () => void) => frames.push(fn))
    const applied: number[] = []
    const buffers = [0, 1, 2, 3].map(() => new ArrayBuffer(4))
    const queue = new CommitQueue((buffer) => applied.push(buffers.indexOf(buffer)), 8)
    queue.push(buffers[0], info(LANE_DEFAULT))
    queue.push(buffers[1], info(LANE_TRANSITION))
    expect(applied).toEqual([])
    expect(frames).toHaveLength(1)
    queue.push(buffers[2], info(LANE_SYNC))
    expect(applied).toEqual([0, 1, 2])
    queue.push(buffers[3], info(LANE_DEFAULT))
    frames.shift()!()
    frames.shift()?.()
    expect(applied).toEqual([0, 1, 2, 3])
  })

  it("carries commits past the frame budget to the next frame, never reordering", () => {
    const frames: Array<() => void> = []
    vi.stubGlobal("requestAnimationFrame", (fn: () => void) => frames.push(fn))
    let clock = 0
    vi.spyOn(performance, "now").mockImplementation(() => clock)
    const applied: number[] = []
    const buffers = [0, 1, 2, 3, 4].map(() => new ArrayBuffer(4))
    // Each apply takes 5 ms; the budget is 8 ms: two commits per frame.
    const queue = new CommitQueue((buffer) => {
      applied.push(buffers.indexOf(buffer))
      clock += 5
    }, 8)
    for (const buffer of buffers) queue.push(buffer, info(LANE_DEFAULT))
    frames.shift()!()
    expect(applied).toEqual([0, 1])
    frames.shift()!()
    expect(applied).toEqual([0, 1, 2, 3])
    frames.shift()!()
    expect(applied).toEqual([0, 1, 2, 3, 4])
    expect(frames).toHaveLength(0)
    vi.restoreAllMocks()
  })
})
