import { isShuttleError, type ShuttleError, UnexpectedError } from "../../protocol/errors.ts"
import { LANE_NAMES } from "../../protocol/lanes.ts"
import type { CommitInfo } from "../../protocol/messages.ts"
import { Header } from "../../protocol/opcodes.ts"
import { CommitOrder } from "../../protocol/ring/commit-order.ts"
import { CommitRingReader, CorruptRingError } from "../../protocol/ring/ring-reader.ts"
import { CommitQueue } from "./commit-queue.ts"
import type { CommitStats } from "./root-api.ts"

/** What the pipeline needs from its root. */
export interface CommitHost {
  /** Validates and applies one patch list to the DOM; returns its commit id, or throws a typed error. */
  apply(buffer: ArrayBuffer): number
  /** Forgets every node, string and listener and empties the container (before a new worker's first commit). */
  resetView(): void
  /**
   * Commit `commitId` is applied. A port commit's buffer goes back to the worker
   * (transferred, with the ack); null for a ring copy, whose ack is in the ring already.
   */
  ack(commitId: number, buffer: ArrayBuffer | null): void
  /**
   * A commit's stats reached the page: the credit gate's turn. Before the commit is applied
   * (`applied` false), or, for a ring commit drained and applied before its doorbell, after
   * (`applied` true: the ack came before the gate knew the commit spent its credit).
   */
  arrived(info: CommitInfo, applied: boolean): void
  /** The ring holds what no writer could have written: the worker is not to be trusted any more. */
  ringBroken(error: CorruptRingError): void
  readonly onCommit: ((commit: CommitStats) => void) | undefined
  readonly onError: (error: ShuttleError) => void
}

/** Counters of applied commits, as `root.stats` shows them. */
export interface CommitCounters {
  readonly commits: number
  readonly lastPatchBytes: number
  readonly totalPatchBytes: number
  readonly lastApplyMs: number
  readonly restarts: number
}

/**
 * The one place a root's commits arrive and are applied: paced by the CommitQueue (Sync
 * at once, the rest per frame within the budget), then applied, measured, acknowledged
 * (the buffer goes back to the worker) and reported to `onCommit`.
 *
 * Commits come by the port, or, when the page is cross-origin isolated, through the
 * commit ring (protocol/ring), which the page drains itself at every delegated event and
 * every frame instead of waiting for a message behind input and frames in its queue.
 * A CommitOrder puts the two paths back in commit-id order. A ring entry's stats come
 * with its doorbell message, which may arrive after the entry was drained and applied:
 * `onCommit` then reports it when they do.
 *
 * The first commit of each worker replaces the whole DOM: the view is reset right before
 * it is applied, so the page shows the old DOM (a placeholder, or a crashed worker's last
 * view) until the new one is ready. Until then `committed` is false: the node ids on
 * screen are not the running worker's, and events on them are dropped.
 */
export class CommitPipeline {
  private readonly host: CommitHost
  private readonly queue: CommitQueue
  private order = new CommitOrder(null)
  private reader: CommitRingReader | null = null
  /** Stats of commits not yet drained, by commit id (a port commit's, or a doorbell that came first). */
  private readonly infos = new Map<number, CommitInfo>()
  /** Ring commits applied before their doorbell: what onCommit will report with its stats. */
  private readonly unreported = new Map<number, { readonly patchBytes: number; readonly applyMs: number }>()
  /** Ring commits drained before their doorbell brought their stats. */
  private readonly drainedEarly = new Set<number>()
  /** Frames left to poll the ring for an answer to an event. */
  private pollFrames = 0
  /** The event whose answer the frames poll for. */
  private awaitedSeq = 0
  /** How long the next frame may wait for that answer (ms); 0 once a frame has waited. */
  private frameWaitMs = 0
  private firstApplied = false
  private restored = false
  private commits = 0
  private lastPatchBytes = 0
  private totalPatchBytes = 0
  private lastApplyMs = 0
  private restarts = 0
  private last: CommitStats | null = null

  constructor(host: CommitHost, budgetMs: number) {
    this.host = host
    this.queue = new CommitQueue((buffer, info) => this.apply(buffer, info), budgetMs, () => this.pollRing())
  }

  /**
   * A new worker runs: its first commit resets the view. `restored`: it replaces a crashed
   * one. `ring`: the commit ring it writes to, or null (commits come by the port only).
   */
  startWorker(restored: boolean, ring: SharedArrayBuffer | null = null): void {
    this.firstApplied = false
    this.restored = restored
    this.reader = ring === null ? null : new CommitRingReader(ring)
    this.order = new CommitOrder(this.reader)
    this.infos.clear()
    this.unreported.clear()
    this.drainedEarly.clear()
    this.pollFrames = 0
    this.frameWaitMs = 0
  }

  /** The running worker's first commit is applied: the DOM and node ids on screen are its own. */
  get committed(): boolean {
    return this.firstApplied
  }

  /** A commit from the running worker, by the port. */
  receive(buffer: ArrayBuffer, info: CommitInfo): void {
    const commitId = commitIdOf(buffer)
    if (!this.order.offer(buffer, commitId)) return
    this.infos.set(commitId, info)
    this.pump()
  }

  /** The worker put commit `commitId` in the ring: drain it (if not done yet), and report its stats. */
  doorbell(commitId: number, info: CommitInfo): void {
    if (this.drainedEarly.delete(commitId)) {
      const applied = this.unreported.get(commitId)
      this.host.arrived(info, applied !== undefined)
      if (applied === undefined) {
        // Still waiting for its frame: `apply` takes these stats.
        this.infos.set(commitId, info)
        return
      }
      this.unreported.delete(commitId)
      this.report(info, commitId, applied.patchBytes, applied.applyMs)
      return
    }
    this.infos.set(commitId, info)
    this.pump()
  }

  /**
   * Moves every commit that is next in order, from the ring or held port commits, into the
   * queue (Sync ones are applied at once). Call it whenever a commit may have arrived.
   */
  pump(): void {
    for (let buffer = this.nextInOrder(); buffer !== null; buffer = this.nextInOrder()) {
      const commitId = commitIdOf(buffer)
      let info = this.infos.get(commitId)
      if (info === undefined) {
        // From the ring, ahead of its doorbell: paced by the lane in its header until the stats come.
        info = headerInfo(buffer)
        this.drainedEarly.add(commitId)
      } else {
        this.infos.delete(commitId)
        this.host.arrived(info, false)
      }
      this.queue.push(buffer, info)
    }
  }

  /**
   * Discrete event `seq` was sent: waits up to `waitMs` for the worker to say it is
   * answered (the ring's AnsweredSeq), so that `pump` right after applies its Sync commit
   * within the event's own task and the next frame shows it. True if it was answered.
   * A spin, bounded: the main thread may not block in Atomics.wait, and a worker that is
   * not rendering answers in a millisecond or two.
   */
  awaitAnswer(seq: number, waitMs: number): boolean {
    const reader = this.reader
    if (reader === null || waitMs <= 0) return false
    if (reader.answeredSeq >= seq) return true
    const deadline = performance.now() + waitMs
    while (reader.answeredSeq < seq) if (performance.now() >= deadline) return false
    return true
  }

  /**
   * Event `seq` was sent and its answer has not come: poll the ring at the next frames for
   * it, in case no other event or message comes, until the worker says it is answered.
   * The first of those frames waits up to `frameWaitMs` for it (a discrete event's answer,
   * applied at once, is then painted in that frame instead of the one after it).
   */
  expectAnswer(seq: number, frameWaitMs = 0): void {
    if (this.reader === null) return
    this.awaitedSeq = seq
    // A later event (a pointermove) keeps an earlier click's wait: the answer to `seq` covers both.
    this.frameWaitMs = Math.max(this.frameWaitMs, frameWaitMs)
    this.pollFrames = POLL_FRAMES
    this.queue.requestFrame()
  }

  /** The next commit in order, or null; a corrupt ring is reported (the worker is replaced) and yields nothing more. */
  private nextInOrder(): ArrayBuffer | null {
    try {
      return this.order.next()
    } catch (error) {
      if (!(error instanceof CorruptRingError)) throw error
      this.reader = null
      this.order = new CommitOrder(null)
      this.host.ringBroken(error)
      return null
    }
  }

  /** Applies every queued commit now, in order (a flush answered, a crash). */
  drain(): void {
    this.queue.drain()
  }

  /** Drops every queued commit (the end, unmount). */
  clear(): void {
    this.queue.clear()
    this.frameWaitMs = 0
  }

  /** Commits waiting for a frame. */
  get length(): number {
    return this.queue.length
  }

  set budgetMs(ms: number) {
    this.queue.budgetMs = ms
  }

  get counters(): CommitCounters {
    return {
      commits: this.commits,
      lastPatchBytes: this.lastPatchBytes,
      totalPatchBytes: this.totalPatchBytes,
      lastApplyMs: this.lastApplyMs,
      restarts: this.restarts
    }
  }

  /** The last applied commit, or null before the first. */
  get lastCommit(): CommitStats | null {
    return this.last
  }

  /** The frame callback's first step: drain the ring; true while it should poll at the next frame too. */
  private pollRing(): boolean {
    const reader = this.reader
    if (reader === null) return false
    if (this.frameWaitMs > 0) {
      // Once per event: a worker still busy after that is rendering something long.
      this.awaitAnswer(this.awaitedSeq, this.frameWaitMs)
      this.frameWaitMs = 0
    }
    // Read before pumping: an answer published after this read is not in the ring yet.
    const answered = reader.answeredSeq >= this.awaitedSeq
    const before = this.queue.length
    this.pump()
    if (answered || this.queue.length !== before) this.pollFrames = 0
    return this.pollFrames-- > 0
  }

  private apply(buffer: ArrayBuffer, info: CommitInfo): void {
    const host = this.host
    if (!this.firstApplied) {
      host.resetView()
      this.firstApplied = true
      if (this.restored) this.restarts++
    }
    const started = performance.now()
    let commitId: number
    try {
      commitId = host.apply(buffer)
    } catch (error) {
      this.reader?.recycle(buffer)
      // The applier throws typed errors; anything else is a bug, reported as one.
      host.onError(isShuttleError(error) ? error : new UnexpectedError("applying a commit", error))
      return
    }
    const applyMs = performance.now() - started
    const patchBytes = new Uint32Array(buffer, 0, Header.Size)[Header.ByteLength]
    this.commits++
    this.lastApplyMs = applyMs
    this.lastPatchBytes = patchBytes
    this.totalPatchBytes += patchBytes
    // A ring copy goes back to the reader's pool and its ack into the ring (no message); a
    // port commit's buffer goes back to the worker with its ack.
    const copied = this.reader !== null && this.reader.recycle(buffer)
    if (copied) this.reader!.applied(commitId)
    host.ack(commitId, copied ? null : buffer)
    if (info.worker === undefined && copied) {
      // Drained before its doorbell: the stats came while it waited for its frame, or come later.
      const late = this.infos.get(commitId)
      if (late === undefined) {
        this.unreported.set(commitId, { patchBytes, applyMs })
        return
      }
      this.infos.delete(commitId)
      info = late
    }
    this.report(info, commitId, patchBytes, applyMs)
  }

  private report(info: CommitInfo, commitId: number, patchBytes: number, applyMs: number): void {
    this.last = { ...info, commitId, laneName: LANE_NAMES[info.lane] ?? "default", patchBytes, applyMs }
    this.host.onCommit?.(this.last)
  }
}

/** Frames the page polls the ring for after sending an event (about half a second). */
const POLL_FRAMES = 30

/** The commit id in a patch list's header, or -1 if the list is too short to hold one (the applier refuses it). */
function commitIdOf(buffer: ArrayBuffer): number {
  return buffer.byteLength >= Header.Size * 4 ? new Uint32Array(buffer, 0, Header.Size)[Header.CommitId] : -1
}

/** What the header says of a ring commit whose doorbell has not come yet: its lane, for pacing. */
function headerInfo(buffer: ArrayBuffer): CommitInfo {
  const lane = buffer.byteLength >= Header.Size * 4 ? new Uint32Array(buffer, 0, Header.Size)[Header.Lane] : 0
  return { lane, messages: 0, updateMs: 0, viewMs: 0, diffMs: 0, encodeMs: 0, slices: 0, interruptions: 0, expired: false }
}
