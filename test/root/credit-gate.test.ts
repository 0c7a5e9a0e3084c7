import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { LANE_DEFAULT, LANE_SYNC, LANE_TRANSITION } from "../../protocol/lanes.ts"
import type { CommitInfo } from "../../protocol/messages.ts"
import { CreditGate } from "../../src/root/credit-gate.ts"

/** A commit's stats; `credit`: the id of the credit it spent, if it spent one. */
function info(lane: number, credit?: number): CommitInfo {
  const base = { lane, messages: 1, updateMs: 0, viewMs: 0, diffMs: 0, encodeMs: 0, slices: 1, interruptions: 0, expired: credit === undefined && lane >= LANE_DEFAULT }
  return credit === undefined ? base : { ...base, credit }
}

function setup(quietMs = 100) {
  const grants: number[] = []
  const ids: number[] = []
  let queued = 0
  let seq = 0
  const gate = new CreditGate({
    canApply: () => queued === 0,
    grant: (id, eventSeq) => {
      ids.push(id)
      grants.push(eventSeq)
    },
    eventSeq: () => seq,
    now: () => Date.now()
  }, quietMs)
  return {
    gate,
    grants,
    ids,
    setQueued(n: number) {
      queued = n
    },
    sendEvent() {
      seq++
      gate.inputSent()
    }
  }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe("credit gate", () => {
  it("grants one credit when the page is idle, and no second one until it is spent", () => {
    const t = setup()
    t.gate.offer()
    t.gate.offer()
    expect(t.grants).toEqual([0])
    t.gate.received(info(LANE_SYNC))
    t.gate.offer()
    expect(t.grants).toEqual([0])
    t.gate.received(info(LANE_TRANSITION, 1))
    t.gate.offer()
    expect(t.grants).toEqual([0, 0])
    expect(t.ids).toEqual([1, 2])
  })

  it("a commit that spent an older credit, voided since, does not count as spending the one outstanding", () => {
    const t = setup(100)
    t.gate.offer()
    t.sendEvent()
    vi.advanceTimersByTime(100)
    expect(t.ids).toEqual([1, 2])
    // The worker had spent credit 1 before the keystroke voided it; credit 2 is still held.
    t.gate.received(info(LANE_TRANSITION, 1))
    expect(t.gate.granted).toBe(true)
    t.gate.offer()
    expect(t.ids).toEqual([1, 2])
    t.gate.received(info(LANE_TRANSITION, 2))
    t.gate.offer()
    expect(t.ids).toEqual([1, 2, 3])
  })

  it("offerAfterRender grants from a task queued now (after the frame being made), and not if input came first", () => {
    const t = setup()
    t.gate.offer()
    t.gate.received(info(LANE_TRANSITION, 1))
    // The commit that spent it is applied in a frame callback: no grant in that task.
    t.gate.offerAfterRender()
    expect(t.ids).toEqual([1])
    vi.advanceTimersByTime(0)
    expect(t.ids).toEqual([1, 2])

    // A key handled after the frame, before the queued task: that task finds input not quiet.
    t.gate.received(info(LANE_TRANSITION, 2))
    t.gate.offerAfterRender()
    t.sendEvent()
    vi.advanceTimersByTime(0)
    expect(t.ids).toEqual([1, 2])
    vi.advanceTimersByTime(100)
    expect(t.ids).toEqual([1, 2, 3])
  })

  it("grants nothing while a commit waits to be applied", () => {
    const t = setup()
    t.setQueued(1)
    t.gate.offer()
    expect(t.grants).toEqual([])
    t.setQueued(0)
    t.gate.offer()
    expect(t.grants).toEqual([0])
  })

  it("never grants while the user types; grants once input has been quiet for quietMs, with the last event's number", () => {
    const t = setup(100)
    t.gate.offer()
    expect(t.grants).toEqual([0])
    for (let i = 0; i < 20; i++) {
      t.sendEvent()
      expect(t.gate.granted).toBe(false)
      t.gate.offer()
      vi.advanceTimersByTime(16)
    }
    expect(t.grants).toEqual([0])
    vi.advanceTimersByTime(100)
    expect(t.grants).toEqual([0, 20])
  })

  it("an expired or flushed commit does not spend the credit", () => {
    const t = setup()
    t.gate.offer()
    t.gate.received(info(LANE_DEFAULT))
    expect(t.gate.granted).toBe(true)
  })

  it("a new worker starts without a credit", () => {
    const t = setup()
    t.gate.offer()
    t.gate.reset()
    expect(t.gate.granted).toBe(false)
    t.gate.offer()
    expect(t.grants).toEqual([0, 0])
  })
})
