import type { CommitInfo } from "../../protocol/messages.ts"

/** What the gate needs from its root. */
export interface CreditHost {
  /** The page could apply a commit now, before anything urgent: no commit waits, a worker runs and has committed. */
  canApply(): boolean
  /** Sends credit `id`: valid until a discrete event after `eventSeq` reaches the worker. */
  grant(id: number, eventSeq: number): void
  /** Sequence number of the last DOM event sent. */
  eventSeq(): number
  now(): number
}

/** Input the browser has queued but not dispatched yet (Chromium's `navigator.scheduling.isInputPending`). */
function inputPending(): boolean {
  const scheduling = (globalThis as { navigator?: { scheduling?: { isInputPending?: () => boolean } } }).navigator?.scheduling
  return scheduling?.isInputPending?.() === true
}

/**
 * Non-urgent commits are pulled, not pushed. The worker renders Default, Transition and
 * Idle work only while it holds a credit, and the page grants one only when it can apply
 * that commit before anything urgent: its commit queue is empty, and input has been quiet
 * for `quietMs` (typing defers heavy commits, as React's transitions yield to input).
 * A discrete event the page sends voids the credit on both sides. At most one credit is
 * outstanding, so at most one non-urgent commit is ever on its way.
 *
 * Expired lanes and flushes are urgent and need no credit: a Transition still shows
 * within its `timeoutMs` however long the user types.
 */
export class CreditGate {
  private readonly host: CreditHost
  private outstanding = false
  /** Id of the last credit granted: a commit names the credit it spent, so an older, voided one does not count. */
  private lastId = 0
  private lastInputAt = Number.NEGATIVE_INFINITY
  private timer: ReturnType<typeof setTimeout> | null = null
  quietMs: number
  /** Bound once: the quiet timer's callback. */
  private readonly onQuiet = (): void => {
    this.timer = null
    this.offer()
  }

  constructor(host: CreditHost, quietMs: number) {
    this.host = host
    this.quietMs = quietMs
  }

  /** A credit is granted and not yet spent or voided. */
  get granted(): boolean {
    return this.outstanding
  }

  /** Grants a credit if none is outstanding, the page can apply a commit now and input is quiet. */
  offer(): void {
    if (this.outstanding || !this.host.canApply()) return
    const quietFor = this.host.now() - this.lastInputAt
    if (quietFor < this.quietMs) {
      this.wakeAfter(this.quietMs - quietFor)
      return
    }
    // Keys waiting behind a long frame have not reached the page's handlers yet: not quiet.
    if (inputPending()) {
      this.wakeAfter(this.quietMs)
      return
    }
    this.outstanding = true
    this.host.grant(++this.lastId, this.host.eventSeq())
  }

  /**
   * Offers once the frame being made is on screen: called when a commit was applied (its
   * ack). A commit applied in a frame callback is styled and laid out right after it, in
   * the same task; a credit granted before that would let the next heavy commit be rendered
   * meanwhile and reach the page just as keys made during that layout are handled (it was
   * granted before them, so it would be applied ahead of their echoes). Offered from a task
   * queued now, the grant comes after the rendering, when keys made during it show as
   * pending input (`offer` then waits for quiet).
   */
  offerAfterRender(): void {
    if (this.outstanding) return
    this.wakeAfter(0)
  }

  /** A discrete event was sent: the worker voids the credit; a new one follows once input is quiet. */
  inputSent(): void {
    this.outstanding = false
    this.lastInputAt = this.host.now()
    this.wakeAfter(this.quietMs)
  }

  /** A commit's stats arrived; if it spent the outstanding credit, the next is granted once it is applied. */
  received(info: CommitInfo): void {
    if (info.credit === this.lastId) this.outstanding = false
  }

  /** A new worker starts with no credit (the page grants one after its first commit). */
  reset(): void {
    this.outstanding = false
  }

  /** Stops the quiet timer (unmount, the end). */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private wakeAfter(ms: number): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = setTimeout(this.onQuiet, ms)
  }
}
