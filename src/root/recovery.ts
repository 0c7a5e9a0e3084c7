import { InvalidOptionError } from "../../protocol/errors.ts"
import { LANE_SYNC } from "../../protocol/lanes.ts"
import type { JournalEntry, JournalMark, ReplayEntry, RestoreState } from "../../protocol/messages.ts"

/** How a crashed worker is restarted (`createRoot`'s `recover` option). */
export interface RecoverOptions {
  /** Restarts in a row that may fail before the root gives up and shows its error state. Default 3. */
  readonly retries?: number
  /** Wait before the first restart, ms; doubled for each further one in a row. Default 100. */
  readonly backoffMs?: number
}

export interface ResolvedRecovery {
  readonly retries: number
  readonly backoffMs: number
}

export const DEFAULT_RECOVERY: ResolvedRecovery = { retries: 3, backoffMs: 100 }

/**
 * Checks the `recover` option: `undefined` or `true` (the defaults), `false` (off, null),
 * or `{ retries?, backoffMs? }`. Throws InvalidOptionError naming the field.
 */
export function resolveRecovery(value: unknown): ResolvedRecovery | null {
  if (value === undefined || value === true) return DEFAULT_RECOVERY
  if (value === false) return null
  if (typeof value !== "object" || value === null) throw new InvalidOptionError("recover", value, "false, true or { retries?, backoffMs? }")
  for (const key of Object.keys(value)) {
    if (key !== "retries" && key !== "backoffMs") throw new InvalidOptionError(`recover.${key}`, key, "retries or backoffMs")
  }
  const given = value as RecoverOptions
  const retries = given.retries ?? DEFAULT_RECOVERY.retries
  if (typeof retries !== "number" || !Number.isInteger(retries) || retries < 0) {
    throw new InvalidOptionError("recover.retries", retries, "an integer ≥ 0")
  }
  const backoffMs = given.backoffMs ?? DEFAULT_RECOVERY.backoffMs
  if (typeof backoffMs !== "number" || !Number.isFinite(backoffMs) || backoffMs < 0) {
    throw new InvalidOptionError("recover.backoffMs", backoffMs, "a finite number of milliseconds ≥ 0")
  }
  return { retries, backoffMs }
}

/** Journal entry states, as the worker's update queue has them. */
const PENDING = 0
const SHOWN = 1
const REJECTED = 2

/**
 * The main-thread side of crash recovery for one root (the worker side is
 * workers/runtime/journal.ts): the last snapshot of the model, and every message after it, in
 * the order the worker queued them, each with what the worker did with it.
 *
 * Two streams make up the worker's queue: messages this thread dispatched (it keeps
 * them as it sends them) and messages born in the worker (posted back in its journal,
 * each saying how many dispatches the worker had queued before it). `restoreState`
 * merges them back into the worker's order. Commit marks say which were shown (their
 * commands ran: not run again) or rejected (left out); a snapshot drops what it covers.
 *
 * Plain arrays, no Effect: this runs on the main thread for every dispatch.
 */
export class RecoveryLog {
  private lastModel: unknown = undefined
  private hasModel = false
  /** Dispatches not covered by the snapshot: the first is number `dispatchBase + 1`. */
  private readonly dispatchMsgs: unknown[] = []
  private readonly dispatchLanes: number[] = []
  private readonly dispatchStates: number[] = []
  /** The message is the worker's own value (a born message replayed as a dispatch), not one to decode. */
  private readonly dispatchDecoded: boolean[] = []
  private dispatchBase = 0
  /** Worker-born messages not covered by the snapshot: the first is number `bornBase + 1`. */
  private readonly bornMsgs: unknown[] = []
  private readonly bornLanes: number[] = []
  private readonly bornStates: number[] = []
  private readonly bornAfter: number[] = []
  private bornBase = 0

  /** Messages held (not covered by the snapshot). */
  get length(): number {
    return this.dispatchMsgs.length + this.bornMsgs.length
  }

  /** True once a snapshot has arrived (else a restart starts from the program's init). */
  get hasSnapshot(): boolean {
    return this.hasModel
  }

  /** The main thread sent `msg` (a copy: later changes to the caller's object must not leak in). */
  dispatched(msg: unknown, lane: number): void {
    this.pushDispatch(msg, lane, PENDING, false)
  }

  /** A `journal` post of the worker: born messages numbered from `first`, then commit marks. */
  journal(first: number, entries: readonly JournalEntry[], marks: readonly JournalMark[]): void {
    const known = this.bornBase + this.bornMsgs.length
    for (let i = 0; i < entries.length; i++) {
      if (first + i <= known) continue
      const entry = entries[i]
      this.bornMsgs.push(entry.msg)
      this.bornLanes.push(entry.lane)
      this.bornStates.push(PENDING)
      this.bornAfter.push(entry.after)
    }
    for (let i = 0; i < marks.length; i++) this.mark(marks[i])
  }

  /** A snapshot: `model` folds in the first `dispatches` dispatches and `born` worker messages. */
  snapshot(model: unknown, dispatches: number, born: number): void {
    const dropDispatches = Math.min(Math.max(dispatches - this.dispatchBase, 0), this.dispatchMsgs.length)
    dropFirst(dropDispatches, this.dispatchMsgs, this.dispatchLanes, this.dispatchStates, this.dispatchDecoded)
    this.dispatchBase += dropDispatches
    const dropBorn = Math.min(Math.max(born - this.bornBase, 0), this.bornMsgs.length)
    dropFirst(dropBorn, this.bornMsgs, this.bornLanes, this.bornStates, this.bornAfter)
    this.bornBase += dropBorn
    this.lastModel = model
    this.hasModel = true
  }

  /**
   * What a new worker starts from: the snapshot and the messages after it in the old
   * worker's order (rejected ones left out). The log then describes the new worker,
   * which counts the replayed messages as its first dispatches (Sync lane).
   */
  restoreState(): RestoreState {
    const replay = this.replay()

    dropFirst(this.dispatchMsgs.length, this.dispatchMsgs, this.dispatchLanes, this.dispatchStates, this.dispatchDecoded)
    this.dispatchBase = 0
    this.bornMsgs.length = 0
    this.bornLanes.length = 0
    this.bornStates.length = 0
    this.bornAfter.length = 0
    this.bornBase = 0
    this.replayed(replay)
    return { hasModel: this.hasModel, model: this.lastModel, replay }
  }

  /** The snapshot's model (undefined before the first snapshot). */
  get model(): unknown {
    return this.lastModel
  }

  /** The messages after the snapshot, in the worker's order, rejected ones left out; the log is unchanged. */
  replay(): ReplayEntry[] {
    const replay: ReplayEntry[] = []
    let d = 0
    for (let b = 0; b < this.bornMsgs.length; b++) {
      const after = this.bornAfter[b]
      while (d < this.dispatchMsgs.length && this.dispatchBase + d + 1 <= after) this.replayDispatch(replay, d++)
      if (this.bornStates[b] !== REJECTED) replay.push({ msg: this.bornMsgs[b], shown: this.bornStates[b] === SHOWN, decoded: true })
    }
    while (d < this.dispatchMsgs.length) this.replayDispatch(replay, d++)
    return replay
  }

  /**
   * The first worker starts from a stored model (the `persist` option) and folds `replay`
   * before anything else: the log holds those messages as its first dispatches, before
   * any the app dispatched while the stored model was read (they reach the worker after).
   */
  replayed(replay: readonly ReplayEntry[]): void {
    // In front of what is there, without spreading (a long replay would overflow the argument list).
    const msgs = this.dispatchMsgs.splice(0)
    const lanes = this.dispatchLanes.splice(0)
    const states = this.dispatchStates.splice(0)
    const decoded = this.dispatchDecoded.splice(0)
    for (let i = 0; i < replay.length; i++) this.pushDispatch(replay[i].msg, LANE_SYNC, replay[i].shown ? SHOWN : PENDING, replay[i].decoded === true)
    for (let i = 0; i < msgs.length; i++) this.pushDispatch(msgs[i], lanes[i], states[i], decoded[i])
  }

  private pushDispatch(msg: unknown, lane: number, state: number, decoded: boolean): void {
    this.dispatchMsgs.push(msg)
    this.dispatchLanes.push(lane)
    this.dispatchStates.push(state)
    this.dispatchDecoded.push(decoded)
  }

  private replayDispatch(replay: ReplayEntry[], i: number): void {
    if (this.dispatchStates[i] !== REJECTED) replay.push({ msg: this.dispatchMsgs[i], shown: this.dispatchStates[i] === SHOWN, decoded: this.dispatchDecoded[i] })
  }

  /** The worker's UpdateQueue.commit/reject rule, on this copy. */
  private mark(mark: JournalMark): void {
    const state = mark.rejected ? REJECTED : SHOWN
    const dispatches = Math.min(mark.dispatches - this.dispatchBase, this.dispatchMsgs.length)
    for (let i = 0; i < dispatches; i++) {
      if (this.dispatchStates[i] === PENDING && this.dispatchLanes[i] <= mark.lane) this.dispatchStates[i] = state
    }
    const born = Math.min(mark.born - this.bornBase, this.bornMsgs.length)
    for (let i = 0; i < born; i++) {
      if (this.bornStates[i] === PENDING && this.bornLanes[i] <= mark.lane) this.bornStates[i] = state
    }
  }
}

/** Drops the first `count` entries of each column of a log (parallel arrays). */
function dropFirst(count: number, ...columns: unknown[][]): void {
  for (let i = 0; i < columns.length; i++) columns[i].splice(0, count)
}
