import type { ResolvedRecovery } from "./recovery.ts"

/** What the policy decided after a worker failed. */
export type RestartDecision =
  /** A new worker starts after `delayMs`; `attempt` counts the restarts in a row (1 for the first). */
  | { readonly restart: true; readonly delayMs: number; readonly attempt: number }
  /**
   * Give up. `tried`: the restarts in a row that failed before this, or null when no
   * restart was possible at all (recovery off, no worker function, never mounted).
   */
  | { readonly restart: false; readonly tried: number | null }

/**
 * Decides, after each worker failure, whether a root restarts its worker or gives up
 * (`createRoot`'s `recover` option), and waits the backoff before a restart: `backoffMs`,
 * doubled for each further restart in a row. A restarted worker that proves healthy (its
 * first snapshot arrives) resets the count.
 */
export class RestartPolicy {
  private readonly recovery: ResolvedRecovery | null
  /** Restarts since the last one that proved healthy. */
  private failedRestarts = 0
  private timer: ReturnType<typeof setTimeout> | null = null

  /** `recovery` null: recovery is off, every failure gives up. */
  constructor(recovery: ResolvedRecovery | null) {
    this.recovery = recovery
  }

  /** Restarts in a row not yet proved healthy. */
  get restartsInARow(): number {
    return this.failedRestarts
  }

  /** True while a restart waits for its backoff. */
  get waiting(): boolean {
    return this.timer !== null
  }

  /**
   * A worker failed. `restartable`: the root could run a new one (it has a worker
   * function, a recovery log, and some worker once mounted it; a script that never
   * mounted fails the same way each time). Schedules `restart` when the retries allow it.
   */
  onFailure(restartable: boolean, restart: () => void): RestartDecision {
    const recovery = this.recovery
    if (recovery === null || !restartable) return { restart: false, tried: null }
    if (this.failedRestarts >= recovery.retries) return { restart: false, tried: this.failedRestarts }
    const delayMs = recovery.backoffMs * 2 ** this.failedRestarts
    this.failedRestarts++
    this.cancel()
    this.timer = setTimeout(() => {
      this.timer = null
      restart()
    }, delayMs)
    return { restart: true, delayMs, attempt: this.failedRestarts }
  }

  /** The running worker got past its replay and committed: a later crash may restart it again. */
  proved(): void {
    this.failedRestarts = 0
  }

  /** Drops a restart waiting for its backoff (unmount). */
  cancel(): void {
    if (this.timer === null) return
    clearTimeout(this.timer)
    this.timer = null
  }
}
