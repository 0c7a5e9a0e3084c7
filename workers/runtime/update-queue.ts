import { LANE_SYNC } from "../../protocol/lanes.ts"
import { UpdateReturnedUndefinedError } from "../errors.ts"
import { isCommand } from "../program.ts"

/**
 * The messages of one root, in dispatch order, and the model they fold into, with
 * rebasing as React's update queues do it.
 *
 * A render at lane L folds `base` over every entry whose lane is L or higher priority,
 * plus every entry an earlier commit already showed (so the screen never goes back),
 * skipping the rest. After the commit, the leading entries that every later render
 * includes are folded into `base` and dropped. Entries after a skipped one stay and are
 * folded again, in order, when their turn comes: so the final model always equals folding
 * every message in dispatch order, whatever lanes they took. `update` must be pure (as
 * Elm and React require); its commands run once, when its entry is first committed.
 */

const PENDING = 0
const COMMITTED = 1
const REJECTED = 2

export interface FoldResult<Model> {
  readonly model: Model
  /** Entries this fold included. */
  readonly included: number
  /** Entries included for the first time (not shown before). */
  readonly fresh: number
  /** Commands of the entries included for the first time. */
  readonly commands: readonly unknown[]
  /** Errors thrown by update, and UpdateReturnedUndefinedError for an update that returned no model (those entries are rejected for good). */
  readonly errors: readonly unknown[]
  /** The lane folded at. */
  readonly lane: number
  /** Leading entries that were all included (or rejected): they settle when this fold commits. */
  readonly settled: number
  /** The model after those leading entries: the next base. */
  readonly settledModel: Model
  /** Queue length when folded: entries pushed later are not part of this fold. */
  readonly length: number
  /** With `timer` set: the message whose update took longest, and its milliseconds (-1: not timed). */
  readonly slowestMsg: unknown
  readonly slowestMs: number
}

export class UpdateQueue<Model, Msg> {
  private base: Model
  private readonly msgs: Msg[] = []
  private readonly lanes: number[] = []
  private readonly times: number[] = []
  private readonly states: number[] = []
  /** Replaced by a hot swap (the new code's update folds what is pending). */
  update: (model: Model, msg: Msg) => unknown
  /** Entries ever pushed, and ever settled into the base: absolute positions for the recovery journal. */
  private pushedCount = 0
  private settledCount = 0
  private settledMessageCount = 0
  /**
   * Told after every commit and rejection: entries before the absolute position `end` of
   * lane `lane` or higher priority that were pending are now shown (or rejected). The
   * recovery journal (workers/runtime/journal.ts) listens.
   */
  onSettle: ((end: number, lane: number, rejected: boolean) => void) | null = null

  /**
   * Told, only when history is on (workers/state/history.ts), of the messages each commit
   * settled into the base, in fold order (rejected ones and wake-ups left out), with the
   * base after them.
   */
  onSettled: ((msgs: readonly Msg[], lanes: readonly number[], times: readonly number[], base: Model, updateMs: number) => void) | null = null

  /** A clock while devtools profile the root: `fold` then times each update and keeps the slowest. */
  timer: (() => number) | null = null

  constructor(base: Model, update: (model: Model, msg: Msg) => unknown) {
    this.base = base
    this.update = update
  }

  get length(): number {
    return this.msgs.length
  }

  push(msg: Msg, lane: number, time: number): void {
    this.msgs.push(msg)
    this.lanes.push(lane)
    this.times.push(time)
    this.states.push(PENDING)
    this.pushedCount++
  }

  /**
   * A message replayed after a worker crash (Sync lane). `shown`: a commit showed it before
   * the crash, so it is folded like a shown entry and its commands are not run again.
   */
  pushReplayed(msg: Msg, shown: boolean, time: number): void {
    this.push(msg, LANE_SYNC, time)
    if (shown) this.states[this.states.length - 1] = COMMITTED
  }

  /** Entries ever pushed: the absolute position of the next entry. */
  get pushed(): number {
    return this.pushedCount
  }

  /** Messages ever settled into the base (entries less wake-ups and rejected ones). */
  get settledMessages(): number {
    return this.settledMessageCount
  }

  /** Entries ever settled into the base. */
  get settledTotal(): number {
    return this.settledCount
  }

  /** The highest-priority lane with an entry not yet shown, or -1. */
  nextLane(): number {
    let best = -1
    for (let i = 0; i < this.states.length; i++) {
      if (this.states[i] === PENDING && (best === -1 || this.lanes[i] < best)) best = this.lanes[i]
    }
    return best
  }

  /** The lowest-priority lane with an entry not yet shown, or -1. */
  lowestPendingLane(): number {
    let worst = -1
    for (let i = 0; i < this.states.length; i++) if (this.states[i] === PENDING && this.lanes[i] > worst) worst = this.lanes[i]
    return worst
  }

  /** True if an entry not yet shown has a lane of higher priority than `lane`. */
  hasPendingAbove(lane: number): boolean {
    for (let i = 0; i < this.states.length; i++) if (this.states[i] === PENDING && this.lanes[i] < lane) return true
    return false
  }

  /** The lowest-priority lane among pending entries that waited `timeouts[lane]` ms or more by `now`; -1 if none. */
  expiredLane(now: number, timeouts: readonly number[]): number {
    let worst = -1
    for (let i = 0; i < this.states.length; i++) {
      if (this.states[i] === PENDING && now - this.times[i] >= timeouts[this.lanes[i]] && this.lanes[i] > worst) worst = this.lanes[i]
    }
    return worst
  }

  /** When the first pending entry of lane `from` or lower priority expires (Infinity if never). */
  nextExpiry(from: number, timeouts: readonly number[]): number {
    let first = Number.POSITIVE_INFINITY
    for (let i = 0; i < this.states.length; i++) {
      if (this.states[i] === PENDING && this.lanes[i] >= from) first = Math.min(first, this.times[i] + timeouts[this.lanes[i]])
    }
    return first
  }

  /** Pending entries the fold at `lane` would include (the batch size). */
  countPending(lane: number): number {
    let count = 0
    for (let i = 0; i < this.states.length; i++) if (this.states[i] === PENDING && this.lanes[i] <= lane) count++
    return count
  }

  /** Folds the model a render at `lane` shows. Entries whose update throws or returns undefined are rejected for good. */
  fold(lane: number): FoldResult<Model> {
    let model = this.base
    let included = 0
    let fresh = 0
    const commands: unknown[] = []
    const errors: unknown[] = []
    let settled = 0
    let settledModel = model
    let leading = true
    const timer = this.timer
    let slowestMsg: unknown = undefined
    let slowestMs = -1
    for (let i = 0; i < this.msgs.length; i++) {
      const state = this.states[i]
      if (state === PENDING && this.lanes[i] > lane) {
        leading = false
        continue
      }
      if (state === REJECTED) {
        if (leading) settled = i + 1
        continue
      }
      const msg = this.msgs[i]
      let result: unknown
      if (msg === undefined) {
        // A wake-up (first render, a live edit): not a message, update never sees it.
        result = model
      } else try {
        if (timer === null) result = this.update(model, msg)
        else {
          const start = timer()
          result = this.update(model, msg)
          const ms = timer() - start
          if (ms > slowestMs) {
            slowestMs = ms
            slowestMsg = msg
          }
        }
      } catch (error) {
        this.states[i] = REJECTED
        errors.push(error)
        continue
      }
      // A missing case: reject the message here, instead of a view failing later on an undefined model.
      if (msg !== undefined && (result === undefined || (isCommand(result) && result.model === undefined))) {
        this.states[i] = REJECTED
        errors.push(new UpdateReturnedUndefinedError({ msg }))
        continue
      }
      included++
      if (isCommand(result)) {
        model = result.model as Model
        if (state === PENDING) commands.push(...result.effects)
      } else model = result as Model
      if (state === PENDING) fresh++
      if (leading) {
        settled = i + 1
        settledModel = model
      }
    }
    return { model, included, fresh, commands, errors, lane, settled, settledModel, length: this.msgs.length, slowestMsg, slowestMs }
  }

  /**
   * The render of `fold` was committed: mark what it showed, and make its settled prefix
   * the new base. Entries pushed since the fold stay pending.
   */
  commit(fold: FoldResult<Model>, updateMs = 0): void {
    for (let i = 0; i < fold.length; i++) {
      if (this.states[i] === PENDING && this.lanes[i] <= fold.lane) this.states[i] = COMMITTED
    }
    const settled = fold.settled
    const end = this.settledCount + fold.length
    if (settled > 0) this.settleMessages(settled, fold.settledModel, updateMs)
    this.base = fold.settledModel
    this.msgs.splice(0, settled)
    this.lanes.splice(0, settled)
    this.times.splice(0, settled)
    this.states.splice(0, settled)
    this.settledCount += settled
    this.onSettle?.(end, fold.lane, false)
  }

  /** Counts the messages among the `settled` leading entries; tells `onSettled` (history on) which they were. */
  private settleMessages(settled: number, base: Model, updateMs: number): void {
    const report = this.onSettled
    if (report === null) {
      for (let i = 0; i < settled; i++) if (this.states[i] !== REJECTED && this.msgs[i] !== undefined) this.settledMessageCount++
      return
    }
    const msgs: Msg[] = []
    const lanes: number[] = []
    const times: number[] = []
    for (let i = 0; i < settled; i++) {
      if (this.states[i] === REJECTED || this.msgs[i] === undefined) continue
      msgs.push(this.msgs[i])
      lanes.push(this.lanes[i])
      times.push(this.times[i])
    }
    this.settledMessageCount += msgs.length
    if (msgs.length > 0) report(msgs, lanes, times, base, updateMs)
  }

  /** The render of `fold` failed (its view threw): its new entries are rejected for good. */
  reject(fold: FoldResult<Model>): void {
    for (let i = 0; i < fold.length; i++) {
      if (this.states[i] === PENDING && this.lanes[i] <= fold.lane) this.states[i] = REJECTED
    }
    this.onSettle?.(this.settledCount + fold.length, fold.lane, true)
  }

  /** The model after every settled message (what the screen shows when nothing is pending). */
  get baseModel(): Model {
    return this.base
  }

  /** Replaces the base (hot reload, snapshots); pending entries stay. */
  resetBase(model: Model): void {
    this.base = model
  }
}
