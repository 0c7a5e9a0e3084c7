import { LANE_DEFAULT } from "../../protocol/lanes.ts"
import type { CommitInfo } from "../../protocol/messages.ts"

/** What the gate needs from its root. */
export interface CreditHost {
  /** The page could apply a commit now, before anything urgent: no commit waits, a worker runs and has committed. */
  canApply(): boolean
  /** Sends the credit: valid until a discrete event after `eventSeq` reaches the worker. */
  grant(eventSeq: number): void
  /** Sequence number of the last DOM event sent. */
  eventSeq(): number
  now(): number
}

/** A Default, Transition or Idle commit that was not forced by expiry or a flush: it spent the credit. */
export function spendsCredit(info: CommitInfo): boolean {
  return info.lane >= LANE_DEFAULT && !info.expired
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
    this.outstanding = true
    this.host.grant(this.host.eventSeq())
  }

  /** A discrete event was sent: the worker voids the credit; a new one follows once input is quiet. */
  inputSent(): void {
    this.outstanding = false
    this.lastInputAt = this.host.now()
    this.wakeAfter(this.quietMs)
  }

  /** A commit arrived; if it spent the credit, the next is granted once it is applied. */
  received(info: CommitInfo): void {
    if (spendsCredit(info)) this.outstanding = false
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
