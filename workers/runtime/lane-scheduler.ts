import { DEFAULT_LANES, LANE_CONTINUOUS, LANE_COUNT, LANE_DEFAULT, LANE_SYNC, LANE_TRANSITION, type LaneConfig } from "../../protocol/lanes.ts"
import type { Renderer } from "../diff/renderer.ts"
import type { CommitInfo } from "../../protocol/messages.ts"
import type { CommitProfile } from "../../protocol/inspect.ts"
import { summarize } from "./inspect.ts"
import { UpdateQueue, type FoldResult } from "./update-queue.ts"
import { h } from "../h.ts"
import { Suspended } from "../components/instance.ts"
import type { Child } from "../vnode.ts"

/** What the root shows when its view fails outside any ErrorBoundary. */
function errorView(cause: unknown): Child {
  const message = cause instanceof Error ? cause.message : String(cause)
  return h("div", { role: "alert", class: "shuttle-error" }, h("strong", null, "Something went wrong."), " ", message)
}

export type StepResult =
  | { readonly kind: "idle" }
  /** A sliced render paused: yield to the event loop, then step again. */
  | { readonly kind: "yield" }
  /** Only Continuous work is pending: step again at the next frame. */
  | { readonly kind: "wait-frame" }
  /**
   * Default, Transition or Idle work is pending, and the page has not granted a credit:
   * it waits (and batches meanwhile) until the page can apply a commit before anything urgent,
   * or until `expiresAt` (clock time; Infinity: never), when the oldest of it expires and renders without one.
   */
  | { readonly kind: "wait-credit"; readonly expiresAt: number }
  /** A render finished: send `buffer` (null: nothing changed), run `commands`. */
  | { readonly kind: "commit"; readonly buffer: ArrayBuffer | null; readonly info: CommitInfo; readonly commands: readonly unknown[] }
  /**
   * The view threw outside any ErrorBoundary: the messages of that render are rejected
   * (the model stays), and `buffer` (if not null) replaces the view with a minimal error
   * view; the next message renders the app again.
   */
  | { readonly kind: "error"; readonly cause: unknown; readonly buffer: ArrayBuffer | null }

interface Job<Model> {
  readonly fold: FoldResult<Model>
  expired: boolean
  readonly updateMs: number
  readonly viewMs: number
  diffMs: number
  slices: number
}

/**
 * Decides what the worker renders next, lane by lane. Plain TypeScript with an injected
 * clock, so the lane rules are tested without timers; the root's fiber drives it.
 *
 * - The highest-priority lane with pending messages renders next, with every message of
 *   that lane and the lanes above it (a batch, one commit).
 * - Transition and Idle renders run in slices of `sliceMs`; between slices the fiber
 *   yields to the event loop. If higher-priority messages arrived meanwhile, the render
 *   is thrown away (rolled back: nothing half-done is sent) and redone later on the new model.
 * - A lane whose oldest pending message has waited `timeoutMs` renders as Sync.
 * - Continuous renders wait for the next frame, so a burst of pointer moves is one commit.
 */
export class LaneScheduler<Model, Msg> {
  private readonly queue: UpdateQueue<Model, Msg>
  private readonly renderer: Renderer
  private view: (model: Model) => Child
  private readonly clock: () => number
  private lanes: LaneConfig[] = DEFAULT_LANES.slice()
  private timeouts: number[] = DEFAULT_LANES.map((lane) => lane.timeoutMs)
  private job: Job<Model> | null = null
  private shown: Model
  private rendered = false
  private forced = false
  private readonly interruptions = new Int32Array(LANE_COUNT)
  /** Errors thrown by update since the last step, to report. */
  readonly updateErrors: unknown[] = []
  eventSeq = 0

  constructor(renderer: Renderer, init: Model, update: (model: Model, msg: Msg) => unknown, view: (model: Model) => Child, clock: () => number) {
    this.renderer = renderer
    this.queue = new UpdateQueue(init, update)
    this.view = view
    this.clock = clock
    this.shown = init
  }

  /** The model on screen (after the last commit). */
  get model(): Model {
    return this.shown
  }

  get pending(): number {
    return this.queue.length
  }

  /** A Sync message (a discrete event's) waits to be rendered. */
  get syncPending(): boolean {
    return this.queue.hasPendingAbove(LANE_CONTINUOUS)
  }

  /** The update queue, for the recovery journal: positions, the base model, replayed entries. */
  get updates(): UpdateQueue<Model, Msg> {
    return this.queue
  }

  get rendering(): boolean {
    return this.job !== null
  }

  configure(lanes: readonly LaneConfig[]): void {
    this.lanes = lanes.slice()
    this.timeouts = lanes.map((lane) => lane.timeoutMs)
  }

  enqueue(msg: Msg, lane: number): void {
    this.queue.push(msg, lane, this.clock())
  }

  /** Render even if the model is unchanged (the DOM reported a value the view must set back). */
  forceRender(): void {
    this.forced = true
  }

  /**
   * Does the next piece of work. `frameReady`: a frame boundary passed since Continuous
   * work was queued. `urgent` (a flush is waiting): render everything now, unsliced.
   * `withoutCredit`: the page has granted no credit, so Default, Transition and Idle
   * renders wait (unless expired or urgent); Sync and Continuous render now.
   */
  step(frameReady: boolean, urgent = false, withoutCredit = false): StepResult {
    const job = this.job
    if (job !== null) {
      if (urgent) job.expired = true
      const lostCredit = withoutCredit && job.fold.lane >= LANE_DEFAULT
      if (!job.expired && (lostCredit || this.queue.hasPendingAbove(job.fold.lane))) {
        // Higher-priority work arrived between slices, or the user's input took the page's
        // credit back: drop this render, redo it after.
        this.renderer.abort()
        this.interruptions[job.fold.lane]++
        this.job = null
      } else {
        return this.continueJob(job)
      }
    }
    const lane = this.queue.nextLane()
    if (lane === -1) return { kind: "idle" }
    const now = this.clock()
    const expiredLane = urgent ? this.queue.lowestPendingLane() : this.queue.expiredLane(now, this.timeouts)
    const expired = expiredLane >= lane && lane > LANE_SYNC
    const renderLane = expired ? expiredLane : lane
    if (withoutCredit && !urgent && !expired && renderLane >= LANE_DEFAULT) return { kind: "wait-credit", expiresAt: this.queue.nextExpiry(LANE_DEFAULT, this.timeouts) }
    if (renderLane === LANE_CONTINUOUS && !frameReady && !expired) return { kind: "wait-frame" }

    const updateStart = this.clock()
    // Devtools profiling (workers/runtime/inspect.ts) times each update of the fold too.
    this.queue.timer = this.renderer.profiling ? this.clock : null
    const fold = this.queue.fold(renderLane)
    const updateMs = this.clock() - updateStart
    for (let i = 0; i < fold.errors.length; i++) this.updateErrors.push(fold.errors[i])
    if (fold.model === this.shown && this.rendered && !this.forced) {
      this.queue.commit(fold, updateMs)
      return { kind: "commit", buffer: null, info: this.info(fold, updateMs, 0, 0, 0, 0, expired, false), commands: fold.commands }
    }
    this.forced = false
    const viewStart = this.clock()
    try {
      const model = fold.model
      this.renderer.begin(() => this.view(model), renderLane, this.eventSeq)
    } catch (cause) {
      return this.fail(fold, cause)
    }
    this.job = { fold, expired, updateMs, viewMs: this.clock() - viewStart, diffMs: 0, slices: 0 }
    return this.continueJob(this.job)
  }

  private continueJob(job: Job<Model>): StepResult {
    const start = this.clock()
    // A lane that expires while being sliced finishes without yielding.
    // (Sync renders are never sliced anyway; their zero timeout is not an expiry.)
    if (!job.expired && job.fold.lane > LANE_SYNC && this.queue.expiredLane(start, this.timeouts) >= job.fold.lane) job.expired = true
    const sliced = job.fold.lane >= LANE_TRANSITION && !job.expired
    let done: boolean
    try {
      done = this.renderer.work(sliced ? start + this.lanes[job.fold.lane].sliceMs : Number.POSITIVE_INFINITY, this.clock)
    } catch (cause) {
      this.job = null
      return this.fail(job.fold, cause)
    }
    job.diffMs += this.clock() - start
    job.slices++
    if (!done) return { kind: "yield" }
    const encodeStart = this.clock()
    const buffer = this.renderer.finish()
    const encodeMs = this.clock() - encodeStart
    this.job = null
    this.queue.commit(job.fold, job.updateMs)
    this.shown = job.fold.model
    this.rendered = true
    const info = this.info(job.fold, job.updateMs, job.viewMs, job.diffMs, encodeMs, job.slices, job.expired, true)
    return { kind: "commit", buffer, info, commands: job.fold.commands }
  }

  /**
   * Renders `model` at once (Sync, unsliced) without folding or settling anything: a point
   * of the history shown while time travelling. A render in progress is dropped (it is
   * redone later); the next normal render diffs the present back in, even if its model is
   * unchanged. Returns the patch list (null: nothing changed) or throws what the view threw.
   */
  renderAside(model: Model): ArrayBuffer | null {
    if (this.job !== null) {
      this.renderer.abort()
      this.job = null
    }
    this.forced = true
    return this.renderer.render(() => this.view(model), LANE_SYNC, this.eventSeq)
  }

  /** New code (a hot swap): what is pending folds with this `update`; the next render calls this `view`. */
  swapCode(update: (model: Model, msg: Msg) => unknown, view: (model: Model) => Child): void {
    this.queue.update = update
    this.view = view
  }

  /**
   * Makes `model` the present: the base every pending message folds onto (a restored
   * snapshot, an imported history). Runs no command; the next render shows it.
   */
  replaceModel(model: Model): void {
    if (this.job !== null) {
      this.renderer.abort()
      this.job = null
    }
    this.queue.resetBase(model)
    this.forced = true
  }

  /** Rejects the render's messages and shows the minimal error view in place of the app. */
  private fail(fold: FoldResult<Model>, cause: unknown): StepResult {
    if (cause instanceof Suspended) {
      // A pending resource outside any Suspense: the whole commit waits for it (the screen
      // keeps the last commit), as a root-level Suspense without a fallback would.
      const host = this.renderer.ctx.host
      cause.resource.waiters.add({ markDirty: () => host.requestRender() })
      return { kind: "idle" }
    }
    this.queue.reject(fold)
    // The next render must replace the error view, even if the model did not change.
    this.forced = true
    let buffer: ArrayBuffer | null = null
    try {
      this.renderer.begin(() => errorView(cause), LANE_SYNC, this.eventSeq)
      this.renderer.work(Number.POSITIVE_INFINITY, this.clock)
      buffer = this.renderer.finish()
    } catch {
      buffer = null
    }
    return { kind: "error", cause, buffer }
  }

  private info(fold: FoldResult<Model>, updateMs: number, viewMs: number, diffMs: number, encodeMs: number, slices: number, expired: boolean, rendered: boolean): CommitInfo {
    const interruptions = this.interruptions[fold.lane]
    this.interruptions[fold.lane] = 0
    const info: CommitInfo = { lane: fold.lane, messages: fold.fresh, updateMs, viewMs, diffMs, encodeMs, slices, interruptions, expired }
    if (!this.renderer.profiling) return info
    const profile = this.profile(fold, rendered)
    return profile === null ? info : { ...info, profile }
  }

  /**
   * The commit's profile: the components of the render that made it (none if the model was
   * unchanged and nothing rendered) and its fold's slowest update. Null if profiling was
   * turned on part-way through, so the counts would not be whole.
   */
  private profile(fold: FoldResult<Model>, rendered: boolean): CommitProfile | null {
    const components = rendered ? this.renderer.renderProfile() : []
    // (The fold runs in the same step as `begin`, so a render profiled from its start had its fold timed.)
    if (components === null) return null
    if (fold.slowestMs < 0) return { components }
    return { components, slowestUpdate: { msg: summarize(fold.slowestMsg), ms: fold.slowestMs } }
  }
}
