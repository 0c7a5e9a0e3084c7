/**
 * The flushes of one root: each `flush()` gets a sequence number, is sent to the running
 * worker (or held while none runs, between a crash and the restart), and settles when the
 * worker answers `flushed` with its number, or when every pending one is rejected at once
 * (a crash, the end, unmount).
 */
export class FlushRegistry {
  private lastSeq = 0
  private readonly pending = new Map<number, { readonly resolve: () => void; readonly reject: (error: unknown) => void }>()
  /** Sequence numbers asked for while no worker ran, in order. */
  private readonly waiting: number[] = []

  /** Flushes not settled yet. */
  get size(): number {
    return this.pending.size
  }

  /** Flushes held until a worker runs. */
  get waitingCount(): number {
    return this.waiting.length
  }

  /**
   * A new flush. `send` posts it to the running worker and returns true, or returns false
   * when none runs: it is then held for `sendWaiting`.
   */
  request(send: (seq: number) => boolean): Promise<void> {
    const seq = ++this.lastSeq
    return new Promise<void>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject })
      if (!send(seq)) this.waiting.push(seq)
    })
  }

  /** A worker runs now: sends it every held flush, in order. */
  sendWaiting(send: (seq: number) => void): void {
    for (let i = 0; i < this.waiting.length; i++) send(this.waiting[i])
    this.waiting.length = 0
  }

  /** The worker answered flush `seq`: everything dispatched before it is on screen. */
  resolve(seq: number): void {
    const entry = this.pending.get(seq)
    if (entry === undefined) return
    this.pending.delete(seq)
    entry.resolve()
  }

  /** Rejects every pending flush with `error` (held ones too). */
  rejectAll(error: unknown): void {
    const entries = [...this.pending.values()]
    this.pending.clear()
    this.waiting.length = 0
    for (const entry of entries) entry.reject(error)
  }
}
