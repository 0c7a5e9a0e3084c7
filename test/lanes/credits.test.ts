// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { LANE_CONTINUOUS, LANE_DEFAULT, LANE_IDLE, LANE_SYNC, LANE_TRANSITION } from "../../protocol/lanes.ts"
import { startAppendHarness } from "../_util/lane-harness.ts"

/**
 * Non-urgent commits are pulled: Default, Transition and Idle renders wait for the page's
 * credit (the scheduler's `withoutCredit` flag), Sync and Continuous ones do not, and a
 * render that loses its credit half-way is thrown away, never committed.
 */
const start = startAppendHarness

const NO_CREDIT = true

describe("credits", () => {
  it("without a credit, Default, Transition and Idle work waits; Sync and Continuous still render", () => {
    for (const lane of [LANE_DEFAULT, LANE_TRANSITION, LANE_IDLE]) {
      const h = start()
      h.scheduler.enqueue("x", lane)
      expect(h.step(false, NO_CREDIT).kind).toBe("wait-credit")
      expect(h.commits).toHaveLength(0)
    }
    const h = start()
    h.scheduler.enqueue("s", LANE_SYNC)
    expect(h.step(false, NO_CREDIT).kind).toBe("commit")
    h.frame()
    h.scheduler.enqueue("c", LANE_CONTINUOUS)
    expect(h.step(false, NO_CREDIT).kind).toBe("commit")
    expect(h.commits.map((c) => c.lane)).toEqual([LANE_SYNC, LANE_CONTINUOUS])
  })

  it("messages that waited for a credit render as one batch when it comes", () => {
    const h = start()
    for (const letter of "abc") h.scheduler.enqueue(letter, LANE_DEFAULT)
    expect(h.step(false, NO_CREDIT).kind).toBe("wait-credit")
    for (const letter of "de") h.scheduler.enqueue(letter, LANE_DEFAULT)
    expect(h.step(false, NO_CREDIT).kind).toBe("wait-credit")
    expect(h.step(false, false).kind).toBe("commit")
    expect(h.commits).toEqual([expect.objectContaining({ lane: LANE_DEFAULT, model: "abcde", messages: 5 })])
  })

  it("a sliced Transition render that loses its credit between slices is thrown away, not committed half-done", () => {
    // 1 ms per clock read and 500 rows: the render takes many 5 ms slices.
    const h = start(500, 1)
    h.scheduler.enqueue("t", LANE_TRANSITION)
    expect(h.step(false, false).kind).toBe("yield")
    const before = h.container.innerHTML
    // The user typed: the page's credit is void. The render in progress must not commit.
    expect(h.step(false, NO_CREDIT).kind).toBe("wait-credit")
    expect(h.commits).toHaveLength(0)
    expect(h.container.innerHTML).toBe(before)
    // Credit again: rendered anew, whole, with the interruption counted.
    let kind = h.step(false, false).kind
    while (kind === "yield") kind = h.step(false, false).kind
    expect(kind).toBe("commit")
    expect(h.commits).toEqual([expect.objectContaining({ lane: LANE_TRANSITION, model: "t", interruptions: 1 })])
    expect(h.container.querySelectorAll("li")).toHaveLength(500)
    for (const li of h.container.querySelectorAll("li")) expect(li.textContent).toBe("t")
  })

  it("an expired lane renders without a credit (a Transition shows within its timeout however long the user types)", () => {
    const h = start()
    h.scheduler.enqueue("t", LANE_TRANSITION)
    expect(h.step(false, NO_CREDIT).kind).toBe("wait-credit")
    h.advance(5001)
    expect(h.step(false, NO_CREDIT).kind).toBe("commit")
    expect(h.commits).toEqual([expect.objectContaining({ lane: LANE_TRANSITION, model: "t", expired: true })])
  })

  it("a flush renders everything without a credit", () => {
    const h = start()
    h.scheduler.enqueue("t", LANE_TRANSITION)
    h.scheduler.enqueue("d", LANE_DEFAULT)
    expect(h.step(true, NO_CREDIT).kind).toBe("commit")
    expect(h.scheduler.model).toBe("td")
  })
})
