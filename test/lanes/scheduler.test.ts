// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { LANE_CONTINUOUS, LANE_DEFAULT, LANE_IDLE, LANE_SYNC, LANE_TRANSITION } from "../../protocol/lanes.ts"
import { h } from "../../workers/h.ts"
import { startAppendHarness } from "../_util/lane-harness.ts"

const start = startAppendHarness

describe("lane scheduler", () => {
  it("renders the highest-priority lane first, with every higher lane's messages", () => {
    const h = start()
    h.scheduler.enqueue("t", LANE_TRANSITION)
    h.scheduler.enqueue("d", LANE_DEFAULT)
    h.scheduler.enqueue("s", LANE_SYNC)
    h.run()
    expect(h.commits.map((c) => [c.lane, c.model])).toEqual([[LANE_SYNC, "s"], [LANE_DEFAULT, "ds"], [LANE_TRANSITION, "tds"]])
  })

  it("keeps dispatch order within a lane and batches a lane into one commit", () => {
    const h = start()
    for (const letter of "abcdef") h.scheduler.enqueue(letter, LANE_DEFAULT)
    h.run()
    expect(h.commits).toHaveLength(1)
    expect(h.commits[0]).toMatchObject({ lane: LANE_DEFAULT, model: "abcdef", messages: 6 })
    expect(h.container.querySelector("#model")!.textContent).toBe("abcdef")
  })

  it("batches 1,000 messages into one commit", () => {
    const h = start()
    for (let i = 0; i < 1000; i++) h.scheduler.enqueue("x", LANE_DEFAULT)
    h.run()
    expect(h.commits).toHaveLength(1)
    expect(h.commits[0].messages).toBe(1000)
  })

  it("slices Transition renders and yields between slices; Sync and Default are never sliced", () => {
    const h = start(300, 1)
    h.scheduler.enqueue("t", LANE_TRANSITION)
    const kinds = h.run()
    expect(kinds.filter((k) => k === "yield").length).toBeGreaterThan(1)
    expect(h.commits).toHaveLength(1)
    expect(h.commits[0].slices).toBe(kinds.filter((k) => k === "yield").length + 1)
    h.scheduler.enqueue("d", LANE_DEFAULT)
    expect(h.run()).toEqual(["commit", "idle"])
  })

  it("interrupts a Transition render for Sync work, commits Sync first, then redoes the Transition on the new model", () => {
    const h = start(300, 1)
    h.scheduler.enqueue("t", LANE_TRANSITION)
    expect(h.step().kind).toBe("yield")
    const before = h.container.innerHTML
    h.scheduler.enqueue("s", LANE_SYNC)
    expect(h.container.innerHTML).toBe(before)
    h.run()
    expect(h.commits.map((c) => [c.lane, c.model])).toEqual([[LANE_SYNC, "s"], [LANE_TRANSITION, "ts"]])
    expect(h.commits[1].interruptions).toBe(1)
    expect(h.container.querySelector("#model")!.textContent).toBe("ts")
  })

  it("renders an expired Transition as Sync: unsliced, not interrupted", () => {
    const h = start(300, 1)
    h.scheduler.enqueue("t", LANE_TRANSITION)
    h.advance(6000)
    const kinds = h.run()
    expect(kinds).toEqual(["commit", "idle"])
    expect(h.commits[0]).toMatchObject({ lane: LANE_TRANSITION, expired: true, slices: 1 })
  })

  it("a Transition under continuous Sync input still commits by its timeout", () => {
    const h = start(300, 1)
    h.scheduler.enqueue("T", LANE_TRANSITION)
    let transitionCommitted = false
    for (let i = 0; i < 10_000 && !transitionCommitted; i++) {
      h.scheduler.enqueue("s", LANE_SYNC)
      h.step()
      h.step()
      h.advance(16)
      transitionCommitted = h.commits.some((c) => c.lane === LANE_TRANSITION)
    }
    expect(transitionCommitted).toBe(true)
    const commit = h.commits.find((c) => c.lane === LANE_TRANSITION)!
    expect(commit.expired).toBe(true)
    expect(h.now).toBeGreaterThanOrEqual(5000)
  })

  it("waits for a frame before rendering Continuous work, then coalesces it into one commit", () => {
    const h = start()
    for (let i = 0; i < 5; i++) h.scheduler.enqueue("m", LANE_CONTINUOUS)
    expect(h.run()).toEqual(["wait-frame"])
    expect(h.commits).toHaveLength(0)
    h.frame()
    h.run()
    expect(h.commits).toHaveLength(1)
    expect(h.commits[0]).toMatchObject({ lane: LANE_CONTINUOUS, messages: 5, model: "mmmmm" })
  })

  it("renders Idle only when nothing else is pending", () => {
    const h = start()
    h.scheduler.enqueue("i", LANE_IDLE)
    h.scheduler.enqueue("d", LANE_DEFAULT)
    h.run()
    expect(h.commits.map((c) => c.lane)).toEqual([LANE_DEFAULT, LANE_IDLE])
    expect(h.scheduler.model).toBe("id")
  })

  it("a flush renders every pending lane at once, unsliced", () => {
    const h = start(300, 1)
    h.scheduler.enqueue("i", LANE_IDLE)
    h.scheduler.enqueue("t", LANE_TRANSITION)
    const kinds = h.run(true)
    expect(kinds).toEqual(["commit", "idle"])
    expect(h.scheduler.model).toBe("it")
  })
})

describe("expiry flag", () => {
  it("a Sync commit is not reported as expired", () => {
    const h = start()
    h.scheduler.enqueue("s", LANE_SYNC)
    h.advance(1000)
    h.run()
    expect(h.commits[0]).toMatchObject({ lane: LANE_SYNC, expired: false })
  })
})

describe("backpressure", () => {
  it("while the main thread is behind, non-Sync work waits and then renders as one batch; Sync still renders", () => {
    const h = start()
    for (const letter of "abc") h.scheduler.enqueue(letter, LANE_DEFAULT)
    expect(h.step(false, true).kind).toBe("wait-credit")
    h.scheduler.enqueue("S", LANE_SYNC)
    expect(h.step(false, true).kind).toBe("commit")
    expect(h.commits[0]).toMatchObject({ lane: LANE_SYNC, model: "S" })
    for (const letter of "de") h.scheduler.enqueue(letter, LANE_DEFAULT)
    expect(h.step(false, true).kind).toBe("wait-credit")
    h.run()
    expect(h.commits).toHaveLength(2)
    expect(h.commits[1]).toMatchObject({ lane: LANE_DEFAULT, model: "abcSde", messages: 5 })
  })

  it("a flush is not held back", () => {
    const h = start()
    h.scheduler.enqueue("a", LANE_DEFAULT)
    expect(h.step(true, true).kind).toBe("commit")
  })
})
