import { describe, expect, it } from "vitest"
import { LANE_DEFAULT, LANE_SYNC, LANE_TRANSITION } from "../../protocol/lanes.ts"
import { UpdateReturnedUndefinedError } from "../../workers/errors.ts"
import { withCommand } from "../../workers/program.ts"
import { UpdateQueue } from "../../workers/runtime/update-queue.ts"

/**
 * The update queue rejects a message whose `update` returned undefined (a missing case)
 * as it does one whose update threw: the model before it is kept, the messages after it
 * still fold, and it is rejected for good (not folded again at a later lane).
 */
type Msg = { readonly type: "add"; readonly by: number } | { readonly type: "incc" } | { readonly type: "later" }

const update = (n: number, msg: Msg): unknown => {
  switch (msg.type) {
    case "add":
      return n + msg.by
    case "later":
      return withCommand(undefined, { _tag: "an effect" } as never)
  }
  return undefined
}

describe("UpdateQueue and an update that returns undefined", () => {
  it("rejects the message with UpdateReturnedUndefinedError naming it; the model is kept and the next messages fold", () => {
    const queue = new UpdateQueue<number, Msg>(0, update)
    queue.push({ type: "add", by: 1 }, LANE_DEFAULT, 0)
    queue.push({ type: "incc" }, LANE_DEFAULT, 0)
    queue.push({ type: "add", by: 2 }, LANE_DEFAULT, 0)
    const fold = queue.fold(LANE_DEFAULT)
    expect(fold.model).toBe(3)
    expect(fold.included).toBe(2)
    expect(fold.errors).toHaveLength(1)
    const error = fold.errors[0] as UpdateReturnedUndefinedError
    expect(error).toBeInstanceOf(UpdateReturnedUndefinedError)
    expect(error.msg).toEqual({ type: "incc" })
    expect(error.message).toBe('update returned undefined for message {"type":"incc"}: return the model (or withCommand(model, …)) from every case.')
    queue.commit(fold)
    expect(queue.baseModel).toBe(3)
    expect(queue.length).toBe(0)
  })

  it("withCommand(undefined, …) is rejected too, and its commands do not run", () => {
    const queue = new UpdateQueue<number, Msg>(5, update)
    queue.push({ type: "later" }, LANE_SYNC, 0)
    const fold = queue.fold(LANE_SYNC)
    expect(fold.model).toBe(5)
    expect(fold.commands).toEqual([])
    expect(fold.errors[0]).toBeInstanceOf(UpdateReturnedUndefinedError)
  })

  it("a rejected message is rejected for good: a later fold at a lower lane does not report it again", () => {
    const queue = new UpdateQueue<number, Msg>(0, update)
    queue.push({ type: "incc" }, LANE_SYNC, 0)
    queue.push({ type: "add", by: 4 }, LANE_TRANSITION, 0)
    const urgent = queue.fold(LANE_SYNC)
    expect(urgent.errors).toHaveLength(1)
    queue.commit(urgent)
    const later = queue.fold(LANE_TRANSITION)
    expect(later.errors).toEqual([])
    expect(later.model).toBe(4)
  })

  it("wake-ups (undefined entries) are not messages: they never count as an update returning undefined", () => {
    const queue = new UpdateQueue<number, Msg>(1, update)
    queue.push(undefined as unknown as Msg, LANE_SYNC, 0)
    const fold = queue.fold(LANE_SYNC)
    expect(fold.errors).toEqual([])
    expect(fold.model).toBe(1)
  })
})
