import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Scheduler from "effect/Scheduler"
import * as Scope from "effect/Scope"
import { eventLane, LANE_CONTINUOUS, LANE_DEFAULT, LANE_SYNC, type LaneSettings } from "../../protocol/lanes.ts"
import type { CommitInfo, FromWorker, MountOptions, RestoreState, ToWorker, WorkerTables } from "../../protocol/messages.ts"
import type { ErrorBoundaryProps } from "../components/error-boundary.ts"
import { clause } from "../../protocol/errors.ts"
import { errorMessage, RenderError } from "../errors.ts"
import type { ComponentInstance } from "../components/instance.ts"
import { collectEventMessages } from "./event-handlers.ts"
import { makeWorkerScheduler } from "./effect-scheduler.ts"
import { replayInto, RootJournal } from "./journal.ts"
import type { Program } from "../program.ts"
import { Renderer } from "../diff/renderer.ts"
import { LaneScheduler } from "./lane-scheduler.ts"
import { CommitRingWriter } from "../../protocol/ring/ring-writer.ts"
import { Header } from "../../protocol/opcodes.ts"
import { SubscriptionSet } from "./subscriptions.ts"
import { StateRefusal, StateTools } from "./state-tools.ts"
import { answerInspect } from "./inspect.ts"
import { collectInstances } from "./hot-swap.ts"
import type { VNode } from "../vnode.ts"

/** The port a root talks to the main thread through (a MessagePort in practice). */
export interface DataPort {
  postMessage(message: FromWorker, transfer?: Transferable[]): void
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null
  close(): void
}

/** Idle time before the string sweep (scheduleSweep), and the longest it waits for it. */
const SWEEP_QUIET_MS = 100
const SWEEP_MAX_WAIT_MS = 1000
/** Stats of the commit that shows the minimal error view. */
const ERROR_VIEW_INFO = { lane: LANE_SYNC, messages: 0, updateMs: 0, viewMs: 0, diffMs: 0, encodeMs: 0, slices: 1, interruptions: 0, expired: false }
const FRAME_MS = 16

/** Stats of a commit that renders no new message: a point of the history (time travel), new code (a hot swap). */
const ASIDE_INFO = ERROR_VIEW_INFO

/**
 * One mounted root in the worker: its lane scheduler (model, update queue, renderer) and
 * the fiber that drives it.
 *
 * The fiber sleeps on a wake-up signal. Awake, it asks the scheduler for the next piece of
 * work: a whole render for Sync, Continuous and Default; a slice for Transition and Idle,
 * after which it yields to the event loop so new messages are seen (and may interrupt the
 * render). Commands run as fibers forked into the root's Scope with the root's services;
 * closing the Scope on unmount interrupts them all.
 */
export class RootRuntime<Model, Msg, R> {
  private readonly port: DataPort
  readonly rootId: number
  private readonly scope: Scope.Closeable
  private readonly renderer: Renderer
  private readonly scheduler: LaneScheduler<Model, Msg>
  /** Set by `requestRender` while the loop is awake: it goes round once more before it sleeps. */
  private woken = false
  /** Resumes the sleeping loop; null while it is awake. */
  private resumeLoop: ((effect: Effect.Effect<void>) => void) | null = null
  /**
   * Sleeps until `requestRender`, at once if it was called since the last wake-up (a
   * one-slot signal: a Queue would pull in PubSub and friends for a boolean).
   */
  private readonly sleep = Effect.callback<void>((resume) => {
    if (this.woken) {
      this.woken = false
      resume(Effect.void)
      return
    }
    this.resumeLoop = resume
    return Effect.sync(() => {
      this.resumeLoop = null
    })
  })
  private readonly flushSeqs: number[] = []
  private eventLanes: Readonly<Record<string, number>> = {}
  private frameReady = false
  private frameTimer: ReturnType<typeof setTimeout> | null = null
  /** The string sweep waiting for the worker to stay idle (scheduleSweep), and since when. */
  private sweepTimer: ReturnType<typeof setTimeout> | null = null
  private sweepWaitingSince = 0
  private readonly onSweep = (): void => {
    this.sweepTimer = null
    if (!this.closed) this.renderer.sweepStrings()
  }
  private expiryTimer: ReturnType<typeof setTimeout> | null = null
  /** Bound once: the expiry timer's callback. */
  private readonly onExpiry = (): void => {
    this.expiryTimer = null
    this.requestRender()
  }
  private closed = false
  /**
   * The page granted a credit: it can apply one Default, Transition or Idle commit before
   * anything urgent (its queue is empty, input is quiet). Such commits are pulled: without
   * a credit they wait and batch, so no commit sits between a keystroke and its echo, and
   * a page behind on layout gets one commit for the backlog instead of one per message.
   */
  private credit = false
  /** The id of the credit held, named in the commit that spends it. */
  private creditId = 0
  /** The commit ring, when the page is cross-origin isolated: commits that fit skip the port's queue. */
  private ring: CommitRingWriter | null = null
  /** The last event said answered in the ring (markAnswered). */
  private answeredSeq = 0
  /** The last ring commit the page said applied (readRingAck). */
  private ringAcked = 0
  /** Sequence number of the last discrete (Sync-lane) DOM event: a credit granted before it is void. */
  private lastDiscreteEvent = 0
  /** Crash recovery (workers/runtime/journal.ts), when the main thread asked for it. */
  private journal: RootJournal | null = null
  /** The app's code; replaced by a hot swap. */
  private program: Program<Model, Msg, R>
  /** New code waiting for the loop to swap it in (hotSwap). */
  private pendingSwap: Program<Model, Msg, R> | null = null
  /** Set by a hot swap whose new code could not take the model (it restarted from init). */
  private hotWarning: string | null = null
  /** Running commands: a hot swap interrupts them. */
  private readonly commandFibers = new Set<Fiber.Fiber<void, never>>()
  private readonly subscriptions: SubscriptionSet<Msg, R>
  private subscriptionWake: ReturnType<typeof setTimeout> | null = null
  /** Snapshots, restore, history and time travel (docs/state.md). */
  private readonly state: StateTools<Model, Msg>
  /** A stored model that could not be used (the `persist` option): reported once the root is up. */
  private persistRefusal: StateRefusal | null = null
  /** Suspense delay timers, cleared on close. */
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()

  private constructor(program: Program<Model, Msg, R>, port: DataPort, rootId: number, scope: Scope.Closeable, restored: RestoreState | undefined, historyBytes: number) {
    this.port = port
    this.program = program
    this.subscriptions = new SubscriptionSet<Msg, R>(
      (msg) => this.deliverFromSubscription(msg),
      (error) => this.report(new RenderError({ phase: "subscriptions", cause: error })),
      () => !this.credit
    )
    this.rootId = rootId
    this.scope = scope
    this.renderer = new Renderer(rootId)
    const update = program.update as (model: Model, msg: Msg) => unknown
    const root = this
    this.state = new StateTools<Model, Msg>({
      // Read at each use: a hot swap replaces the program.
      get checks() {
        return root.program.checks
      },
      get update() {
        return root.program.update as (model: Model, msg: Msg) => unknown
      },
      messagesSettled: () => this.scheduler.updates.settledMessages,
      baseModel: () => this.scheduler.updates.baseModel,
      replaceModel: (model) => this.replaceModel(model),
      showAside: (model) => this.showAside(model),
      showPresent: () => this.showPresent()
    }, historyBytes)
    const init = this.initialModel(program, restored)
    this.state.begin(init)
    this.scheduler = new LaneScheduler<Model, Msg>(this.renderer, init, update, program.view, () => performance.now())
    // Only a history needs the settled messages themselves; the count the queue keeps anyway.
    if (historyBytes > 0) this.scheduler.updates.onSettled = (msgs, lanes, times, base, updateMs) => this.state.settledInto(msgs, lanes, times, base, updateMs)
  }

  /**
   * The first model: a restarted worker's snapshot; a stored one (the `persist` option)
   * if it decodes, else the program's init, the refusal reported once the root is up.
   */
  private initialModel(program: Program<Model, Msg, R>, restored: RestoreState | undefined): Model {
    if (restored?.hasModel === true) {
      if (restored.persistedHash === undefined) return restored.model as Model
      try {
        return this.state.takeStored(restored.model, restored.persistedHash)
      } catch (error) {
        if (!(error instanceof StateRefusal)) throw error
        this.persistRefusal = error
      }
    }
    return typeof program.init === "function" ? (program.init as () => Model)() : program.init
  }

  /** Builds the root's services and starts its fiber; the first commit follows at once. */
  static start<Model, Msg, R>(program: Program<Model, Msg, R>, port: DataPort, options: MountOptions): Promise<RootRuntime<Model, Msg, R>> {
    const scheduler = makeWorkerScheduler()
    return Effect.runPromise(
      Effect.gen(function*() {
        const scope = yield* Scope.make()
        const layer = (program.layer ?? Layer.empty) as Layer.Layer<R, unknown, never>
        const services = yield* Layer.buildWithScope(layer, scope)
        const restore = options.restore
        const root = new RootRuntime(program, port, options.rootId, scope, restore?.hasModel === true ? restore : undefined, options.historyBytes ?? 0)
        root.configure(options.lanes)
        if (options.ring !== undefined) root.ring = new CommitRingWriter(options.ring)
        if (options.journal === true) root.journal = new RootJournal(port, root.scheduler.updates)
        if (restore !== undefined) replayInto(root.scheduler.updates, root.journal, restore.replay, performance.now(), (msg) => root.state.decodeMsg(msg))
        // A stored model refused first: the page keeps it aside until `hashes` says the start is decided.
        const refused = root.persistRefusal
        if (refused !== null) port.postMessage({ t: "state-error", kind: refused.kind, message: refused.message, path: refused.path })
        port.postMessage({ t: "hashes", ...root.state.hashes() })
        root.renderer.ctx.host = {
          dispatch: (msg) => root.dispatchFromWorker(msg),
          requestRender: () => {
            root.scheduler.forceRender()
            root.enqueue(undefined as Msg, LANE_DEFAULT)
            root.requestRender()
          },
          startResource: (resource, effect) => {
            const fiber = Effect.runForkWith(services)(Effect.matchCause(effect as Effect.Effect<unknown, unknown, R>, {
              onSuccess: (value) => resource.settle(true, value),
              onFailure: (cause) => {
                if (!Cause.hasInterruptsOnly(cause)) resource.settle(false, Cause.squash(cause))
              }
            }), { scheduler })
            resource.interrupt = () => void Effect.runFork(Fiber.interrupt(fiber))
          },
          now: () => performance.now(),
          setTimer: (ms, fn) => {
            const timer = setTimeout(() => {
              root.timers.delete(timer)
              if (!root.closed) fn()
            }, ms)
            root.timers.add(timer)
          }
        }
        port.onmessage = (event) => root.receive(event.data)
        yield* Effect.forkIn(root.loop().pipe(Effect.provideContext(services), Effect.provideService(Scheduler.Scheduler, scheduler)), scope)
        root.scheduler.forceRender()
        root.scheduler.enqueue(undefined as Msg, LANE_SYNC)
        root.requestRender()
        return root
      })
    )
  }

  /** Closes the Scope (interrupting commands and the loop) and the port. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    this.journal?.close()
    if (this.frameTimer !== null) clearTimeout(this.frameTimer)
    if (this.expiryTimer !== null) clearTimeout(this.expiryTimer)
    if (this.sweepTimer !== null) clearTimeout(this.sweepTimer)
    if (this.subscriptionWake !== null) clearTimeout(this.subscriptionWake)
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.renderer.ctx.resources.interruptAll()
    this.port.onmessage = null
    this.port.close()
    return Effect.runPromise(Scope.close(this.scope, Exit.void))
  }

  /** The model on screen. */
  get currentModel(): Model {
    return this.scheduler.model
  }

  /** Sizes of the root's tables, to watch memory. */
  get tableSizes(): Renderer["tableSizes"] {
    return this.renderer.tableSizes
  }

  /** Transfers a patch list to the main thread, with its stats and the worker's table sizes. */
  private postCommit(buffer: ArrayBuffer, info: CommitInfo): void {
    // The page applies it before granting the next credit (Sync, Continuous and expired commits are pushed).
    let spent: number | undefined
    if (info.lane >= LANE_DEFAULT && !info.expired) {
      spent = this.creditId
      this.credit = false
    }
    const stats = spent === undefined ? { ...info, worker: this.workerTables() } : { ...info, worker: this.workerTables(), credit: spent }
    if (this.ring !== null) {
      // The page drains the ring at its next event or frame, without waiting for this
      // message in its queue; the message is only the doorbell and the stats.
      const words = new Uint32Array(buffer)
      const commitId = words[Header.CommitId]
      if (this.ring.tryWrite(words, words[Header.ByteLength], commitId)) {
        this.renderer.recycle(buffer)
        this.port.postMessage({ t: "ring", commitId, info: stats })
        return
      }
    }
    this.port.postMessage({ t: "commit", buffer, info: stats }, [buffer])
  }

  private workerTables(): WorkerTables {
    return { ...this.renderer.tableSizes, subscriptions: this.subscriptions.size }
  }

  private receive(data: ToWorker): void {
    switch (data.t) {
      case "dispatch": {
        const decoded = this.state.decodeMsg(data.msg)
        if (!decoded.ok) {
          this.port.postMessage({ t: "state-error", kind: "MessageRejected", message: `A dispatched message does not decode through the message schema, so update never saw it: ${decoded.message}`, path: decoded.path })
          // Its place in the queue, as a wake-up: the page's recovery log counts it as a dispatch.
          this.enqueue(undefined as Msg, data.lane, true)
          break
        }
        this.enqueue(decoded.value, data.lane, true)
        if (data.lane === LANE_SYNC) this.requestRender()
        break
      }
      case "state":
        this.answerState(data.id, data.request)
        break
      case "tick":
        this.requestRender()
        break
      case "event":
        this.receiveEvent(data)
        break
      case "ack":
        this.renderer.acknowledge(data.commitId, data.buffer)
        break
      case "credit":
        // Void if the user acted since the page granted it: the page grants again once input is quiet.
        if (data.eventSeq < this.lastDiscreteEvent) break
        this.credit = true
        this.creditId = data.id
        // A backlog held back meanwhile renders now, as one batch.
        if (this.scheduler.pending > 0) this.requestRender()
        break
      case "flush":
        this.flushSeqs.push(data.seq)
        // While travelling nothing renders: answered once the point shown is sent (already).
        if (this.state.traveling) this.answerFlushes()
        else this.requestRender()
        break
      case "lanes":
        this.configure(data.settings)
        break
    }
  }

  private receiveEvent(data: Extract<ToWorker, { t: "event" }>): void {
    this.scheduler.eventSeq = data.seq
    // The screen shows the past: its handlers would act on a model that is not the present.
    if (this.state.traveling) {
      this.markAnswered()
      return
    }
    const msgs: unknown[] = []
    try {
      if (collectEventMessages(this.renderer.ctx, data.path, data.event, msgs)) this.scheduler.forceRender()
    } catch (cause) {
      this.report(new RenderError({ phase: "handler", cause }))
    }
    const type = data.event.type
    const lane = eventLane(type, this.eventLanes)
    if (lane === LANE_SYNC) {
      // The user acted: the page takes its credit back until input is quiet again.
      this.lastDiscreteEvent = data.seq
      this.credit = false
    }
    for (let i = 0; i < msgs.length; i++) this.enqueue(msgs[i] as Msg, lane)
    // A live edit with no message still needs a render to set a rejected value back.
    if (msgs.length === 0) this.enqueue(undefined as Msg, LANE_SYNC)
    this.requestRender()
  }

  /** A message born in the worker (a command's, an effect's or a component's): Default lane, rendered at once. */
  private dispatchFromWorker(msg: unknown): void {
    if (msg === undefined || this.closed) return
    this.enqueue(msg as Msg, LANE_DEFAULT)
    this.requestRender()
  }

  /** `undefined` messages only wake the scheduler; `update` never sees them. */
  private enqueue(msg: Msg, lane: number, fromMain = false): void {
    this.scheduler.enqueue(msg, lane)
    if (msg !== undefined || fromMain) this.journal?.record(msg, lane, fromMain)
  }

  private configure(settings: LaneSettings): void {
    this.scheduler.configure(settings.lanes)
    this.eventLanes = settings.eventLanes
  }

  /**
   * New code for this root (runProgram called again in this worker: a hot module update,
   * docs/hmr.md). The loop swaps it in at its next turn, under the same model and DOM.
   */
  hotSwap(program: Program<Model, Msg, R>): void {
    if (this.closed) return
    this.pendingSwap = program
    this.requestRender()
  }

  /**
   * Swaps in the waiting code: running commands are interrupted, component effects and
   * subscriptions restart, resources load again, and the new view renders the model on
   * screen in one hot render (components kept by name, so their state and DOM nodes stay).
   * A view that throws keeps the old code running; the page is told either way.
   */
  private applyHotSwap(): Effect.Effect<void, never, R> {
    const root = this
    return Effect.gen(function*() {
      const program = root.pendingSwap!
      root.pendingSwap = null
      const old = root.program
      yield* Fiber.interruptAll([...root.commandFibers])
      root.commandFibers.clear()
      yield* root.subscriptions.sync({}, root.scope)
      for (const instance of collectInstances(root.renderer.current)) {
        if (instance.scope !== null) yield* Scope.close(instance.scope as Scope.Closeable, Exit.void)
        instance.scope = null
        instance.forgetStarted()
      }
      root.renderer.ctx.resources.interruptAll()
      root.program = program
      root.scheduler.swapCode(program.update as (model: Model, msg: Msg) => unknown, program.view)
      const model = root.modelForNewCode(old, program)
      root.renderer.ctx.hot = true
      let buffer: ArrayBuffer | null
      try {
        buffer = root.scheduler.renderAside(model)
      } catch (cause) {
        root.program = old
        root.scheduler.swapCode(old.update as (model: Model, msg: Msg) => unknown, old.view)
        root.report(new RenderError({ phase: "view", cause }))
        root.port.postMessage({ t: "hot", ok: false, message: `The new code's view threw (${clause(cause)}); the old code still runs. Fix it and save again.` })
        return
      } finally {
        root.renderer.ctx.hot = false
      }
      if (model !== root.scheduler.model) root.scheduler.replaceModel(model)
      if (buffer !== null) root.postCommit(buffer, ASIDE_INFO)
      yield* root.runSideEffects()
      yield* root.syncSubscriptions()
      // The old code's history cannot be replayed by the new update.
      root.state.restart(model)
      // A model the new code could not take is shown as loudly as a refused update.
      root.port.postMessage({ t: "hot", ok: root.hotWarning === null, message: root.hotWarning ?? "" })
      root.hotWarning = null
    })
  }

  /**
   * The model the new code starts from: the one on screen, or, when the model schema
   * changed, that model encoded by the old code and decoded by the new (init, with a
   * StateError, if it does not decode).
   */
  private modelForNewCode(old: Program<Model, Msg, R>, program: Program<Model, Msg, R>): Model {
    const model = this.scheduler.model
    const decode = program.checks?.decodeModel
    if (decode === undefined || (program.checks?.modelHash ?? "") === (old.checks?.modelHash ?? "")) return model
    const decoded = decode(old.checks?.encodeModel === undefined ? model : old.checks.encodeModel(model))
    if (decoded.ok) return decoded.value
    const message = `The model on screen does not decode through the new code's model schema (${decoded.message}), so the app restarts from init`
    this.port.postMessage({ t: "state-error", kind: "ModelRejected", message, path: decoded.path })
    this.hotWarning = message
    return typeof program.init === "function" ? (program.init as () => Model)() : program.init
  }

  private answerState(id: number, request: Extract<ToWorker, { t: "state" }>["request"]): void {
    let value: unknown
    try {
      // Devtools' tree queries travel with the state requests but are the renderer's to answer.
      value = request.op === "inspect" ? answerInspect(this.renderer, request.query) : this.state.answer(request)
    } catch (error) {
      const refusal = error instanceof StateRefusal ? error : new StateRefusal("HistoryUnavailable", `the ${request.op} request failed: ${clause(error)}`)
      this.port.postMessage({ t: "state", id, ok: false, kind: refusal.kind, message: refusal.message, path: refusal.path })
      return
    }
    try {
      this.port.postMessage({ t: "state", id, ok: true, value })
    } catch (cause) {
      this.port.postMessage({ t: "state", id, ok: false, kind: "HistoryUnavailable", message: `the ${request.op} answer cannot be structured-cloned (${clause(cause)}): keep models and messages plain data`, path: "" })
    }
  }

  /** Makes `model` the present (a restore, an import) and renders it; the page's recovery snapshot follows. */
  private replaceModel(model: Model): void {
    this.scheduler.replaceModel(model)
    this.journal?.refresh()
    this.enqueue(undefined as Msg, LANE_SYNC)
    this.requestRender()
  }

  /** Shows a point of the history, now, as a Sync commit; live work waits until `showPresent`. */
  private showAside(model: Model): void {
    let buffer: ArrayBuffer | null
    try {
      buffer = this.scheduler.renderAside(model)
    } catch (cause) {
      this.report(new RenderError({ phase: "view", cause }))
      return
    }
    if (buffer !== null) this.postCommit(buffer, ASIDE_INFO)
    this.answerFlushes()
  }

  /** Leaves time travel: the present renders again, then the work held meanwhile. */
  private showPresent(): void {
    this.scheduler.forceRender()
    this.enqueue(undefined as Msg, LANE_SYNC)
    this.requestRender()
  }

  /** The page's ack of the ring commits it applied (RingControl.AppliedCommit): their released node ids may be reused. */
  private readRingAck(): void {
    if (this.ring === null) return
    const applied = this.ring.appliedCommit
    if (applied > this.ringAcked) {
      this.ringAcked = applied
      this.renderer.acknowledge(applied, null)
    }
  }

  /**
   * Tells a page waiting for an event's answer (ring option `answerWaitMs`) that every event
   * it sent so far is answered: no Sync message waits, so each one's commit is published.
   */
  private markAnswered(): void {
    const seq = this.scheduler.eventSeq
    // After every step: the queue is scanned only when an event came since the last store.
    if (this.ring === null || seq === this.answeredSeq || this.scheduler.syncPending) return
    this.answeredSeq = seq
    this.ring.answered(seq)
  }

  private requestRender(): void {
    const resume = this.resumeLoop
    if (resume === null) {
      this.woken = true
      return
    }
    this.resumeLoop = null
    resume(Effect.void)
  }

  /**
   * Wakes the loop at clock time `at` (Infinity: never), when work waiting for a credit
   * expires and renders without one: it shows within its lane's timeout even if no
   * credit, event or message comes.
   */
  private wakeAt(at: number): void {
    if (this.expiryTimer !== null) clearTimeout(this.expiryTimer)
    this.expiryTimer = null
    if (at === Number.POSITIVE_INFINITY) return
    this.expiryTimer = setTimeout(this.onExpiry, Math.max(0, at - performance.now()))
  }

  /**
   * Runs the string sweep once the worker has been idle for SWEEP_QUIET_MS: right after a
   * commit the page is drawing it, and on a two-core machine a sweep of 10,000 rows then
   * competes with that layout. A root that never stays idle that long sweeps anyway,
   * SWEEP_MAX_WAIT_MS after the first idle that asked for it.
   */
  private scheduleSweep(): void {
    const now = performance.now()
    if (this.sweepTimer === null) this.sweepWaitingSince = now
    else if (now - this.sweepWaitingSince >= SWEEP_MAX_WAIT_MS) return
    else clearTimeout(this.sweepTimer)
    this.sweepTimer = setTimeout(this.onSweep, SWEEP_QUIET_MS)
  }

  /** Sets `frameReady` at the next frame boundary and wakes the loop. */
  private awaitFrame(): void {
    if (this.frameTimer !== null) return
    this.frameTimer = setTimeout(() => {
      this.frameTimer = null
      this.frameReady = true
      this.requestRender()
    }, FRAME_MS)
  }

  private loop(): Effect.Effect<never, never, R> {
    const root = this
    return Effect.gen(function*() {
      while (true) {
        yield* root.sleep
        let working = true
        if (root.pendingSwap !== null && !root.closed) yield* root.applyHotSwap()
        while (working && !root.closed && !root.state.traveling) {
          root.readRingAck()
          const urgent = root.flushSeqs.length > 0
          const step = root.scheduler.step(root.frameReady || urgent, urgent, !root.credit)
          switch (step.kind) {
            case "idle":
              root.frameReady = false
              root.answerFlushes()
              // Upkeep off the commit path: strings no longer on screen go out with the next commit.
              if (root.renderer.needsStringSweep) root.scheduleSweep()
              working = false
              break
            case "wait-credit":
              root.wakeAt(step.expiresAt)
              working = false
              break
            case "wait-frame":
              root.awaitFrame()
              working = false
              break
            case "yield":
              // Let the worker's event loop deliver messages: they may interrupt this render.
              yield* Effect.yieldNow
              break
            case "commit":
              if (step.info.lane === LANE_CONTINUOUS) root.frameReady = false
              if (step.buffer !== null) root.postCommit(step.buffer, step.info)
              // Published: a page waiting for this answer need not wait for the side effects below (closing 1,000 rows' Scopes).
              root.markAnswered()
              for (const command of step.commands) {
                const fiber = yield* Effect.forkIn(root.runCommand(command as Effect.Effect<unknown, unknown, R>), root.scope)
                root.commandFibers.add(fiber)
                fiber.addObserver(() => root.commandFibers.delete(fiber))
              }
              yield* root.runSideEffects()
              yield* root.syncSubscriptions()
              break
            case "error":
              root.report(new RenderError({ phase: "view", cause: step.cause }))
              if (step.buffer !== null) {
                root.postCommit(step.buffer, ERROR_VIEW_INFO)
                yield* root.runSideEffects()
              }
              break
          }
          root.reportUpdateErrors()
          if (step.kind !== "yield") root.markAnswered()
        }
      }
    })
  }

  /**
   * After a commit: close the Scopes of unmounted components, start the effects the
   * render asked for (each in its component's Scope), report errors boundaries caught.
   */
  private runSideEffects(): Effect.Effect<void, never, R> {
    const root = this
    return Effect.gen(function*() {
      const { effects, closing, caught } = root.renderer.sideEffects
      // Reads first: a resource read by a new component outlives the old one unmounted now.
      root.renderer.ctx.effects.commitReads()
      for (let i = 0; i < closing.length; i++) {
        const instance = closing[i]
        instance.unmounted = true
        instance.releaseResources()
        if (instance.scope !== null) yield* Effect.forkIn(Scope.close(instance.scope as Scope.Closeable, Exit.void), root.scope)
      }
      for (let i = 0; i < effects.length; i += 3) {
        const instance = effects[i] as ComponentInstance
        const key = effects[i + 1] as string
        if (instance.unmounted || !instance.markStarted(key)) continue
        if (instance.scope === null) instance.scope = yield* Scope.fork(root.scope)
        const effect = effects[i + 2] as Effect.Effect<unknown, unknown, R>
        yield* Effect.forkIn(root.runEffect(instance, effect), instance.scope as Scope.Closeable)
      }
      for (let i = 0; i < caught.length; i += 2) {
        const props = (caught[i] as VNode).props as unknown as ErrorBoundaryProps
        const error = caught[i + 1]
        try {
          props.onError?.(error)
        } catch (cause) {
          root.report(new RenderError({ phase: "handler", cause }))
        }
        root.report(new RenderError({ phase: "boundary", cause: error }))
      }
      root.renderer.clearSideEffects()
    })
  }

  /** Starts and stops the program's subscriptions for the model now on screen. */
  private syncSubscriptions(): Effect.Effect<void, never, R> {
    const wanted = this.program.subscriptions
    if (wanted === undefined) return Effect.void
    let subscriptions
    try {
      subscriptions = wanted(this.scheduler.model)
    } catch (cause) {
      this.report(new RenderError({ phase: "subscriptions", cause }))
      return Effect.void
    }
    return this.subscriptions.sync(subscriptions, this.scope)
  }

  /** A subscription's message: Default lane, rendered at the next frame with the rest of the burst. */
  private deliverFromSubscription(msg: Msg): void {
    if (this.closed) return
    this.enqueue(msg, LANE_DEFAULT)
    if (this.subscriptionWake !== null) return
    this.subscriptionWake = setTimeout(() => {
      this.subscriptionWake = null
      this.requestRender()
    }, FRAME_MS)
  }

  /** A component's effect: its result is dispatched; its failure shows the nearest boundary's fallback. */
  private runEffect(instance: ComponentInstance, effect: Effect.Effect<unknown, unknown, R>): Effect.Effect<void, never, R> {
    return Effect.matchCause(effect, {
      onSuccess: (msg) => {
        if (!instance.unmounted) this.dispatchFromWorker(msg)
      },
      onFailure: (cause) => {
        if (Cause.hasInterruptsOnly(cause) || instance.unmounted) return
        const error = Cause.squash(cause)
        if (instance.boundary !== null) instance.boundary.fail(error)
        else this.report(new RenderError({ phase: "effect", cause: error }))
      }
    })
  }

  private runCommand(command: Effect.Effect<unknown, unknown, R>): Effect.Effect<void, never, R> {
    return Effect.matchCause(command, {
      onSuccess: (msg) => this.dispatchFromWorker(msg),
      onFailure: (cause) => {
        if (!Cause.hasInterruptsOnly(cause)) this.report(new RenderError({ phase: "command", cause: Cause.squash(cause) }))
      }
    })
  }

  private reportUpdateErrors(): void {
    const errors = this.scheduler.updateErrors
    for (let i = 0; i < errors.length; i++) this.report(new RenderError({ phase: "update", cause: errors[i] }))
    errors.length = 0
  }

  private answerFlushes(): void {
    while (this.flushSeqs.length > 0) this.port.postMessage({ t: "flushed", seq: this.flushSeqs.shift()! })
  }

  private report(error: RenderError): void {
    this.port.postMessage(errorMessage(error))
    Effect.runFork(Effect.logError(error.message, error.cause))
  }
}
