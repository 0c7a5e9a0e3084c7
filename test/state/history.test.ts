import fc from "fast-check"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { describe, expect, it } from "vitest"
import { InvalidOptionError } from "../../protocol/errors.ts"
import { withCommand } from "../../workers/program.ts"
import { estimateBytes, MessageHistory } from "../../workers/state/history.ts"

/**
 * The time-travel history (workers/state/history.ts) against a live fold: every model it
 * gives back equals the model the messages folded into when they were first folded, under
 * any batching, any measured cost, and any byte cap (which drops from the front).
 *
 *   HISTORY_RUNS=20000 HISTORY_SEED=… npx vitest run test/state/history.test.ts
 */
const RUNS = Number(process.env.HISTORY_RUNS ?? 1_000)
const SEED = Number(process.env.HISTORY_SEED ?? 0x5107)

// ---- a model with structural sharing, and its messages -----------------------------------

interface Item {
  readonly s: string
  readonly next: Item | null
}
interface Model {
  readonly count: number
  readonly items: Item | null
  readonly tag: string
}
type Msg =
  | { readonly t: "add"; readonly n: number }
  | { readonly t: "push"; readonly s: string }
  | { readonly t: "tag"; readonly s: string }
  | { readonly t: "noop" }

const INITIAL: Model = { count: 0, items: null, tag: "" }

function pure(model: Model, msg: Msg): Model {
  switch (msg.t) {
    case "add":
      return { ...model, count: model.count + msg.n }
    case "push":
      return { ...model, items: { s: msg.s, next: model.items } }
    case "tag":
      return { ...model, tag: msg.s }
    case "noop":
      return model
  }
}

/** An effect that fails the test if anything so much as reads it: the history must never run one. */
const TRAP = new Proxy(
  {},
  {
    get() {
      throw new Error("the history touched a command's effect")
    }
  }
) as never

/** The same fold, but every message that changes the model returns a Command. */
function commanding(model: Model, msg: Msg) {
  const next = pure(model, msg)
  return next === model ? model : withCommand<Model, Msg>(next, TRAP)
}

function sameModel(a: Model, b: Model): boolean {
  if (a.count !== b.count || a.tag !== b.tag) return false
  let x = a.items
  let y = b.items
  while (x !== null && y !== null) {
    if (x.s !== y.s) return false
    x = x.next
    y = y.next
  }
  return x === y
}

const show = (model: Model): string => {
  const items: string[] = []
  for (let item = model.items; item !== null; item = item.next) items.push(item.s)
  return JSON.stringify({ count: model.count, tag: model.tag, items })
}

const msgs = fc.oneof(
  fc.record({ t: fc.constant("add" as const), n: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ t: fc.constant("push" as const), s: fc.string({ maxLength: 12 }) }),
  fc.record({ t: fc.constant("tag" as const), s: fc.string({ maxLength: 40 }) }),
  fc.constant({ t: "noop" as const })
)

const cases = fc.record({
  msgs: fc.array(msgs, { maxLength: 80, size: "max" }),
  /** Batch sizes, used in turn. */
  batches: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 20 }),
  /** Measured update cost per batch, used in turn. */
  costs: fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 1, maxLength: 20 }),
  replayBudgetMs: fc.double({ min: 0.5, max: 6, noNaN: true }),
  /** undefined: the default cap (8 MiB, never reached here); else small enough to drop. */
  maxBytes: fc.option(fc.integer({ min: 0, max: 4_000 }), { nil: undefined, freq: 2 }),
  commands: fc.boolean()
})

/** Bytes the held messages must account for at least: each message's estimate and its slots. */
function heldMessageBytes(history: MessageHistory<Model, Msg>): number {
  let bytes = 0
  for (let i = history.start; i < history.end; i++) bytes += 24 + estimateBytes(history.entry(i).msg)
  return bytes
}

/**
 * What a keyframe is charged, computed independently of the history: the objects reachable
 * from `model` and not from `previous` (the keyframe before it), as estimateBytes counts
 * them, plus 8 bytes for each reference from one of them to an object `previous` holds.
 * (The history skips the objects its walk of the previous keyframe met, not all those
 * reachable, so it may count more; for these models, whose new objects only point to the
 * previous model's top objects, the two agree.)
 */
function referenceCharge(model: unknown, previous: unknown): number {
  const held = new Set<object>()
  const mark = (value: unknown): void => {
    const stack = [value]
    while (stack.length > 0) {
      const v = stack.pop()
      if (typeof v !== "object" || v === null || held.has(v)) continue
      held.add(v)
      for (const key in v) stack.push((v as Record<string, unknown>)[key])
    }
  }
  mark(previous)
  if (typeof model !== "object" || model === null) return estimateBytes(model)
  if (held.has(model)) return 0
  const counted = new Set<object>([model])
  const stack: object[] = [model]
  let bytes = 0
  while (stack.length > 0) {
    const v = stack.pop() as Record<string, unknown>
    bytes += 32
    for (const key in v) {
      if (!Array.isArray(v)) bytes += estimateBytes(key)
      const field = v[key]
      if (typeof field !== "object" || field === null) bytes += estimateBytes(field)
      else if (held.has(field)) bytes += 8
      else if (!counted.has(field)) {
        counted.add(field)
        stack.push(field)
      }
    }
  }
  return bytes
}

/** bytes = full(oldest keyframe) + Σ charge(each newer keyframe, against the one before it) + the held messages. */
function expectedBytes(history: MessageHistory<Model, Msg>): number {
  const models = history.keyframePositions().map((at) => history.modelAt(at - 1))
  let bytes = estimateBytes(models[0]) + heldMessageBytes(history)
  for (let k = 1; k < models.length; k++) bytes += referenceCharge(models[k], models[k - 1])
  return bytes
}

/** Heap used after a full collection (V8's gc, exposed at run time), so the figure is what the history retains. */
function heapAfterGc(): number {
  setFlagsFromString("--expose-gc")
  ;(runInNewContext("gc") as () => void)()
  return process.memoryUsage().heapUsed
}

describe("MessageHistory", () => {
  it(`modelAt equals the live fold over the held range, under any batching, cost and cap (${RUNS} seeded runs)`, () => {
    let dropped = 0
    let multiKeyframe = 0
    fc.assert(
      fc.property(cases, (c) => {
        const update = c.commands ? commanding : pure
        const history = new MessageHistory<Model, Msg>(INITIAL, update, { maxBytes: c.maxBytes, replayBudgetMs: c.replayBudgetMs })
        /** live[p]: the model before message p, folded live. */
        const live: Model[] = [INITIAL]
        let largestModel = estimateBytes(INITIAL)
        let lastStart = 0
        let position = 0
        for (let b = 0; position < c.msgs.length; b++) {
          const batch = c.msgs.slice(position, position + c.batches[b % c.batches.length])
          let model = live[live.length - 1]
          for (const msg of batch) {
            model = pure(model, msg)
            live.push(model)
          }
          largestModel = Math.max(largestModel, estimateBytes(model))
          history.append(
            batch,
            batch.map((_, i) => (position + i) % 5),
            batch.map((_, i) => 1000 + position + i),
            model,
            c.costs[b % c.costs.length]
          )
          position += batch.length

          if (history.end !== position) throw new Error(`end ${history.end} after ${position} messages`)
          if (history.start < lastStart) throw new Error(`start went back from ${lastStart} to ${history.start}`)
          lastStart = history.start
          const cap = c.maxBytes ?? 8 * 1024 * 1024
          if (history.bytes > cap + largestModel) throw new Error(`bytes ${history.bytes} > maxBytes ${cap} + the largest model ${largestModel}`)
          // Stricter: over the cap only when one model alone is, and then nothing else is held.
          if (history.bytes > cap && (history.keyframes !== 1 || history.start !== history.end)) {
            throw new Error(`bytes ${history.bytes} > maxBytes ${cap} with ${history.keyframes} keyframes and ${history.end - history.start} messages`)
          }
          // Exactly: the oldest keyframe in full, each newer one what it does not share with the one before, the messages.
          if (history.keyframes < 1) throw new Error("no keyframe")
          const positions = history.keyframePositions()
          if (positions.length !== history.keyframes || positions[0] !== history.start) throw new Error(`keyframes at ${positions.join(",")}, start ${history.start}`)
          const expected = expectedBytes(history)
          if (history.bytes !== expected) throw new Error(`bytes ${history.bytes}, but full(oldest) + Σ charges + messages = ${expected} (keyframes at ${positions.join(",")})`)
        }
        if (history.start > 0) dropped++
        if (history.keyframes > 1) multiKeyframe++

        // Ascending (the cursor carries over), then descending (each from its keyframe).
        const check = (index: number): void => {
          const got = history.modelAt(index)
          if (!sameModel(got, live[index + 1])) throw new Error(`modelAt(${index}) = ${show(got)}, the live fold gave ${show(live[index + 1])}`)
        }
        for (let i = history.start - 1; i < history.end; i++) check(i)
        for (let i = history.end - 1; i >= history.start - 1; i--) check(i)

        for (let i = history.start; i < history.end; i++) {
          const entry = history.entry(i)
          if (entry.msg !== c.msgs[i] || entry.lane !== i % 5 || entry.time !== 1000 + i) throw new Error(`entry(${i}) is not message ${i}`)
        }
        expect(() => history.modelAt(history.start - 2)).toThrow(RangeError)
        expect(() => history.modelAt(history.end)).toThrow(RangeError)
        expect(() => history.entry(history.start - 1)).toThrow(RangeError)
        expect(() => history.entry(history.end)).toThrow(RangeError)

        // Export round-trip: the base and messages rebuild the same models.
        const data = history.toJSON()
        expect(data.start).toBe(history.start)
        expect(data.msgs.length).toBe(history.end - history.start)
        const imported = new MessageHistory<Model, Msg>(INITIAL, update)
        imported.reset(data.base, data.start)
        let model = data.base
        for (const msg of data.msgs) model = pure(model, msg)
        imported.append(data.msgs, data.lanes, data.times, model, 0)
        for (let i = history.start - 1; i < history.end; i++) {
          if (!sameModel(imported.modelAt(i), live[i + 1])) throw new Error(`imported modelAt(${i}) differs from the live fold`)
        }
      }),
      { numRuns: RUNS, seed: SEED }
    )
    // The cap and the keyframes were exercised, not just the happy path.
    expect(dropped).toBeGreaterThan(RUNS / 10)
    expect(multiKeyframe).toBeGreaterThan(RUNS / 10)
  })

  it("replay cost: keyframes placed by cost bound the update calls of modelAt", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 50, max: 400 }), (batches, count) => {
        let calls = 0
        const counted = (model: Model, msg: Msg): Model => {
          calls++
          return pure(model, msg)
        }
        // A big model, so the bytes rule never fires: only the cost does.
        const initial: Model = { count: 0, items: null, tag: "x".repeat(100_000) }
        const history = new MessageHistory<Model, Msg>(initial, counted, { replayBudgetMs: 4, maxBytes: Number.POSITIVE_INFINITY })
        let model = initial
        let position = 0
        for (let b = 0; position < count; b++) {
          const size = Math.min(batches[b % batches.length], count - position)
          const batch: Msg[] = []
          for (let i = 0; i < size; i++) batch.push({ t: "add", n: 1 })
          model = { ...model, count: model.count + size }
          // 1 ms a message: a keyframe once 4 messages accumulate, so a stretch holds at most 3 + one batch.
          history.append(batch, batch.map(() => 0), batch.map(() => 0), model, size)
          position += size
        }
        const largestBatch = Math.max(...batches)
        let most = 0
        for (let i = history.end - 1; i >= -1; i--) {
          calls = 0
          expect(history.modelAt(i).count).toBe(i + 1)
          most = Math.max(most, calls)
        }
        // From a keyframe to the last message before the next: at most 3 + largestBatch - 1 calls.
        expect(most).toBeLessThanOrEqual(largestBatch + 2)
        expect(history.keyframes).toBeGreaterThanOrEqual(Math.floor(count / (largestBatch + 3)))
      }),
      { numRuns: 200, seed: SEED }
    )
  })

  it("replay cost: keyframes placed by bytes bound the update calls of modelAt when updates cost nothing", () => {
    let calls = 0
    const counted = (model: Model, msg: Msg): Model => {
      calls++
      return pure(model, msg)
    }
    const initial: Model = { count: 0, items: null, tag: "y".repeat(1_500) }
    const history = new MessageHistory<Model, Msg>(initial, counted)
    const msg = { t: "add", n: 1, pad: "p".repeat(100) } as Msg
    const perMessage = 24 + estimateBytes(msg)
    const batch = 3
    let model = initial
    for (let i = 0; i < 300; i++) {
      model = { ...model, count: model.count + batch }
      history.append([msg, msg, msg], [0, 0, 0], [0, 0, 0], model, 0)
    }
    // A keyframe once the messages since the last one outweigh it.
    const stretch = Math.floor(estimateBytes(initial) / perMessage) + batch
    let most = 0
    for (let i = history.end - 1; i >= -1; i--) {
      calls = 0
      expect(history.modelAt(i).count).toBe(i + 1)
      most = Math.max(most, calls)
    }
    expect(most).toBeGreaterThan(0)
    expect(most).toBeLessThanOrEqual(stretch - 1)
    expect(history.keyframes).toBeGreaterThan(1)
  })

  it("a keyframe shared but for one row is charged about that row, not the whole model", () => {
    interface Row {
      readonly id: number
      readonly label: string
      readonly done: boolean
    }
    interface Table {
      readonly rows: readonly Row[]
      readonly selected: Row | null
    }
    const rows: Row[] = []
    for (let i = 0; i < 7_000; i++) rows.push({ id: i, label: `row ${i}`, done: false })
    const initial: Table = { rows, selected: null }
    const modelBytes = estimateBytes(initial)
    // replayBudgetMs 0: a keyframe after every append.
    const history = new MessageHistory<Table, number>(initial, (model) => model, { replayBudgetMs: 0, maxBytes: Number.POSITIVE_INFINITY })
    expect(history.bytes).toBe(modelBytes)
    const message = 24 + estimateBytes(0)

    // The rows shared, one row new: the new model object and its row, and a slot for the shared rows.
    const row: Row = { id: 7_000, label: "row 7000", done: true }
    const selecting: Table = { rows, selected: row }
    history.append([0], [0], [0], selecting, 0)
    expect(history.keyframes).toBe(2)
    const charge = history.bytes - modelBytes - message
    expect(charge).toBe(estimateBytes({ rows: null, selected: row }) - estimateBytes(null) + 8)
    expect(charge).toBeLessThan(estimateBytes(row) + 100)
    expect(charge * 1_000).toBeLessThan(modelBytes)

    // One row toggled in a new array (the usual immutable update): the row, the array with a slot per shared row, the model object.
    const toggled = rows.slice()
    toggled[5] = { ...rows[5], done: true }
    const before = history.bytes
    history.append([0], [0], [0], { rows: toggled, selected: row }, 0)
    expect(history.bytes - before - message).toBe(32 + estimateBytes("rows") + estimateBytes("selected") + 8 + (32 + 6_999 * 8 + estimateBytes(toggled[5])))
    expect((history.bytes - before) * 10).toBeLessThan(modelBytes)

    // The same model again: nothing.
    const again = history.bytes
    history.append([0], [0], [0], history.modelAt(history.end - 1), 0)
    expect(history.bytes - again).toBe(message)
    expect(history.keyframes).toBe(4)
  })

  it("dropping the oldest keyframe charges the new oldest in full", () => {
    interface Table {
      readonly rows: readonly { readonly id: number }[]
      readonly n: number
    }
    const rows: { readonly id: number }[] = []
    for (let i = 0; i < 1_000; i++) rows.push({ id: i })
    const initial: Table = { rows, n: 0 }
    const modelBytes = estimateBytes(initial)
    const message = 24 + estimateBytes(0)
    const charge = 32 + estimateBytes("rows") + 8 + estimateBytes("n") + 8
    // Room for the model and three keyframes with their messages: the fourth drops the oldest.
    const history = new MessageHistory<Table, number>(initial, (model, msg) => ({ rows: model.rows, n: msg }), { replayBudgetMs: 0, maxBytes: modelBytes + 3 * (charge + message) })
    for (let n = 1; n <= 3; n++) history.append([n], [0], [0], { rows, n }, 0)
    expect([history.start, history.keyframes, history.bytes]).toEqual([0, 4, modelBytes + 3 * (charge + message)])
    history.append([4], [0], [0], { rows, n: 4 }, 0)
    // The first keyframe and message went; the model before message 1 is charged in full now.
    expect([history.start, history.keyframes]).toEqual([1, 4])
    expect(history.bytes).toBe(estimateBytes(history.modelAt(0)) + 3 * (charge + message))
    expect(history.bytes).toBe(modelBytes + 3 * (charge + message))
  })

  it("the bytes rule: a keyframe whose charge is tiny waits for a floor of full(oldest) / 8 bytes of messages", () => {
    interface Big {
      readonly rows: readonly { readonly id: number; readonly label: string }[]
      readonly n: number
    }
    const rows: { id: number; label: string }[] = []
    for (let i = 0; i < 2_000; i++) rows.push({ id: i, label: `row ${i}` })
    const initial: Big = { rows, n: 0 }
    const modelBytes = estimateBytes(initial)
    let calls = 0
    const update = (model: Big, msg: number): Big => {
      calls++
      return { rows: model.rows, n: msg }
    }
    const history = new MessageHistory<Big, number>(initial, update, { maxBytes: Number.POSITIVE_INFINITY })
    const perMessage = 24 + estimateBytes(0)
    for (let n = 1; n <= 20_000; n++) history.append([n], [0], [0], { rows, n }, 0)
    // The first keyframe is charged in full, so the first stretch is as long as a model (the cap);
    // the next keyframes are charged ~70 bytes, which would place one after every message: the floor places one after this many.
    const first = Math.floor(modelBytes / perMessage) + 1
    const stretch = Math.floor(modelBytes / 8 / perMessage) + 1
    const positions = history.keyframePositions()
    expect(positions[1]).toBe(first)
    for (let k = 2; k < positions.length; k++) expect(positions[k] - positions[k - 1]).toBe(stretch)
    expect(positions.length).toBe(Math.floor((20_000 - first) / stretch) + 2)
    // Replays: at most a stretch, from the last keyframe at or before the index.
    for (let i = history.end - 1; i >= -1; i -= 7) {
      calls = 0
      expect(history.modelAt(i).n).toBe(i + 1)
      expect(calls).toBeLessThan(i < first ? first : stretch)
    }
  })

  it("scrubbing forward folds one message per step", () => {
    let calls = 0
    const counted = (model: Model, msg: Msg): Model => {
      calls++
      return pure(model, msg)
    }
    // A big model and no cost: no second keyframe, so every model but the first is a replay.
    const initial: Model = { count: 0, items: null, tag: "x".repeat(100_000) }
    const history = new MessageHistory<Model, Msg>(initial, counted, { replayBudgetMs: Number.POSITIVE_INFINITY })
    let model = initial
    for (let i = 0; i < 200; i++) {
      model = pure(model, { t: "add", n: i })
      history.append([{ t: "add", n: i }], [0], [0], model, 0)
    }
    expect(history.keyframes).toBe(1)
    for (let i = -1; i < history.end; i++) {
      calls = 0
      expect(history.modelAt(i).count).toBe(i === -1 ? 0 : (i * (i + 1)) / 2)
      expect(calls).toBeLessThanOrEqual(1)
    }
  })

  it("a model that did not change is not estimated again, and a repeated keyframe costs nothing", () => {
    let reads = 0
    const model = {
      get payload() {
        reads++
        return "z".repeat(1_000)
      }
    }
    const modelBytes = estimateBytes(model)
    reads = 0
    const history = new MessageHistory<typeof model, number>(model, (m) => m, { replayBudgetMs: 1 })
    expect(reads).toBe(1)
    for (let i = 0; i < 1_000; i++) history.append([i], [0], [i], model, 2)
    expect(reads).toBe(1)
    // Cost 2 ≥ budget 1: a keyframe at every append, all the same model.
    expect(history.keyframes).toBe(1_001)
    expect(history.bytes).toBe(modelBytes + 1_000 * (24 + 8))

    // Dropping the oldest keyframe charges the next one in full, without estimating it again.
    const capped = new MessageHistory<typeof model, number>(model, (m) => m, { replayBudgetMs: 1, maxBytes: modelBytes + 10 * 32 })
    for (let i = 0; i < 100; i++) capped.append([i], [0], [i], model, 2)
    expect(reads).toBe(2)
    expect(capped.start).toBe(90)
    expect(capped.bytes).toBe(modelBytes + 10 * 32)
    expect(capped.modelAt(89)).toBe(model)
  })

  it("a cap below one model keeps that model and no messages", () => {
    const big: Model = { count: 0, items: null, tag: "b".repeat(10_000) }
    const history = new MessageHistory<Model, Msg>(big, pure, { maxBytes: 1_000 })
    let model = big
    for (let i = 0; i < 10; i++) {
      model = pure(model, { t: "add", n: 1 })
      history.append([{ t: "add", n: 1 }], [0], [0], model, 0)
      expect(history.start).toBe(i + 1)
      expect(history.end).toBe(i + 1)
      expect(history.keyframes).toBe(1)
      expect(history.bytes).toBe(estimateBytes(model))
      expect(history.modelAt(i)).toBe(model)
    }
  })

  it("reset replaces everything with one keyframe at the position given", () => {
    const history = new MessageHistory<Model, Msg>(INITIAL, pure)
    history.append([{ t: "add", n: 1 }], [0], [0], { ...INITIAL, count: 1 }, 0)
    const restored: Model = { count: 41, items: null, tag: "restored" }
    history.reset(restored, 42)
    expect([history.start, history.end, history.keyframes, history.bytes]).toEqual([42, 42, 1, estimateBytes(restored)])
    expect(history.modelAt(41)).toBe(restored)
    expect(() => history.modelAt(42)).toThrow(RangeError)
    expect(() => history.modelAt(40)).toThrow(RangeError)
    history.append([{ t: "add", n: 1 }, { t: "add", n: 1 }], [0, 0], [0, 0], { ...restored, count: 43 }, 0)
    expect(history.end).toBe(44)
    expect(history.modelAt(42).count).toBe(42)
    expect(history.toJSON()).toEqual({ start: 42, base: restored, msgs: [{ t: "add", n: 1 }, { t: "add", n: 1 }], lanes: [0, 0], times: [0, 0] })
    expect(() => history.reset(restored, -1)).toThrow(RangeError)
  })

  it("refuses lanes or times that do not match the messages, and bad options; an empty append changes nothing", () => {
    const history = new MessageHistory<Model, Msg>(INITIAL, pure)
    expect(() => history.append([{ t: "noop" }], [], [0], INITIAL, 0)).toThrow(RangeError)
    expect(() => history.append([{ t: "noop" }], [0], [], INITIAL, 0)).toThrow(RangeError)
    const bytes = history.bytes
    history.append([], [], [], { ...INITIAL, count: 9 }, 10)
    expect([history.end, history.bytes, history.modelAt(-1)]).toEqual([0, bytes, INITIAL])
    expect(() => new MessageHistory(INITIAL, pure, { maxBytes: -1 })).toThrow(InvalidOptionError)
    expect(() => new MessageHistory(INITIAL, pure, { replayBudgetMs: Number.NaN })).toThrow(InvalidOptionError)
  })

  it("update never sees a wake-up entry (undefined)", () => {
    const seen: unknown[] = []
    const history = new MessageHistory<number, number | undefined>(0, (model, msg) => {
      seen.push(msg)
      return model + (msg as number)
    }, { replayBudgetMs: Number.POSITIVE_INFINITY })
    history.append([undefined, 2, undefined, 3], [0, 0, 0, 0], [0, 0, 0, 0], 5, 0)
    expect([history.modelAt(0), history.modelAt(1), history.modelAt(2)]).toEqual([0, 2, 2])
    expect(seen).toEqual([2])
  })

  it("memory: 100,000 messages over a 1 MB model shared structurally stay under an 8 MB cap", () => {
    interface Row {
      readonly id: number
      readonly label: string
      readonly done: boolean
    }
    interface Big {
      readonly rows: readonly Row[]
      readonly last: { readonly n: number; readonly at: number }
    }
    const rows: Row[] = []
    for (let i = 0; i < 7_000; i++) rows.push({ id: i, label: `row ${i}`, done: false })
    const initial: Big = { rows, last: { n: -1, at: 0 } }
    const modelBytes = estimateBytes(initial)
    expect(modelBytes).toBeGreaterThan(900 * 1024)
    expect(modelBytes).toBeLessThan(1_200 * 1024)

    const update = (model: Big, msg: { readonly t: "tick"; readonly n: number }): Big => ({ rows: model.rows, last: { n: msg.n, at: msg.n * 2 } })
    const maxBytes = 8 * 1024 * 1024
    const heapBefore = heapAfterGc()
    const history = new MessageHistory<Big, { readonly t: "tick"; readonly n: number }>(initial, update, { maxBytes })
    const lanes = [0]
    const times = [0]
    const batch: { readonly t: "tick"; readonly n: number }[] = [{ t: "tick", n: 0 }]
    let model = initial
    let over = 0
    let heapHalfway = 0
    const began = performance.now()
    for (let n = 0; n < 100_000; n++) {
      const msg = { t: "tick" as const, n }
      const t0 = performance.now()
      model = update(model, msg)
      const updateMs = performance.now() - t0
      batch[0] = msg
      times[0] = n
      history.append(batch, lanes, times, model, updateMs)
      if (history.bytes > maxBytes) over++
      if (n === 74_999) heapHalfway = heapAfterGc()
    }
    const appendMs = performance.now() - began
    const heapAfter = heapAfterGc()
    // Flat: once the cap is reached (at about 59,000 messages), the last 25,000 retain no more than the slack of the history's arrays (compacted in steps) and the heap's own noise, 2 MB,
    // and what is retained stays under the cap (the estimate is an upper bound).
    expect(heapAfter - heapHalfway).toBeLessThan(2 * 1024 * 1024)
    expect(heapAfter - heapBefore).toBeLessThan(maxBytes)
    expect(over).toBe(0)
    expect(history.end).toBe(100_000)
    expect(history.start).toBeGreaterThan(0)
    // Keyframes share the rows, so they are charged a few hundred bytes each, not a model each:
    // the cap holds the model once and messages (124 estimated bytes each) for most of the rest.
    expect(history.end - history.start).toBeGreaterThan((maxBytes - modelBytes) / 124 * 0.95)
    for (const i of [history.start - 1, (history.start + history.end) >> 1, history.end - 1]) {
      const at = history.modelAt(i)
      expect(at.last.n).toBe(i)
      expect(at.rows).toBe(rows)
    }
    const mb = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(2)
    console.log(
      `history memory: 100000 messages over a ${mb(modelBytes)} MB model (estimated), cap ${mb(maxBytes)} MB: holds ${history.end - history.start} messages (from ${history.start}) and ${history.keyframes} keyframes, ${mb(history.bytes)} MB estimated; heap +${mb(heapAfter - heapBefore)} MB retained after GC (+${mb(heapAfter - heapHalfway)} MB over the last 25,000); appends took ${appendMs.toFixed(0)} ms`
    )
  })
})

describe("estimateBytes", () => {
  it("counts primitives, objects and their keys as documented", () => {
    expect(estimateBytes(1)).toBe(8)
    expect(estimateBytes(true)).toBe(4)
    expect(estimateBytes(null)).toBe(4)
    expect(estimateBytes("abc")).toBe(16 + 6)
    expect(estimateBytes({})).toBe(32)
    expect(estimateBytes({ ab: 1 })).toBe(32 + (16 + 4) + 8)
    expect(estimateBytes([1, "a"])).toBe(32 + 8 + 18)
    expect(estimateBytes(new Map([["k", 1]]))).toBe(32 + 18 + 8)
    expect(estimateBytes(new Set([1, 2]))).toBe(32 + 16)
  })

  it("counts a shared reference once", () => {
    const shared = { label: "x".repeat(100), values: [1, 2, 3] }
    const copy = structuredClone(shared)
    expect(estimateBytes([shared, shared])).toBe(estimateBytes([shared]))
    expect(estimateBytes([shared, copy])).toBe(32 + 2 * estimateBytes(shared))
    expect(estimateBytes(new Map([[shared, shared]]))).toBe(32 + estimateBytes(shared))
  })

  it("terminates on cycles, and on structures deeper than the call stack", () => {
    const a: Record<string, unknown> = {}
    a.self = a
    expect(estimateBytes(a)).toBe(32 + (16 + 8))
    const b: Record<string, unknown> = { a }
    a.b = b
    expect(estimateBytes(a)).toBe(32 + 24 + 18 + 32 + 18)
    let list: { next: unknown } = { next: null }
    for (let i = 0; i < 200_000; i++) list = { next: list }
    expect(estimateBytes(list)).toBe(200_001 * (32 + 16 + 8) + 4)
  })

  it("counts typed arrays by their buffer's byteLength, a shared buffer once", () => {
    expect(estimateBytes(new Uint8Array(1_000)) - estimateBytes(new Uint8Array(0))).toBe(1_000)
    expect(estimateBytes(new Float64Array(1_000)) - estimateBytes(new Float64Array(0))).toBe(8_000)
    expect(estimateBytes(new ArrayBuffer(64))).toBe(32 + 64)
    const buffer = new ArrayBuffer(4_096)
    const one = new Uint8Array(buffer)
    const two = new Float32Array(buffer, 0, 16)
    expect(estimateBytes([one, two])).toBe(32 + 32 + 32 + (32 + 4_096))
    // A view of a few bytes holds (and a structured clone copies) its whole buffer.
    expect(estimateBytes(new Uint8Array(buffer, 0, 4))).toBe(32 + 32 + 4_096)
    expect(estimateBytes(new DataView(buffer))).toBe(32 + 32 + 4_096)
  })
})
