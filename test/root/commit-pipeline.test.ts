// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { MalformedPatchError, type ShuttleError, UnexpectedError } from "../../protocol/errors.ts"
import { LANE_DEFAULT, LANE_SYNC } from "../../protocol/lanes.ts"
import type { CommitInfo } from "../../protocol/messages.ts"
import { Header } from "../../protocol/opcodes.ts"
import { createCommitRing } from "../../protocol/ring/ring-layout.ts"
import { CommitRingWriter } from "../../protocol/ring/ring-writer.ts"
import { type CommitHost, CommitPipeline } from "../../src/root/commit-pipeline.ts"
import type { CommitStats } from "../../src/root/root-api.ts"

/**
 * CommitPipeline alone, with a fake host (no applier, no worker) and fake frames: the
 * trace of what it does (reset, apply, ack, onCommit, onError), in order.
 */

const info = (lane: number): CommitInfo => ({ lane, messages: 1, updateMs: 0, viewMs: 0, diffMs: 0, encodeMs: 0, slices: 1, interruptions: 0, expired: false })

let nextCommit = 1
/** A buffer that says which commit it is and how many bytes it holds, as a patch list's header does. */
function patch(bytes = 64): ArrayBuffer {
  const buffer = new ArrayBuffer(Math.max(bytes, Header.Size * 4))
  const words = new Uint32Array(buffer)
  words[Header.CommitId] = nextCommit++
  words[Header.ByteLength] = bytes
  return buffer
}

function fakeHost(applyImpl?: (buffer: ArrayBuffer) => number) {
  const trace: string[] = []
  const errors: ShuttleError[] = []
  const commits: CommitStats[] = []
  const host: CommitHost = {
    apply(buffer) {
      const id = applyImpl?.(buffer) ?? new Uint32Array(buffer)[Header.CommitId]
      trace.push(`apply ${id}`)
      return id
    },
    resetView: () => trace.push("reset"),
    ack: (commitId) => trace.push(`ack ${commitId}`),
    arrived: () => undefined,
    ringBroken: (error) => trace.push(`ring broken ${error._tag}`),
    onCommit: (commit) => {
      commits.push(commit)
      trace.push(`onCommit ${commit.commitId}`)
    },
    onError: (error) => {
      errors.push(error)
      trace.push(`error ${error._tag}`)
    }
  }
  return { host, trace, errors, commits }
}

describe("CommitPipeline", () => {
  beforeEach(() => {
    nextCommit = 1
    vi.useFakeTimers({ toFake: ["requestAnimationFrame", "cancelAnimationFrame", "performance", "setTimeout", "clearTimeout"] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it("resets the view right before a worker's first commit, then applies, acknowledges and reports each commit", () => {
    const { host, trace, commits } = fakeHost()
    const pipeline = new CommitPipeline(host, 8)
    pipeline.startWorker(false)
    expect(pipeline.committed).toBe(false)
    pipeline.receive(patch(100), info(LANE_SYNC))
    pipeline.receive(patch(40), info(LANE_SYNC))
    expect(trace).toEqual(["reset", "apply 1", "ack 1", "onCommit 1", "apply 2", "ack 2", "onCommit 2"])
    expect(pipeline.committed).toBe(true)
    expect(pipeline.counters).toMatchObject({ commits: 2, lastPatchBytes: 40, totalPatchBytes: 140, restarts: 0 })
    expect(commits[1]).toMatchObject({ commitId: 2, laneName: "sync", patchBytes: 40, messages: 1 })
    expect(pipeline.lastCommit).toBe(commits[1])
  })

  it("paces non-Sync commits to the next frame and keeps their order; a drain applies them at once", () => {
    const { host, trace } = fakeHost()
    const pipeline = new CommitPipeline(host, 8)
    pipeline.startWorker(false)
    pipeline.receive(patch(), info(LANE_DEFAULT))
    pipeline.receive(patch(), info(LANE_DEFAULT))
    expect(trace).toEqual([])
    expect(pipeline.length).toBe(2)
    vi.advanceTimersToNextFrame()
    expect(trace).toEqual(["reset", "apply 1", "ack 1", "onCommit 1", "apply 2", "ack 2", "onCommit 2"])
    expect(pipeline.length).toBe(0)

    pipeline.receive(patch(), info(LANE_DEFAULT))
    // A Sync commit takes every commit queued before it along, in order.
    pipeline.receive(patch(), info(LANE_SYNC))
    expect(trace.slice(7)).toEqual(["apply 3", "ack 3", "onCommit 3", "apply 4", "ack 4", "onCommit 4"])

    pipeline.receive(patch(), info(LANE_DEFAULT))
    pipeline.drain()
    expect(trace.slice(13)).toEqual(["apply 5", "ack 5", "onCommit 5"])
  })

  it("a restarted worker's first commit resets the view and counts the restart; until it is applied, `committed` is false", () => {
    const { host, trace } = fakeHost()
    const pipeline = new CommitPipeline(host, 8)
    pipeline.startWorker(false)
    pipeline.receive(patch(), info(LANE_SYNC))
    pipeline.startWorker(true)
    expect(pipeline.committed).toBe(false)
    // A new worker numbers its commits from 1 again.
    nextCommit = 1
    pipeline.receive(patch(), info(LANE_DEFAULT))
    expect(pipeline.committed).toBe(false)
    vi.advanceTimersToNextFrame()
    expect(pipeline.committed).toBe(true)
    expect(trace.filter((t) => t === "reset")).toHaveLength(2)
    expect(trace.slice(-4)).toEqual(["reset", "apply 1", "ack 1", "onCommit 1"])
    expect(pipeline.counters.restarts).toBe(1)
  })

  it("a typed error from the applier is reported as it is; the commit is neither acknowledged nor counted", () => {
    const malformed = new MalformedPatchError("bad magic number", 0)
    const { host, trace, errors } = fakeHost(() => {
      throw malformed
    })
    const pipeline = new CommitPipeline(host, 8)
    pipeline.startWorker(false)
    pipeline.receive(patch(), info(LANE_SYNC))
    expect(errors).toEqual([malformed])
    expect(trace).toEqual(["reset", "error MalformedPatchError"])
    expect(pipeline.counters.commits).toBe(0)
  })

  it("an unexpected error while applying is wrapped in an UnexpectedError that keeps it as its cause", () => {
    const bug = new TypeError("cannot read properties of undefined")
    const { host, errors } = fakeHost(() => {
      throw bug
    })
    const pipeline = new CommitPipeline(host, 8)
    pipeline.startWorker(false)
    pipeline.receive(patch(), info(LANE_SYNC))
    expect(errors).toHaveLength(1)
    const error = errors[0]
    expect(error).toBeInstanceOf(UnexpectedError)
    expect(error.cause).toBe(bug)
    expect((error as UnexpectedError).during).toBe("applying a commit")
    expect(error.message).toContain("cannot read properties of undefined")
    expect(error.message).toMatch(/[^.]\.$/)
  })

  it("clear drops queued commits: nothing is applied at the next frame", () => {
    const { host, trace } = fakeHost()
    const pipeline = new CommitPipeline(host, 8)
    pipeline.startWorker(false)
    pipeline.receive(patch(), info(LANE_DEFAULT))
    pipeline.clear()
    vi.advanceTimersToNextFrame()
    expect(trace).toEqual([])
    expect(pipeline.length).toBe(0)
  })
})

/**
 * A discrete event's answer awaited in the commit ring (lane option answerWaitMs): the
 * worker's AnsweredSeq word says when every event so far is answered. Only frames are fake
 * here: the wait reads the real clock.
 */
describe("CommitPipeline: a discrete event's answer, awaited in the ring", () => {
  beforeEach(() => {
    nextCommit = 1
    vi.useFakeTimers({ toFake: ["requestAnimationFrame", "cancelAnimationFrame"] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  /** A pipeline reading a fresh ring, and the worker's end of it. */
  function withRing() {
    const ring = createCommitRing(4096)
    const writer = new CommitRingWriter(ring)
    const { host, trace } = fakeHost()
    const pipeline = new CommitPipeline(host, 8)
    pipeline.startWorker(false, ring)
    /** The worker publishes a Sync commit (lane 0 in the header). */
    const publish = () => {
      const buffer = patch(64)
      writer.tryWrite(new Uint32Array(buffer), 64, new Uint32Array(buffer)[Header.CommitId])
    }
    return { writer, pipeline, trace, publish }
  }

  it("answered: the wait returns at once and the pump right after applies the answer in the same task", () => {
    const { writer, pipeline, trace, publish } = withRing()
    publish()
    writer.answered(1)
    expect(pipeline.awaitAnswer(1, 1000)).toBe(true)
    pipeline.pump()
    // Acknowledged; onCommit waits for the doorbell's stats.
    expect(trace).toEqual(["reset", "apply 1", "ack 1"])
    // A ring commit's ack is in the ring, for the worker to read (no buffer goes back).
    expect(writer.appliedCommit).toBe(1)
  })

  it("not answered within waitMs: false, nothing applied; waitMs 0 never waits", () => {
    const { writer, pipeline, trace } = withRing()
    writer.answered(1)
    expect(pipeline.awaitAnswer(2, 2)).toBe(false)
    expect(pipeline.awaitAnswer(2, 0)).toBe(false)
    expect(pipeline.awaitAnswer(1, 0)).toBe(false)
    expect(trace).toEqual([])
  })

  it("an answer not there yet is polled for at each frame, and the polling stops once the worker says it is answered", () => {
    const { writer, pipeline, trace, publish } = withRing()
    pipeline.expectAnswer(1)
    vi.advanceTimersToNextFrame()
    vi.advanceTimersToNextFrame()
    expect(trace).toEqual([])
    expect(vi.getTimerCount()).toBe(1)
    publish()
    writer.answered(1)
    vi.advanceTimersToNextFrame()
    expect(trace).toEqual(["reset", "apply 1", "ack 1"])
    // No frame asked for any more.
    expect(vi.getTimerCount()).toBe(0)
  })

  it("the first frame after a discrete event waits up to frameWaitMs for its answer; the frames after it do not", () => {
    const { pipeline, trace } = withRing()
    pipeline.expectAnswer(1, 5)
    const started = performance.now()
    vi.advanceTimersToNextFrame()
    // Never answered: the frame gave up after its 5 ms (a lower bound only: the machine may be slow).
    expect(performance.now() - started).toBeGreaterThanOrEqual(5)
    expect(trace).toEqual([])
    const clock = vi.spyOn(performance, "now")
    vi.advanceTimersToNextFrame()
    // Still polling, without a clock read: no wait.
    expect(clock).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(1)
    clock.mockRestore()
  })

  it("a later event that does not wait (a pointermove) keeps an earlier click's frame wait; a new worker drops it", () => {
    const { pipeline } = withRing()
    pipeline.expectAnswer(1, 5)
    pipeline.expectAnswer(2, 0)
    const started = performance.now()
    vi.advanceTimersToNextFrame()
    expect(performance.now() - started).toBeGreaterThanOrEqual(5)
    pipeline.expectAnswer(3, 1000)
    pipeline.startWorker(true, createCommitRing(4096))
    const clock = vi.spyOn(performance, "now")
    vi.advanceTimersToNextFrame()
    // The new worker never answers the old one's events: no wait for them.
    expect(clock).not.toHaveBeenCalled()
    clock.mockRestore()
  })

  it("an answer already in the ring when the frame starts is applied in it without waiting", () => {
    const { writer, pipeline, trace, publish } = withRing()
    pipeline.expectAnswer(1, 1000)
    publish()
    writer.answered(1)
    const clock = vi.spyOn(performance, "now")
    vi.advanceTimersToNextFrame()
    expect(trace).toEqual(["reset", "apply 1", "ack 1"])
    // The apply is timed; nothing else read the clock (no wait).
    expect(clock).toHaveBeenCalledTimes(2)
    clock.mockRestore()
  })

  it("an event answered with no commit (nothing changed) stops the polling too", () => {
    const { writer, pipeline } = withRing()
    pipeline.expectAnswer(1)
    vi.advanceTimersToNextFrame()
    expect(vi.getTimerCount()).toBe(1)
    writer.answered(1)
    vi.advanceTimersToNextFrame()
    expect(vi.getTimerCount()).toBe(0)
  })
})
