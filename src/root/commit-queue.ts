import { LANE_SYNC } from "../../protocol/lanes.ts"
import type { CommitInfo } from "../../protocol/messages.ts"

/**
 * Paces commits on the main thread. Sync commits are applied at once (with every commit
 * queued before them, in order); the others at the next animation frame, as many per
 * frame as fit in the frame budget (always at least one, applied whole), the rest in the
 * frames after. Commits are never reordered.
 */
export class CommitQueue {
  private readonly buffers: ArrayBuffer[] = []
  private readonly infos: CommitInfo[] = []
  private head = 0
  private frameRequested = false
  private readonly apply: (buffer: ArrayBuffer, info: CommitInfo) => void
  /** Called first in every frame (drains the commit ring into the queue); true: ask for the next frame too. */
  private readonly poll: (() => boolean) | null
  budgetMs: number
  /** Bound once: the rAF callback. */
  private readonly onFrame = (): void => {
    this.frameRequested = false
    if (this.poll !== null && this.poll()) this.requestFrame()
    if (this.head >= this.buffers.length) return
    const start = performance.now()
    do this.applyNext()
    while (this.head < this.buffers.length && performance.now() - start < this.budgetMs)
    if (this.head < this.buffers.length) this.requestFrame()
  }

  constructor(apply: (buffer: ArrayBuffer, info: CommitInfo) => void, budgetMs: number, poll: (() => boolean) | null = null) {
    this.apply = apply
    this.budgetMs = budgetMs
    this.poll = poll
  }

  /** Commits waiting to be applied. */
  get length(): number {
    return this.buffers.length - this.head
  }

  push(buffer: ArrayBuffer, info: CommitInfo): void {
    this.buffers.push(buffer)
    this.infos.push(info)
    if (info.lane === LANE_SYNC) this.drain()
    else this.requestFrame()
  }

  /** Applies every queued commit now, in order (Sync commits, flush). */
  drain(): void {
    while (this.head < this.buffers.length) this.applyNext()
  }

  /** Drops every queued commit (unmount). */
  clear(): void {
    this.buffers.length = 0
    this.infos.length = 0
    this.head = 0
  }

  private applyNext(): void {
    const i = this.head++
    const buffer = this.buffers[i]
    const info = this.infos[i]
    if (this.head === this.buffers.length) this.clear()
    this.apply(buffer, info)
  }

  /** Runs a frame callback at the next frame (once, however often asked). */
  requestFrame(): void {
    if (this.frameRequested) return
    this.frameRequested = true
    requestAnimationFrame(this.onFrame)
  }
}
