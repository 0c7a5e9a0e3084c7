import { isShuttleError, type ShuttleError, UnexpectedError } from "../../protocol/errors.ts"
import { LANE_NAMES } from "../../protocol/lanes.ts"
import type { CommitInfo } from "../../protocol/messages.ts"
import { Header } from "../../protocol/opcodes.ts"
import { CommitQueue } from "./commit-queue.ts"
import type { CommitStats } from "./root-api.ts"

/** What the pipeline needs from its root. */
export interface CommitHost {
  /** Validates and applies one patch list to the DOM; returns its commit id, or throws a typed error. */
  apply(buffer: ArrayBuffer): number
  /** Forgets every node, string and listener and empties the container (before a new worker's first commit). */
  resetView(): void
  /** Returns the buffer to the worker (transferred) for reuse, acknowledging `commitId`. */
  ack(commitId: number, buffer: ArrayBuffer): void
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
 * The first commit of each worker replaces the whole DOM: the view is reset right before
 * it is applied, so the page shows the old DOM (a placeholder, or a crashed worker's last
 * view) until the new one is ready. Until then `committed` is false: the node ids on
 * screen are not the running worker's, and events on them are dropped.
 */
export class CommitPipeline {
  private readonly host: CommitHost
  private readonly queue: CommitQueue
  /** The first commit of the running worker, once it has arrived and until it is applied. */
  private resetBefore: ArrayBuffer | null = null
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
    this.queue = new CommitQueue((buffer, info) => this.apply(buffer, info), budgetMs)
  }

  /** A new worker runs: its first commit resets the view. `restored`: it replaces a crashed one. */
  startWorker(restored: boolean): void {
    this.resetBefore = null
    this.firstApplied = false
    this.restored = restored
  }

  /** The running worker's first commit is applied: the DOM and node ids on screen are its own. */
  get committed(): boolean {
    return this.firstApplied
  }

  /** A commit from the running worker. */
  receive(buffer: ArrayBuffer, info: CommitInfo): void {
    if (!this.firstApplied && this.resetBefore === null) this.resetBefore = buffer
    this.queue.push(buffer, info)
  }

  /** Applies every queued commit now, in order (a flush answered, a crash). */
  drain(): void {
    this.queue.drain()
  }

  /** Drops every queued commit (the end, unmount). */
  clear(): void {
    this.queue.clear()
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

  private apply(buffer: ArrayBuffer, info: CommitInfo): void {
    const host = this.host
    if (buffer === this.resetBefore) {
      this.resetBefore = null
      host.resetView()
      this.firstApplied = true
      if (this.restored) this.restarts++
    }
    const started = performance.now()
    let commitId: number
    try {
      commitId = host.apply(buffer)
    } catch (error) {
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
    host.ack(commitId, buffer)
    this.last = { ...info, commitId, laneName: LANE_NAMES[info.lane] ?? "default", patchBytes, applyMs }
    host.onCommit?.(this.last)
  }
}
