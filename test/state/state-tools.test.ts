import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { withCommand } from "../../workers/program.ts"
import { type StateHost, StateTools } from "../../workers/runtime/state-tools.ts"

/**
 * The worker's state tools alone, with a fake root: time travel never changes the
 * present, and every point shown is the in-order fold of the messages before it.
 */
type Model = readonly number[]
type Msg = number

/** A pure update that sometimes returns a Command (its effect is never run here), and throws on a negative message. */
const update = (model: Model, msg: Msg) => {
  if (msg < 0) throw new RangeError("negative")
  const next = msg % 5 === 0 ? model.slice(1) : [...model, msg]
  return msg % 3 === 0 ? withCommand<Model, Msg>(next) : next
}
const fold = (model: Model, msgs: readonly Msg[]): Model =>
  msgs.reduce<Model>((m, msg) => {
    const next = update(m, msg)
    return Array.isArray(next) ? next : (next as { model: Model }).model
  }, model)

function fakeRoot(historyBytes: number) {
  let present: Model = []
  let shown: Model = present
  let settledCount = 0
  const calls = { replaced: 0, aside: 0, present: 0 }
  const host: StateHost<Model, Msg> = {
    checks: undefined,
    update,
    messagesSettled: () => settledCount,
    baseModel: () => present,
    replaceModel: (model) => {
      calls.replaced++
      present = model
      shown = model
    },
    showAside: (model) => {
      calls.aside++
      shown = model
    },
    showPresent: () => {
      calls.present++
      shown = present
    },
  }
  const tools = new StateTools(host, historyBytes)
  tools.begin(present)
  /** Messages settle as the update queue settles them: in batches, with the base after them. */
  const settle = (msgs: readonly Msg[]) => {
    present = fold(present, msgs)
    settledCount += msgs.length
    tools.settledInto(msgs, msgs.map(() => 2), msgs.map((_, i) => i), present, 0.01 * msgs.length)
  }
  return { tools, settle, calls, get present() { return present }, get shown() { return shown } }
}

describe("StateTools", () => {
  it("property: jumping to any held point shows the fold up to it; resuming shows the present, which travel never changed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 10 }),
        fc.constantFrom(2_048, 1 << 20),
        (batches, jumps, historyBytes) => {
          const root = fakeRoot(historyBytes)
          const all: Msg[] = []
          for (const batch of batches) {
            root.settle(batch)
            all.push(...batch)
          }
          const present = root.present
          const info = root.tools.answer({ op: "info" }) as { start: number; end: number; traveling: number | null }
          expect(info.end).toBe(all.length)
          for (const pick of jumps) {
            const index = info.start - 1 + (pick % (info.end - info.start + 1))
            root.tools.answer({ op: "jump", index })
            expect(root.shown).toEqual(fold([], all.slice(0, index + 1)))
            expect(root.tools.traveling).toBe(true)
          }
          root.tools.answer({ op: "resume" })
          expect(root.tools.traveling).toBe(false)
          expect(root.present).toBe(present)
          expect(root.shown).toBe(present)
          expect(root.calls.replaced).toBe(0)
        }
      ),
      { numRuns: Number(process.env.STATE_TOOLS_RUNS ?? 1000), seed: Number(process.env.STATE_TOOLS_SEED ?? 20261130) }
    )
  })

  it("a jump outside the held range is refused with HistoryUnavailable, naming the range", () => {
    const root = fakeRoot(1 << 20)
    root.settle([1, 2, 3])
    expect(() => root.tools.answer({ op: "jump", index: 7 })).toThrow(expect.objectContaining({ kind: "HistoryUnavailable", message: expect.stringContaining("0…2") }))
    expect(root.tools.traveling).toBe(false)
  })

  it("import refuses a history whose messages the update throws on, leaving the root as it was", () => {
    const root = fakeRoot(1 << 20)
    root.settle([1, 2])
    const file = root.tools.answer({ op: "export" }) as { msgs: unknown[] }
    expect(() => root.tools.answer({ op: "import", file: { ...file, msgs: [1, -1], lanes: [2, 2], times: [0, 0] } })).toThrow(expect.objectContaining({ kind: "HistoryIncompatible" }))
    expect(root.present).toEqual([1, 2])
    expect(root.calls.replaced).toBe(0)
  })
})
