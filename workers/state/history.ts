import { InvalidOptionError } from "../../protocol/errors.ts"
import { DEFAULT_HISTORY_BYTES } from "../../protocol/state.ts"
import { isCommand } from "../program.ts"

/**
 * The message history of one root, for time travel (as Elm's debugger keeps it), bounded
 * by bytes rather than by count.
 *
 * Every message that settled into the model is held, in fold order, with its lane and
 * time. Some models are held too, as keyframes: a keyframe at position p is the model
 * before message p. The model after any held message is the nearest keyframe at or
 * before it, with the messages in between folded again (update is pure, as Elm and
 * React require; its commands are never run again).
 *
 * Bytes are estimates, and conservative. Models are immutable and share structure, so a
 * keyframe is charged only what it does not share with the keyframe before it:
 *
 *   bytes = full(oldest) + Σ charge(k), k newer than the oldest + Σ messages
 *
 * - full(m) = estimateBytes(m). The oldest keyframe is charged in full: once the ones
 *   before it are gone, it alone keeps its objects alive. When it is dropped, the new
 *   oldest is charged its full estimate, which was worked out when it was placed (see
 *   `place`), so a drop walks nothing.
 * - charge(k) counts, as estimateBytes does, the objects keyframe k's model reaches that
 *   keyframe k - 1's (the newest before it) does not, plus REFERENCE_BYTES for each
 *   reference from them to one it does. estimateBytes counts no pointer slots (its
 *   overestimates of strings and keys cover those of the objects it counts), but a shared
 *   object is not counted here, and a new array of 7,000 shared rows holds 7,000 slots:
 *   without them such a keyframe would be charged 32 bytes for ~56 KB of heap. A keyframe
 *   that is the very model of the previous one is charged 0; a model that shares nothing
 *   is charged estimateBytes. Strings are primitives, counted wherever a new object holds
 *   them, shared or not. Each object counts at most once per keyframe: the total bounds
 *   the objects all keyframes reach, since what keyframe k shares with k - 1 is charged
 *   to k - 1 (or to one before it, through the same chain, down to the oldest in full).
 * - Σ messages: for each, ENTRY_BYTES (its slots) + estimateBytes(msg).
 *
 * To know what keyframe k - 1 reaches, its walk records every object its model reaches
 * in a set, kept for the newest keyframe only. So a walk goes through the whole model,
 * but counts only the new objects: it only records the shared ones, and does not compute
 * their bytes. (Recording only the objects the walk met, and not going into shared ones,
 * would cost only the new objects and the new containers' entries, but then a keyframe
 * after one that left the rows array alone, as a selection does, would miss the rows
 * under it and be charged all of them again when the next toggle makes a new array.)
 * A model is walked once, when it becomes a keyframe; never per append, nor when it
 * becomes the oldest.
 *
 * Keyframes are placed only where a model is known, at the end of an `append`, when
 * - the live update cost of the messages since the last keyframe reaches
 *   `replayBudgetMs`: replaying a stretch costs about what it cost live, so no replay
 *   costs much more than the budget;
 * - the estimated bytes of the messages since the last keyframe exceed the charge of the
 *   last keyframe (what the next is expected to be charged: so keyframes hold about half
 *   the bytes at most), raised to a floor of full(oldest) / KEYFRAME_FLOOR_DIVISOR and
 *   capped at full(oldest).
 *   The floor: a charge can be tiny (one new row), and a keyframe per message or two would
 *   cost a walk of the model each (to record what it reaches): with the floor, one walk
 *   of the model at most per full / 8 bytes of messages. The cap: a message that makes
 *   more new model bytes than it weighs would otherwise lengthen each stretch over the
 *   last; capped, no stretch is longer than it was when keyframes were charged in full
 *   (full(oldest) bytes of messages), and that bounds replay when updates cost nothing.
 *
 * Over `maxBytes`, the oldest keyframe and its messages (up to the next keyframe) are
 * dropped. The newest keyframe is always kept: a cap below the size of one model keeps
 * that model and no messages.
 *
 * Not counted: the set of the objects the newest keyframe reaches (one set, kept to
 * charge the next keyframe; some 20 bytes an object).
 *
 * @since 0.1.0
 * @example
 * const history = new MessageHistory<number, number>(0, (model, msg) => model + msg)
 * history.append([1, 2, 3], [2, 2, 2], [0, 1, 2], 6, 0.01) // lanes, times, the model after them, the ms they took
 * history.modelAt(1) // 3: the model after the message at position 1
 * history.modelAt(-1) // 0: the model before the first message
 */

export interface HistoryOptions {
  /** Cap on the bytes the history holds (messages and keyframe models, as estimateBytes estimates them). Default 8 MiB. */
  readonly maxBytes?: number
  /**
   * Replay budget: a new keyframe is placed once replaying from the last keyframe would
   * cost this many ms of update calls (as measured when the messages were first folded).
   * Default 4.
   */
  readonly replayBudgetMs?: number
}

/** One held message. */
export interface HistoryEntry<Msg> {
  readonly msg: Msg
  readonly lane: number
  readonly time: number
}

/** A history as plain data: the oldest keyframe's model and every message after it. */
export interface HistoryData<Model, Msg> {
  /** Absolute position of the first message (the position `base` is the model before). */
  readonly start: number
  readonly base: Model
  readonly msgs: Msg[]
  readonly lanes: number[]
  readonly times: number[]
}

export const DEFAULT_REPLAY_BUDGET_MS = 4

/** Per held message, besides the message itself: its slots in msgs, lanes and times. */
const ENTRY_BYTES = 24
/** Charged for a reference from a newly counted object to one the previous keyframe holds: a pointer slot. */
const REFERENCE_BYTES = 8
/** The bytes rule's floor is full(oldest) divided by this (see the class comment). */
const KEYFRAME_FLOOR_DIVISOR = 8
/** Dropped slots at the front of the parallel arrays are removed in one splice once they are this many and half the array: O(1) per drop, amortized. */
const COMPACT_AT = 64

export class MessageHistory<Model, Msg> {
  readonly maxBytes: number
  readonly replayBudgetMs: number
  private readonly update: (model: Model, msg: Msg) => unknown
  private readonly estimator = new ByteEstimator()

  // Held messages. Position p (startAt ≤ p < endAt) is at slot msgHead + p - startAt;
  // slots before msgHead are dropped ones, cleared, waiting for a compaction.
  private readonly msgs: Msg[] = []
  private readonly lanes: number[] = []
  private readonly times: number[] = []
  private msgHead = 0
  private startAt = 0
  private endAt = 0

  // Keyframes, oldest first from kfHead; keyframe k is the model before message kfAt[k],
  // and segment k is the messages from kfAt[k] up to the next keyframe (or the end).
  private readonly kfAt: number[] = []
  private readonly kfModel: (Model | undefined)[] = []
  /** estimateBytes of the model, kept up to date from the previous keyframe's by what each walk counted and what left. */
  private readonly kfFull: number[] = []
  /** What the model counts in `bytes`: kfFull for the oldest, else what it does not share with the previous keyframe. */
  private readonly kfCharged: number[] = []
  /** Estimated bytes of segment k's messages (ENTRY_BYTES each included). */
  private readonly segBytes: number[] = []
  /** Live update cost of segment k's messages, in ms. */
  private readonly segMs: number[] = []
  private kfHead = 0
  /**
   * Every object the newest keyframe's model reaches, which the next keyframe's walk does
   * not count; and a spare set, cleared, that the next walk fills before the two are
   * swapped. A Set rather than a WeakSet: faster, and it keeps nothing alive that the
   * newest keyframe does not (all it holds is reachable from that model).
   */
  private newestSeen = new Set<object>()
  private spareSeen = new Set<object>()

  private held = 0
  /** The model after the last message (the `modelAfter` of the last append): the latest model costs no replay. */
  private latest: Model
  /**
   * The last model replayed, and its position. Scrubbing forward (the usual use of a
   * debugger's slider) then folds one message per step instead of replaying from the
   * keyframe. Not counted in `bytes`: it is one model, mostly shared with the keyframes.
   */
  private cursorAt = -1
  private cursorModel: Model | undefined = undefined

  constructor(initial: Model, update: (model: Model, msg: Msg) => unknown, options?: HistoryOptions) {
    const maxBytes = options?.maxBytes ?? DEFAULT_HISTORY_BYTES
    const replayBudgetMs = options?.replayBudgetMs ?? DEFAULT_REPLAY_BUDGET_MS
    if (!(maxBytes >= 0)) throw new InvalidOptionError("maxBytes", maxBytes, "a number of bytes ≥ 0, or Infinity")
    if (!(replayBudgetMs >= 0)) throw new InvalidOptionError("replayBudgetMs", replayBudgetMs, "a number of ms ≥ 0, or Infinity")
    this.maxBytes = maxBytes
    this.replayBudgetMs = replayBudgetMs
    this.update = update
    this.latest = initial
    this.reset(initial, 0)
  }

  /** Absolute position of the first message held (0 until the cap drops old ones). */
  get start(): number {
    return this.startAt
  }

  /** One past the absolute position of the last message held. */
  get end(): number {
    return this.endAt
  }

  /** Bytes held now (estimate): messages and keyframe models. */
  get bytes(): number {
    return this.held
  }

  /** Keyframes held (at least 1). */
  get keyframes(): number {
    return this.kfAt.length - this.kfHead
  }

  /**
   * `msgs` settled, in order, into `modelAfter` (the model after the last of them).
   * `updateMs`: what folding them cost when they were folded live. `lanes`, `times`: one
   * per message. An empty `msgs` changes nothing.
   */
  append(msgs: readonly Msg[], lanes: readonly number[], times: readonly number[], modelAfter: Model, updateMs: number): void {
    const count = msgs.length
    if (lanes.length !== count || times.length !== count) {
      throw new RangeError(`MessageHistory.append: ${count} messages but ${lanes.length} lanes and ${times.length} times; pass one lane and one time per message`)
    }
    if (count === 0) return
    let added = 0
    for (let i = 0; i < count; i++) {
      const msg = msgs[i]
      this.msgs.push(msg)
      this.lanes.push(lanes[i])
      this.times.push(times[i])
      added += ENTRY_BYTES + this.estimator.measure(msg)
    }
    this.endAt += count
    this.latest = modelAfter
    this.held += added
    const last = this.kfAt.length - 1
    this.segBytes[last] += added
    // NaN (a clock that failed) and negative (a clock that went back) count as free.
    if (updateMs > 0) this.segMs[last] += updateMs
    if (this.segMs[last] >= this.replayBudgetMs || this.segBytes[last] > this.bytesThreshold()) this.place(modelAfter)
    this.trim()
  }

  /**
   * The model after the message at `index` (start - 1 ≤ index < end; start - 1 is the
   * oldest keyframe, the model before message `start`). Folds the messages since the
   * nearest keyframe at or before it; a Command's model is taken, its effects never run.
   */
  modelAt(index: number): Model {
    if (!Number.isInteger(index) || index < this.startAt - 1 || index >= this.endAt) {
      throw new RangeError(
        `MessageHistory.modelAt(${index}): the models held are those after positions ${this.startAt - 1} to ${this.endAt - 1} (older ones were dropped to stay under maxBytes; raise it to keep more)`
      )
    }
    const at = index + 1
    if (at === this.endAt) return this.latest
    const k = this.keyframeBefore(at)
    let from = this.kfAt[k]
    let model = this.kfModel[k] as Model
    if (from === at) return model
    if (this.cursorAt > from && this.cursorAt <= at) {
      from = this.cursorAt
      model = this.cursorModel as Model
    }
    const offset = this.msgHead - this.startAt
    for (let p = from; p < at; p++) model = this.step(model, this.msgs[offset + p])
    this.cursorAt = at
    this.cursorModel = model
    return model
  }

  /** The message at absolute position `index` (start ≤ index < end), with its lane and time. */
  entry(index: number): HistoryEntry<Msg> {
    if (!Number.isInteger(index) || index < this.startAt || index >= this.endAt) {
      throw new RangeError(
        `MessageHistory.entry(${index}): the messages held are at positions ${this.startAt} to ${this.endAt - 1} (older ones were dropped to stay under maxBytes; raise it to keep more)`
      )
    }
    const slot = this.msgHead + index - this.startAt
    return { msg: this.msgs[slot], lane: this.lanes[slot], time: this.times[slot] }
  }

  /** Replaces everything with one keyframe, `model`, at position `index` (a restore, an import): start = end = index. */
  reset(model: Model, index = 0): void {
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`MessageHistory.reset: index must be an integer ≥ 0, got ${index}`)
    this.msgs.length = 0
    this.lanes.length = 0
    this.times.length = 0
    this.msgHead = 0
    this.startAt = index
    this.endAt = index
    this.kfAt.length = 0
    this.kfModel.length = 0
    this.kfFull.length = 0
    this.kfCharged.length = 0
    this.segBytes.length = 0
    this.segMs.length = 0
    this.kfHead = 0
    this.newestSeen.clear()
    this.spareSeen.clear()
    // Against nothing: counts the model in full (as estimateBytes) and records its objects for the next keyframe.
    const full = this.estimator.measureNew(model, null, this.newestSeen)
    this.pushKeyframe(index, model, full, full)
    this.held = full
    this.latest = model
    this.cursorAt = -1
    this.cursorModel = undefined
  }

  /**
   * The positions of the keyframes held, oldest first (a keyframe at p is the model before
   * message p, `modelAt(p - 1)`): for devtools and tests.
   */
  keyframePositions(): number[] {
    return this.kfAt.slice(this.kfHead)
  }

  /** Plain data for export: the oldest keyframe's model, every message after it with its lane and time, and `start`. */
  toJSON(): HistoryData<Model, Msg> {
    return {
      start: this.startAt,
      base: this.kfModel[this.kfHead] as Model,
      msgs: this.msgs.slice(this.msgHead),
      lanes: this.lanes.slice(this.msgHead),
      times: this.times.slice(this.msgHead)
    }
  }

  private step(model: Model, msg: Msg): Model {
    // A wake-up entry (see UpdateQueue.fold) is not a message: update never sees it.
    if (msg === undefined) return model
    const result = this.update(model, msg)
    return (isCommand(result) ? result.model : result) as Model
  }

  /** Index of the newest keyframe at or before position `at` (kfAt ascending; the oldest is ≤ at). */
  private keyframeBefore(at: number): number {
    let low = this.kfHead
    let high = this.kfAt.length
    while (high - low > 1) {
      const mid = (low + high) >>> 1
      if (this.kfAt[mid] <= at) low = mid
      else high = mid
    }
    return low
  }

  private pushKeyframe(at: number, model: Model, full: number, charged: number): void {
    this.kfAt.push(at)
    this.kfModel.push(model)
    this.kfFull.push(full)
    this.kfCharged.push(charged)
    this.segBytes.push(0)
    this.segMs.push(0)
  }

  /** Message bytes since the last keyframe past which the bytes rule places one (see the class comment). */
  private bytesThreshold(): number {
    const full = this.kfCharged[this.kfHead]
    const expected = this.kfCharged[this.kfAt.length - 1]
    return Math.min(full, Math.max(expected, full / KEYFRAME_FLOOR_DIVISOR))
  }

  /** A keyframe at the end, charged what it does not share with the newest one. */
  private place(model: Model): void {
    const last = this.kfAt.length - 1
    if (this.kfAt[last] === this.endAt) return
    // The very model of the previous keyframe: nothing new, and the objects met are the same.
    if (model === this.kfModel[last]) {
      this.pushKeyframe(this.endAt, model, this.kfFull[last], 0)
      return
    }
    const previous = this.newestSeen
    const seen = this.spareSeen
    const estimator = this.estimator
    const charged = estimator.measureNew(model, previous, seen)
    // Its full estimate, without walking it again when it becomes the oldest: estimateBytes
    // is the sum of the own bytes of the objects a model reaches, so it is the previous
    // keyframe's, plus the objects this walk counted, minus those only the previous reached.
    let full: number
    if (typeof model !== "object" || model === null) {
      full = charged
    } else {
      const previousModel = this.kfModel[last]
      full = typeof previousModel === "object" && previousModel !== null ? this.kfFull[last] : 0
      full += charged - REFERENCE_BYTES * estimator.references
      for (const gone of previous) if (!seen.has(gone)) full -= estimator.ownBytes(gone)
    }
    previous.clear()
    this.spareSeen = previous
    this.newestSeen = seen
    this.pushKeyframe(this.endAt, model, full, charged)
    this.held += charged
  }

  /** Drops from the front until under the cap, keeping the newest keyframe. */
  private trim(): void {
    while (this.held > this.maxBytes && this.keyframes > 1) this.dropOldest()
    if (this.held > this.maxBytes && this.kfAt[this.kfAt.length - 1] < this.endAt) {
      // The newest keyframe and its messages alone are over the cap: start over from the latest model.
      this.place(this.latest)
      this.dropOldest()
    }
  }

  /** Drops the oldest keyframe and the messages up to the next one. */
  private dropOldest(): void {
    const k = this.kfHead
    const next = this.kfAt[k + 1]
    this.held -= this.kfCharged[k] + this.segBytes[k]
    // The new oldest was charged only what it did not share with the dropped one: it alone
    // holds its objects now, so it is charged in full (known since it was placed: no walk).
    this.held += this.kfFull[k + 1] - this.kfCharged[k + 1]
    this.kfCharged[k + 1] = this.kfFull[k + 1]
    const dropped = next - this.startAt
    // Cleared so that the dropped messages and model can be collected before the compaction.
    for (let slot = this.msgHead; slot < this.msgHead + dropped; slot++) this.msgs[slot] = undefined as Msg
    this.kfModel[k] = undefined
    this.msgHead += dropped
    this.startAt = next
    this.kfHead = k + 1
    if (this.cursorAt < next) {
      this.cursorAt = -1
      this.cursorModel = undefined
    }
    if (this.msgHead >= COMPACT_AT && this.msgHead * 2 >= this.msgs.length) {
      this.msgs.splice(0, this.msgHead)
      this.lanes.splice(0, this.msgHead)
      this.times.splice(0, this.msgHead)
      this.msgHead = 0
    }
    if (this.kfHead >= COMPACT_AT && this.kfHead * 2 >= this.kfAt.length) {
      const head = this.kfHead
      this.kfAt.splice(0, head)
      this.kfModel.splice(0, head)
      this.kfFull.splice(0, head)
      this.kfCharged.splice(0, head)
      this.segBytes.splice(0, head)
      this.segMs.splice(0, head)
      this.kfHead = 0
    }
  }
}

// ---- estimateBytes --------------------------------------------------------------------

/** Header of an object, an array, a Map, a Set, a typed array's view, an ArrayBuffer. */
const OBJECT_BYTES = 32
const NUMBER_BYTES = 8
/** Booleans, null and undefined. */
const SMALL_BYTES = 4
const STRING_HEADER_BYTES = 16
/** Not structured-cloneable, but a model may hold them: a header, their contents unknown. */
const OPAQUE_BYTES = 32

const WALK_COUNT = 0
const WALK_RECORD = 1
const WALK_OWN = 2

function stringBytes(value: string): number {
  return STRING_HEADER_BYTES + 2 * value.length
}

function primitiveBytes(value: unknown): number {
  switch (typeof value) {
    case "string":
      return stringBytes(value)
    case "number":
      return NUMBER_BYTES
    case "bigint":
      // One 64-bit digit per 16 hex digits.
      return STRING_HEADER_BYTES + NUMBER_BYTES * Math.ceil(value.toString(16).length / 16)
    case "boolean":
    case "undefined":
      return SMALL_BYTES
    case "object":
      return SMALL_BYTES // null
    default:
      return OPAQUE_BYTES // symbol, function
  }
}

/**
 * Walks a value with an explicit stack (a list a million deep does not overflow the call
 * stack) and a set of the objects seen (each counted once: shared structure and cycles).
 * The set and the stack are reused between calls: a history measures every message.
 */
class ByteEstimator {
  private readonly scratch = new Set<object>()
  /** Objects to count. */
  private readonly stack: object[] = []
  /** Objects in `skip` to go through without counting, only to record what they reach. */
  private readonly sharedStack: object[] = []
  /** Objects met during this walk. */
  private seen: Set<object> = this.scratch
  /** Objects not to count (a reference to one costs REFERENCE_BYTES), or null. */
  private skip: ReadonlySet<object> | null = null
  /** WALK_COUNT, WALK_RECORD (going through a shared object: its fields are recorded, not counted) or WALK_OWN (one object's own bytes). */
  private mode = WALK_COUNT
  /** References to objects in `skip` that the last measureNew counted (REFERENCE_BYTES each). */
  references = 0

  /** estimateBytes(value). */
  measure(value: unknown): number {
    try {
      return this.walk(value)
    } finally {
      this.scratch.clear()
    }
  }

  /**
   * The bytes of `value` that are not in `skip` (every object the previous keyframe
   * reaches), as the history charges them: estimateBytes' counts for the objects not in
   * `skip`, REFERENCE_BYTES for each reference from them to one in `skip`. Every object
   * `value` reaches is added to `into`, so that `into` is, in turn, all the next keyframe's
   * walk must skip; the objects in `skip` are gone through for that, without counting.
   * With `skip` null: estimateBytes.
   */
  measureNew(value: unknown, skip: ReadonlySet<object> | null, into: Set<object>): number {
    if (typeof value !== "object" || value === null) return primitiveBytes(value)
    this.seen = into
    this.skip = skip
    const shared = this.sharedStack
    let total = 0
    this.references = 0
    try {
      into.add(value)
      if (skip !== null && skip.has(value)) {
        shared.push(value)
      } else {
        this.stack.push(value)
        total = this.drain()
      }
      // What a shared object reaches is shared too (the previous keyframe reaches it through
      // the same immutable objects), so this pushes nothing back onto the counting stack.
      this.mode = WALK_RECORD
      while (shared.length > 0) this.shallow(shared.pop() as object)
    } finally {
      this.seen = this.scratch
      this.skip = null
      this.mode = WALK_COUNT
      this.stack.length = 0
      shared.length = 0
    }
    return total
  }

  /** An object's own bytes as estimateBytes counts them (its header, keys and primitive fields; the objects it refers to not). */
  ownBytes(value: object): number {
    this.mode = WALK_OWN
    try {
      return this.shallow(value)
    } finally {
      this.mode = WALK_COUNT
    }
  }

  private walk(value: unknown): number {
    if (typeof value !== "object" || value === null) return primitiveBytes(value)
    this.seen.add(value)
    this.stack.push(value)
    try {
      return this.drain()
    } finally {
      this.stack.length = 0
    }
  }

  private drain(): number {
    const stack = this.stack
    let total = 0
    while (stack.length > 0) total += this.shallow(stack.pop() as object)
    return total
  }

  /** An object's own bytes; queues the objects it refers to that were not seen yet. */
  private shallow(value: object): number {
    if (Array.isArray(value)) {
      let bytes = OBJECT_BYTES
      for (let i = 0; i < value.length; i++) bytes += this.field(value[i])
      return bytes
    }
    // A view holds its whole buffer (and structured clone copies all of it), counted once with the buffer.
    if (ArrayBuffer.isView(value)) return OBJECT_BYTES + this.field(value.buffer)
    if (value instanceof ArrayBuffer) return OBJECT_BYTES + value.byteLength
    if (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer) return OBJECT_BYTES + value.byteLength
    if (value instanceof Map) {
      let bytes = OBJECT_BYTES
      value.forEach((entry, key) => {
        bytes += this.field(key) + this.field(entry)
      })
      return bytes
    }
    if (value instanceof Set) {
      let bytes = OBJECT_BYTES
      value.forEach((entry) => {
        bytes += this.field(entry)
      })
      return bytes
    }
    if (value instanceof Date) return OBJECT_BYTES + NUMBER_BYTES
    if (value instanceof RegExp) return OBJECT_BYTES + stringBytes(value.source)
    if (typeof Blob !== "undefined" && value instanceof Blob) return OBJECT_BYTES + value.size
    let bytes = OBJECT_BYTES
    // Structured clone keeps these, and they are not enumerable.
    if (value instanceof Error) bytes += stringBytes(value.name) + stringBytes(value.message) + (typeof value.stack === "string" ? stringBytes(value.stack) : 0)
    // for-in rather than Object.keys: no key array per object. It also counts inherited
    // enumerable properties, which only makes the estimate larger.
    for (const key in value) bytes += stringBytes(key) + this.field((value as Record<string, unknown>)[key])
    return bytes
  }

  private field(value: unknown): number {
    if (typeof value !== "object" || value === null) return primitiveBytes(value)
    if (this.mode === WALK_OWN) return 0
    if (this.mode === WALK_RECORD) {
      if (!this.seen.has(value)) {
        this.seen.add(value)
        this.sharedStack.push(value)
      }
      return 0
    }
    // Checked before seen: a second reference to a shared object is a second slot.
    if (this.skip !== null && this.skip.has(value)) {
      if (!this.seen.has(value)) {
        this.seen.add(value)
        this.sharedStack.push(value)
      }
      this.references++
      return REFERENCE_BYTES
    }
    if (!this.seen.has(value)) {
      this.seen.add(value)
      this.stack.push(value)
    }
    return 0
  }
}

/**
 * A fast upper-bound estimate of the memory a structured-cloneable value holds: strings
 * 16 + 2 bytes a character, numbers 8, booleans (and null, undefined) 4, objects and
 * arrays 32 plus their keys (as strings; array indices are free) and fields, Maps and
 * Sets 32 plus their entries, typed arrays 32 plus their buffer, ArrayBuffers 32 plus
 * their byteLength. An object reached twice (shared structure, cycles) counts once.
 *
 * It overestimates on purpose (V8 stores one-byte strings at 1 byte a character and
 * shares the keys of objects of one shape): it bounds a history, it does not profile one.
 *
 * @since 0.1.0
 * @example
 * const row = { id: 1, label: "a" }
 * estimateBytes([row, row]) === estimateBytes([row]) // true: shared, counted once
 */
export function estimateBytes(value: unknown): number {
  return new ByteEstimator().measure(value)
}
