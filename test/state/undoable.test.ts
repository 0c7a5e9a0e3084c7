// @vitest-environment happy-dom
import * as Effect from "effect/Effect"
import fc from "fast-check"
import { describe, expect, expectTypeOf, it } from "vitest"
import { InvalidOptionError } from "../../protocol/errors.ts"
import { UpdateReturnedUndefinedError } from "../../workers/errors.ts"
import { h } from "../../workers/h.ts"
import { type Command, isCommand, type Program, withCommand } from "../../workers/program.ts"
import {
  canRedo,
  canUndo,
  clearHistory,
  initUndoable,
  redo,
  undo,
  type Undoable,
  undoable,
  type UndoMsg,
  type UndoOptions
} from "../../workers/state/undoable.ts"
import { useRoots } from "../_util/harness.ts"

/**
 * undoable (workers/state/undoable.ts) against a reference timeline: after every message,
 * undo, redo, clear or structured-clone snapshot, the wrapped model's past, present and
 * future equal the reference's; n undos after a run of messages give the model from before
 * the last n steps, and n redos give back the very same present; the history never holds
 * more than `limit` models; bursts merge by the fake clock.
 *
 *   SHUTTLE_FC_RUNS=5000 SHUTTLE_FC_SEED=… npx vitest run test/state/undoable.test.ts
 */
const RUNS = Number(process.env.SHUTTLE_FC_RUNS ?? 1000)
const SEED = Number(process.env.SHUTTLE_FC_SEED ?? 0x5e7d0)

type Model = { readonly text: string; readonly count: number; readonly hover: number }
type Msg =
  | { readonly type: "typed"; readonly ch: string }
  | { readonly type: "inc" }
  | { readonly type: "noop" }
  | { readonly type: "hover"; readonly at: number }

const INIT: Model = { text: "", count: 0, hover: 0 }

function update(model: Model, msg: Msg): Model {
  switch (msg.type) {
    case "typed": return { ...model, text: model.text + msg.ch }
    case "inc": return { ...model, count: model.count + 1 }
    case "noop": return model
    case "hover": return model.hover === msg.at ? model : { ...model, hover: msg.at }
  }
}

const BURST_MS = 1000
const mergeTyping = (previous: Msg, next: Msg, ms: number) => previous.type === "typed" && next.type === "typed" && ms < BURST_MS
const ignoreHover = (msg: Msg) => msg.type === "hover"

type Config = { readonly limit: number; readonly merge: boolean; readonly ignore: boolean }
type Timed = { readonly msg: Msg; readonly gap: number }
type Action = { readonly kind: "msg"; readonly timed: Timed } | { readonly kind: "undo" | "redo" | "clear" | "snapshot" }

const msgArb: fc.Arbitrary<Msg> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: fc.constant("typed" as const), ch: fc.constantFrom("a", "b", "c") }) },
  { weight: 2, arbitrary: fc.constant({ type: "inc" as const }) },
  { weight: 1, arbitrary: fc.constant({ type: "noop" as const }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("hover" as const), at: fc.integer({ min: 0, max: 2 }) }) }
)
// Around the burst window, so that both sides of it come up often.
const timedArb: fc.Arbitrary<Timed> = fc.record({ msg: msgArb, gap: fc.oneof(fc.integer({ min: 0, max: BURST_MS - 1 }), fc.integer({ min: BURST_MS - 1, max: 3 * BURST_MS })) })
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant("msg" as const), timed: timedArb }) },
  { weight: 3, arbitrary: fc.constant({ kind: "undo" as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: "redo" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "clear" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "snapshot" as const }) }
)
const configArb: fc.Arbitrary<Config> = fc.record({
  limit: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.constant(Infinity) }),
  merge: fc.boolean(),
  ignore: fc.boolean()
})

/** The wrapped update for a config, on a fake clock the test moves. */
function setUp(config: Config) {
  const clock = { now: 0 }
  const options: UndoOptions<Msg> = {
    limit: config.limit,
    now: () => clock.now,
    ...(config.merge ? { merge: mergeTyping } : {}),
    ...(config.ignore ? { ignore: ignoreHover } : {})
  }
  return { clock, step: undoable(update, options) }
}

/** The wrapped update's result when the app's update returns no command. */
function plain<M, G>(result: Undoable<M> | Command<Undoable<M>, G>): Undoable<M> {
  if (isCommand(result)) throw new Error("a command where none was returned")
  return result
}

/**
 * The reference: the whole timeline as one list and an index, folded with the plain
 * update. It decides steps by the documented rules, independently of how undoable stores them.
 */
class Timeline {
  states: Model[] = [INIT]
  index = 0
  last: { readonly msg: Msg; readonly time: number } | null = null
  readonly config: Config
  constructor(config: Config) {
    this.config = config
  }

  /** Whether the model changes; `started` is whether a new step began. */
  message(msg: Msg, time: number): { changed: boolean; started: boolean } {
    const next = update(this.states[this.index], msg)
    if (next === this.states[this.index]) return { changed: false, started: false }
    if (this.config.ignore && ignoreHover(msg)) {
      this.states[this.index] = next
      return { changed: true, started: false }
    }
    const merged = this.config.merge && this.last !== null && mergeTyping(this.last.msg, msg, time - this.last.time)
    this.last = this.config.merge ? { msg, time } : null
    this.states.length = this.index + 1
    if (merged) {
      this.states[this.index] = next
      return { changed: true, started: false }
    }
    this.states.push(next)
    this.index++
    while (this.states.length - 1 > this.config.limit) {
      this.states.shift()
      this.index--
    }
    return { changed: true, started: true }
  }

  undo(): boolean {
    if (this.index === 0) return false
    this.index--
    this.last = null
    return true
  }

  redo(): boolean {
    if (this.index === this.states.length - 1) return false
    this.index++
    this.last = null
    return true
  }

  clear(): boolean {
    if (this.states.length === 1 && this.last === null) return false
    this.states = [this.states[this.index]]
    this.index = 0
    this.last = null
    return true
  }
}

describe("undoable: properties", () => {
  it(`every message, undo, redo, clear and snapshot agrees with the reference timeline; the history never exceeds limit (seed ${SEED}, ${RUNS} runs)`, () => {
    // The generated cases must reach the interesting paths, or the property proves little.
    const seen = { merged: 0, dropped: 0, ignored: 0, undoAtStart: 0, redoAtEnd: 0, redone: 0, snapshots: 0, unbounded: 0 }
    fc.assert(
      fc.property(configArb, fc.array(actionArb, { minLength: 1, maxLength: 60 }), (config, actions) => {
        const { clock, step } = setUp(config)
        const reference = new Timeline(config)
        let model = initUndoable(INIT)
        if (config.limit === Infinity) seen.unbounded++
        for (const action of actions) {
          let next: Undoable<Model>
          let changed: boolean
          switch (action.kind) {
            case "msg": {
              clock.now += action.timed.gap
              const before = reference.states.length
              const outcome = reference.message(action.timed.msg, clock.now)
              if (outcome.changed && !outcome.started) {
                if (config.ignore && action.timed.msg.type === "hover") seen.ignored++
                else seen.merged++
              }
              if (outcome.started && reference.states.length <= before) seen.dropped++
              changed = outcome.changed
              next = plain(step(model, action.timed.msg))
              break
            }
            case "undo":
              changed = reference.undo()
              if (!changed) seen.undoAtStart++
              next = plain(step(model, undo))
              break
            case "redo":
              changed = reference.redo()
              if (changed) seen.redone++
              else seen.redoAtEnd++
              next = plain(step(model, redo))
              break
            case "clear":
              changed = reference.clear()
              next = plain(step(model, clearHistory))
              break
            case "snapshot":
              // What crash recovery does to the model: a structured clone, then the same messages.
              seen.snapshots++
              changed = true
              next = structuredClone(model)
              break
          }
          if (changed) expect(next).not.toBe(model)
          else expect(next, `${action.kind} changed nothing, so the same object comes back`).toBe(model)
          model = next
          expect(model.present).toEqual(reference.states[reference.index])
          expect(model.past).toEqual(reference.states.slice(0, reference.index))
          expect(model.future).toEqual(reference.states.slice(reference.index + 1))
          expect(model.past.length + model.future.length).toBeLessThanOrEqual(config.limit)
          expect(canUndo(model)).toBe(reference.index > 0)
          expect(canRedo(model)).toBe(reference.index < reference.states.length - 1)
        }
      }),
      { seed: SEED, numRuns: RUNS }
    )
    for (const [path, count] of Object.entries(seen)) expect(count, `no generated case reached ${path}`).toBeGreaterThan(0)
  })

  it(`messages, then n undos, then n redos: undo i restores the model from before the last i steps, redo n gives back the very same present (seed ${SEED}, ${RUNS} runs)`, () => {
    let fullUndos = 0
    fc.assert(
      fc.property(configArb, fc.array(timedArb, { maxLength: 40 }), fc.nat(), (config, messages, pick) => {
        const { clock, step } = setUp(config)
        const reference = new Timeline(config)
        let model = initUndoable(INIT)
        // The wrapped present just before each step began: what each undo must return, by reference.
        const beforeStep: Model[] = []
        for (const { msg, gap } of messages) {
          clock.now += gap
          if (reference.message(msg, clock.now).started) beforeStep.push(model.present)
          model = plain(step(model, msg))
        }
        const steps = beforeStep.length
        const available = Math.min(steps, config.limit)
        expect(model.past.length).toBe(available)
        const n = pick % (available + 1)
        if (n === available) fullUndos++
        const end = model
        for (let i = 1; i <= n; i++) {
          model = plain(step(model, undo))
          expect(model.present, `undo ${i} of ${n}`).toBe(beforeStep[steps - i])
        }
        if (n === available) expect(plain(step(model, undo)), "nothing left to undo").toBe(model)
        for (let i = 1; i <= n; i++) {
          model = plain(step(model, redo))
          expect(model.present, `redo ${i} of ${n}`).toBe(i === n ? end.present : beforeStep[steps - n + i])
        }
        expect(model.present).toBe(end.present)
        expect(model.past).toEqual(end.past)
        expect(model.future).toEqual([])
        expect(plain(step(model, redo)), "nothing left to redo").toBe(model)
      }),
      { seed: SEED + 1, numRuns: RUNS }
    )
    expect(fullUndos).toBeGreaterThan(0)
  })
})

describe("undoable: steps", () => {
  const typed = (ch: string): Msg => ({ type: "typed", ch })

  function typing(times: readonly number[], limit = 100) {
    const clock = { now: 0 }
    const step = undoable(update, { limit, merge: mergeTyping, now: () => clock.now })
    let model = initUndoable(INIT)
    times.forEach((time, i) => {
      clock.now = time
      model = plain(step(model, typed("abcdefgh"[i])))
    })
    return { model, step }
  }

  it("a burst of typing is one step; the window runs from the previous message, not the first", () => {
    const { model, step } = typing([0, 900, 1800, 2700])
    expect(model.present.text).toBe("abcd")
    expect(model.past.map((m) => m.text)).toEqual([""])
    expect(plain(step(model, undo)).present.text).toBe("")
  })

  it("a pause as long as the window starts a new step", () => {
    const { model, step } = typing([0, 300, 1300, 1400])
    expect(model.past.map((m) => m.text)).toEqual(["", "ab"])
    expect(plain(step(model, undo)).present.text).toBe("ab")
  })

  it("a message that merge refuses ends the burst; so does an undo", () => {
    const clock = { now: 0 }
    const step = undoable(update, { merge: mergeTyping, now: () => clock.now })
    let model = initUndoable(INIT)
    for (const msg of [typed("a"), typed("b"), { type: "inc" } as const, typed("c"), typed("d")]) model = plain(step(model, msg))
    expect(model.past.map((m) => [m.text, m.count])).toEqual([["", 0], ["ab", 0], ["ab", 1]])
    model = plain(step(plain(step(model, undo)), typed("x")))
    expect(model.past.map((m) => [m.text, m.count])).toEqual([["", 0], ["ab", 0], ["ab", 1]])
    expect(model.present.text).toBe("abx")
  })

  it("the clock is read only when merge is given", () => {
    let reads = 0
    const step = undoable(update, { now: () => reads++ })
    const model = plain(step(initUndoable(INIT), typed("a")))
    expect(reads).toBe(0)
    expect(model.last).toBeNull()
  })

  it("ignore: the present changes, the history does not, and a burst goes on across it", () => {
    const clock = { now: 0 }
    const step = undoable(update, { merge: mergeTyping, ignore: ignoreHover, now: () => clock.now })
    let model = plain(step(initUndoable(INIT), typed("a")))
    const past = model.past
    model = plain(step(model, { type: "hover", at: 2 }))
    expect(model.present).toEqual({ text: "a", count: 0, hover: 2 })
    expect(model.past).toBe(past)
    clock.now = 500
    model = plain(step(model, typed("b")))
    expect(model.past).toEqual([INIT])
    // An ignored message that changes nothing returns the same object, as any other.
    expect(step(model, { type: "hover", at: 2 })).toBe(model)
  })

  it("ignore keeps the future: redo still works after a hover", () => {
    const step = undoable(update, { ignore: ignoreHover })
    let model = plain(step(initUndoable(INIT), { type: "inc" }))
    model = plain(step(model, undo))
    model = plain(step(model, { type: "hover", at: 1 }))
    expect(canRedo(model)).toBe(true)
    expect(plain(step(model, redo)).present).toEqual({ text: "", count: 1, hover: 0 })
  })

  it("limit: the oldest steps go first; limit 0 keeps no history; Infinity keeps all", () => {
    for (const [limit, kept] of [[3, ["bb", "bbb", "bbbb"]], [0, []], [Infinity, ["", "b", "bb", "bbb", "bbbb"]]] as const) {
      const step = undoable(update, { limit })
      let model = initUndoable(INIT)
      for (let i = 0; i < 5; i++) model = plain(step(model, typed("b")))
      expect(model.past.map((m) => m.text), `limit ${limit}`).toEqual(kept)
      expect(model.present.text).toBe("bbbbb")
    }
  })

  it("a new step clears the future", () => {
    const step = undoable(update)
    let model = initUndoable(INIT)
    for (const ch of "abc") model = plain(step(model, typed(ch)))
    model = plain(step(plain(step(model, undo)), undo))
    expect(model.future.map((m) => m.text)).toEqual(["ab", "abc"])
    model = plain(step(model, { type: "inc" }))
    expect(model.future).toEqual([])
    expect(canRedo(model)).toBe(false)
  })

  it("undo, redo and clearHistory with nothing to do return the same object; undo and redo are recognised by type, as after a structured clone", () => {
    const step = undoable(update)
    const init = initUndoable(INIT)
    expect(step(init, undo)).toBe(init)
    expect(step(init, redo)).toBe(init)
    expect(step(init, clearHistory)).toBe(init)
    const model = plain(step(init, typed("a")))
    expect(plain(step(model, structuredClone(undo))).present).toBe(INIT)
    const cleared = plain(step(model, clearHistory))
    expect(cleared.present).toBe(model.present)
    expect(canUndo(cleared)).toBe(false)
    expect(step(cleared, clearHistory)).toBe(cleared)
  })

  it("a model that is an array is kept as one model, not spread into the history", () => {
    const step = undoable((list: readonly number[], n: number): readonly number[] => [...list, n])
    let model = initUndoable<readonly number[]>([])
    model = plain(step(plain(step(model, 1)), 2))
    expect(model.past).toEqual([[], [1]])
    expect(plain(step(model, undo)).present).toEqual([1])
  })
})

describe("undoable: commands and errors", () => {
  type CmdMsg = { readonly type: "save" } | { readonly type: "saved" } | { readonly type: "touch" }
  const saved = Effect.succeed({ type: "saved" } as const)
  const step = undoable((model: number, msg: CmdMsg): number | Command<number, CmdMsg> => {
    switch (msg.type) {
      case "save": return withCommand(model + 1, saved)
      case "touch": return withCommand(model, saved)
      case "saved": return model
    }
  })

  it("a command's effects pass through, with the wrapped model", () => {
    const model = initUndoable(0)
    const result = step(model, { type: "save" })
    expect(isCommand(result)).toBe(true)
    const command = result as Command<Undoable<number>, CmdMsg>
    expect(command.model.present).toBe(1)
    expect(command.model.past).toEqual([0])
    expect(command.effects).toHaveLength(1)
    expect(command.effects[0]).toBe(saved)
    expect(Effect.runSync(command.effects[0])).toEqual({ type: "saved" })
  })

  it("a command that leaves the model as it was keeps the same wrapped model; undo and redo run no command", () => {
    const model = initUndoable(0)
    const touched = step(model, { type: "touch" }) as Command<Undoable<number>, CmdMsg>
    expect(isCommand(touched)).toBe(true)
    expect(touched.model).toBe(model)
    const after = (step(model, { type: "save" }) as Command<Undoable<number>, CmdMsg>).model
    const undone = step(after, undo)
    expect(isCommand(undone)).toBe(false)
    expect((undone as Undoable<number>).present).toBe(0)
    expect(isCommand(step(undone as Undoable<number>, redo))).toBe(false)
  })

  it("an update that returns undefined throws UpdateReturnedUndefinedError (as the runtime would report it), not a model of undefined", () => {
    const broken = undoable((_model: number, _msg: "x") => undefined as unknown as number)
    expect(() => broken(initUndoable(0), "x")).toThrow(UpdateReturnedUndefinedError)
    const brokenCommand = undoable((_model: number, _msg: "x") => withCommand<number, "x">(undefined as unknown as number))
    expect(() => brokenCommand(initUndoable(0), "x")).toThrow(UpdateReturnedUndefinedError)
  })

  it("a limit that is not a whole number ≥ 0 or Infinity is refused when the update is wrapped", () => {
    for (const limit of [-1, 1.5, Number.NaN, -Infinity]) expect(() => undoable(update, { limit }), String(limit)).toThrow(InvalidOptionError)
    expect(() => undoable(update, { limit: Infinity })).not.toThrow()
  })
})

describe("undoable: types", () => {
  it("the wrapped update is a Program's update over Undoable<Model> and Msg | UndoMsg", () => {
    const program: Program<Undoable<Model>, Msg | UndoMsg> = {
      init: initUndoable(INIT),
      update: undoable(update, { merge: (previous, next) => previous.type === next.type }),
      view: (model) =>
        h<Msg | UndoMsg>("main", null,
          h<Msg | UndoMsg>("button", { onClick: undo, disabled: !canUndo(model) }, "Undo"),
          h<Msg | UndoMsg>("button", { onClick: redo, disabled: !canRedo(model) }, "Redo"),
          h<Msg | UndoMsg>("p", null, model.present.text))
    }
    expectTypeOf(program.update).parameter(1).toEqualTypeOf<Msg | UndoMsg>()
    expectTypeOf(undoable(update)).returns.toEqualTypeOf<Undoable<Model> | Command<Undoable<Model>, Msg, never>>()
    // Checked by tsc, never run.
    const refused = () => {
      // @ts-expect-error: merge gets the app's messages, which have no `kind`
      undoable(update, { merge: (previous) => previous.kind === 1 })
      // @ts-expect-error: a message that is neither the app's nor an UndoMsg
      undoable(update)(initUndoable(INIT), { type: "shuttle/undo-all" })
      // @ts-expect-error: the view's model is the Undoable, not the app's model
      const wrong: Program<Undoable<Model>, Msg | UndoMsg> = { ...program, view: (model: Model) => model.text }
      return wrong
    }
    expect(refused).toBeTypeOf("function")
  })
})

describe("undoable: in a running program", () => {
  const { mount } = useRoots()

  it("the Undo and Redo buttons step the DOM back and forth and are disabled at the ends", async () => {
    const { container, root } = mount<Undoable<Model>, Msg | UndoMsg, never>({
      init: initUndoable(INIT),
      update: undoable(update),
      view: (model) =>
        h<Msg | UndoMsg>("main", null,
          h<Msg | UndoMsg>("button", { id: "undo", onClick: undo, disabled: !canUndo(model) }, "Undo"),
          h<Msg | UndoMsg>("button", { id: "redo", onClick: redo, disabled: !canRedo(model) }, "Redo"),
          h<Msg | UndoMsg>("button", { id: "inc", onClick: { type: "inc" } }, "+"),
          h<Msg | UndoMsg>("output", null, String(model.present.count)))
    })
    await root.flush()
    const button = (id: string) => container.querySelector(`#${id}`) as HTMLButtonElement
    const shown = () => [container.querySelector("output")!.textContent, button("undo").disabled, button("redo").disabled]
    expect(shown()).toEqual(["0", true, true])
    button("inc").click()
    button("inc").click()
    await root.flush()
    expect(shown()).toEqual(["2", false, true])
    button("undo").click()
    await root.flush()
    expect(shown()).toEqual(["1", false, false])
    button("undo").click()
    await root.flush()
    expect(shown()).toEqual(["0", true, false])
    button("redo").click()
    await root.flush()
    expect(shown()).toEqual(["1", false, false])
  })
})
