import { LANE_SYNC } from "../../protocol/lanes.ts"
import type { FromWorker, JournalEntry, JournalMark, ReplayEntry } from "../../protocol/messages.ts"

/** Snapshots are structured clones of the whole model: at most one per this many ms. */
export const SNAPSHOT_INTERVAL_MS = 250
/**
 * A snapshot that falls due (after the first) is taken this long after the commit that made
 * it due, not before that commit is posted: cloning the model (a few ms for a 1,000-row table, in the
 * worker and again on the page) then never delays a commit nor lands with it.
 */
export const SNAPSHOT_DELAY_MS = 100

/** Where the journal posts (the root's data port). */
export interface JournalPort {
  postMessage(message: FromWorker): void
}

/** What the journal reads of the root's update queue (workers/runtime/update-queue.ts). */
export interface JournalQueue {
  readonly pushed: number
  readonly settledTotal: number
  readonly baseModel: unknown
  onSettle: ((end: number, lane: number, rejected: boolean) => void) | null
  pushReplayed(msg: unknown, shown: boolean, time: number): void
}

/** Timers, injected so tests drive them by hand. */
export interface JournalClock {
  now(): number
  setTimer(ms: number, fn: () => void): unknown
  clearTimer(timer: unknown): void
}

const realClock: JournalClock = {
  now: () => performance.now(),
  setTimer: (ms, fn) => setTimeout(fn, ms),
  clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>)
}

/**
 * The worker side of crash recovery for one root. The main thread keeps the other side
 * (src/root/recovery.ts): the last snapshot and every message after it, so that a restarted
 * worker can start from the snapshot and fold the same messages again, in the same order.
 *
 * - Main-thread messages (dispatches) are already on the main thread: the journal only
 *   counts them, so it can say where worker-born messages go between them.
 * - Worker-born messages (event handlers, commands, effects, subscriptions) are posted to
 *   the main thread at the end of the task that queued them, and always before the commit
 *   that first shows them: a commit the main thread applied never shows a message that
 *   the main thread does not hold.
 * - Every commit posts a mark: which pending messages it settled (shown, so their
 *   commands ran, or rejected by a view that threw).
 * - A snapshot is the queue's base model (every settled message folded in dispatch
 *   order), taken at the first commit and then at most every SNAPSHOT_INTERVAL_MS, at
 *   least SNAPSHOT_DELAY_MS after the commit that made it due (never on a commit's path),
 *   with a trailing one when activity stops. It lets the main thread drop what it covers.
 *
 * Positions are absolute queue positions (UpdateQueue.pushed / settledTotal); the queue's
 * wake-up entries (`undefined`) have positions too but are not messages and are not recorded.
 */
export class RootJournal {
  private readonly port: JournalPort
  private readonly queue: JournalQueue
  private readonly clock: JournalClock
  /** Queue positions of the recorded messages not yet covered by a snapshot, ascending. */
  private readonly positions: number[] = []
  /** For each of them: main-thread messages and worker messages recorded up to and including it. */
  private readonly dispatchesAt: number[] = []
  private readonly bornAt: number[] = []
  private dispatches = 0
  private born = 0
  /** Counts covered by the last snapshot. */
  private coveredDispatches = 0
  private coveredBorn = 0
  private entries: JournalEntry[] = []
  private marks: JournalMark[] = []
  private flushQueued = false
  private lastSnapshotAt = Number.NEGATIVE_INFINITY
  private lastSnapshotSettled = -1
  private timer: unknown = null
  private stopped = false
  private readonly flushBound = (): void => {
    this.flushQueued = false
    this.flush()
  }

  constructor(port: JournalPort, queue: JournalQueue, clock: JournalClock = realClock) {
    this.port = port
    this.queue = queue
    this.clock = clock
    queue.onSettle = (end, lane, rejected) => this.settle(end, lane, rejected)
  }

  /**
   * A message was just pushed to the queue. `fromMain`: it came from the main thread (a
   * dispatch, or a replayed message), which holds it already.
   */
  record(msg: unknown, lane: number, fromMain: boolean): void {
    if (this.stopped) return
    this.positions.push(this.queue.pushed - 1)
    if (fromMain) this.dispatches++
    else {
      this.born++
      this.entries.push({ msg, lane, after: this.dispatches })
      if (!this.flushQueued) {
        this.flushQueued = true
        queueMicrotask(this.flushBound)
      }
    }
    this.dispatchesAt.push(this.dispatches)
    this.bornAt.push(this.born)
  }

  /** Posts the worker-born messages and marks not posted yet. */
  flush(): void {
    if (this.stopped || (this.entries.length === 0 && this.marks.length === 0)) return
    const entries = this.entries
    const marks = this.marks
    this.entries = []
    this.marks = []
    this.post({ t: "journal", first: this.born - entries.length + 1, entries, marks })
  }

  /** The base model was replaced (a restore, an import): snapshot it now, whatever was settled. */
  refresh(): void {
    if (this.stopped) return
    if (this.timer !== null) this.clock.clearTimer(this.timer)
    this.timer = null
    // At once: until the main thread has it, a crash would restart from the replaced model.
    this.snapshot()
  }

  /** Stops journaling and cancels the trailing snapshot (the root is closing). */
  close(): void {
    this.stopped = true
    this.queue.onSettle = null
    if (this.timer !== null) this.clock.clearTimer(this.timer)
    this.timer = null
  }

  private settle(end: number, lane: number, rejected: boolean): void {
    if (this.stopped) return
    const at = this.countBefore(end)
    this.marks.push({ lane, dispatches: at < 0 ? this.coveredDispatches : this.dispatchesAt[at], born: at < 0 ? this.coveredBorn : this.bornAt[at], rejected })
    // Before the commit is posted (the root posts it after the scheduler's step returns).
    this.flush()
    this.maybeSnapshot()
  }

  /** Index in `positions` of the last recorded message before `end`, or -1. */
  private countBefore(end: number): number {
    let low = 0
    let high = this.positions.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (this.positions[mid] < end) low = mid + 1
      else high = mid
    }
    return low - 1
  }

  /** Takes the first snapshot now; sets the timer of the next one, if one is due and none is set. */
  private maybeSnapshot(): void {
    if (this.stopped || this.timer !== null || this.queue.settledTotal === this.lastSnapshotSettled) return
    // The first one at once: recovery and persistence have a model from the first commit on,
    // and a model that cannot be cloned is reported then.
    if (this.lastSnapshotAt === Number.NEGATIVE_INFINITY) {
      this.snapshot()
      return
    }
    const wait = Math.max(SNAPSHOT_DELAY_MS, this.lastSnapshotAt + SNAPSHOT_INTERVAL_MS - this.clock.now())
    this.timer = this.clock.setTimer(wait, this.onSnapshotDue)
  }

  /** Bound once: the snapshot timer's callback. */
  private readonly onSnapshotDue = (): void => {
    this.timer = null
    if (!this.stopped && this.queue.settledTotal !== this.lastSnapshotSettled) this.snapshot()
  }

  private snapshot(): void {
    const settled = this.queue.settledTotal
    const at = this.countBefore(settled)
    const dispatches = at < 0 ? this.coveredDispatches : this.dispatchesAt[at]
    const born = at < 0 ? this.coveredBorn : this.bornAt[at]
    // The main thread must hold every entry the snapshot covers before it drops them.
    this.flush()
    if (!this.post({ t: "snapshot", model: this.queue.baseModel, dispatches, born })) return
    this.lastSnapshotAt = this.clock.now()
    this.lastSnapshotSettled = settled
    this.coveredDispatches = dispatches
    this.coveredBorn = born
    const drop = at + 1
    this.positions.splice(0, drop)
    this.dispatchesAt.splice(0, drop)
    this.bornAt.splice(0, drop)
  }

  /** Posts `message`; a model or message that cannot be cloned turns the journal off for good. */
  private post(message: FromWorker): boolean {
    try {
      this.port.postMessage(message)
      return true
    } catch (cause) {
      this.close()
      const what = message.t === "snapshot" ? "the model" : "a message born in the worker"
      this.port.postMessage({ t: "unrecoverable", message: `${what} cannot be structured-cloned (${String(cause)}), so this root cannot be restored after a worker crash. Keep models and messages plain data.` })
      return false
    }
  }
}

/**
 * Queues the messages a restarted worker folds again before its first render, in order,
 * in the Sync lane (so that first render shows them all). Messages shown before the crash
 * keep their commands from running a second time. They count as main-thread messages.
 * `decode` checks each dispatched one again (the program's message Schema): one it refuses
 * (it was refused the first time too) keeps its place as a wake-up, so the counts stay
 * aligned. Born ones (`decoded`) are the worker's own values and go to update as they are.
 */
export function replayInto(queue: JournalQueue, journal: RootJournal | null, replay: readonly ReplayEntry[], time: number, decode: (msg: unknown) => { readonly ok: boolean; readonly value?: unknown } = accept): void {
  for (let i = 0; i < replay.length; i++) {
    const entry = replay[i]
    // A born message is the worker's own value; a dispatched one is decoded as when it came first.
    const decoded = entry.decoded === true ? null : decode(entry.msg)
    const msg = decoded === null ? entry.msg : decoded.ok ? decoded.value : undefined
    queue.pushReplayed(msg, entry.shown, time)
    journal?.record(msg, LANE_SYNC, true)
  }
}

const accept = (msg: unknown) => ({ ok: true, value: msg })
