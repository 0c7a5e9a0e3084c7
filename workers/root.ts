import { Cause, Effect, Exit, Layer, Queue, Scheduler, Scope } from "effect"
import { LANE_DEFAULT, LANE_SYNC, LANE_CONTINUOUS } from "../src/protocol/lanes.ts"
import type { FromWorker, ToWorker } from "../src/protocol/messages.ts"
import { RenderError } from "./errors.ts"
import { collectEventMessages } from "./event-handlers.ts"
import { makeWorkerScheduler } from "./immediate.ts"
import { isCommand, type Program } from "./program.ts"
import { Renderer } from "./renderer.ts"

/** The port a root talks to the main thread through (a MessagePort in practice). */
export interface DataPort {
  postMessage(message: FromWorker, transfer?: Transferable[]): void
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null
  close(): void
}

/** Continuous events (pointer moves, scrolls) go to their own lane; the rest are discrete. */
const CONTINUOUS_EVENTS = new Set(["pointermove", "mousemove", "touchmove", "scroll", "wheel", "pointerover", "pointerout", "mouseover", "mouseout", "dragover", "drag"])

/**
 * One mounted root in the worker: its model, its vnode tree, its tables and its fiber.
 *
 * The render loop is a fiber that waits on a wake-up queue; each wake-up processes every
 * message queued so far as one batch and sends at most one commit. Commands run as
 * fibers forked into the root's Scope with the root's services; closing the Scope on
 * unmount interrupts them all.
 */
export class RootRuntime<Model, Msg, R> {
  private model: Model
  private readonly renderer: Renderer
  /** Bound once: the renderer calls it to get the view of the current model. */
  private readonly view = () => this.program.view(this.model)
  private readonly pendingMsgs: unknown[] = []
  private readonly pendingLanes: number[] = []
  private readonly flushSeqs: number[] = []
  private readonly commands: Array<Effect.Effect<unknown, unknown, R>> = []
  private readonly wake = Effect.runSync(Queue.unbounded<void>())
  private eventSeq = 0
  private rendered = false
  /** An event reported DOM state (typed text, a checkbox) that the next diff must compare against. */
  private liveEdits = false
  private closed = false

  private readonly program: Program<Model, Msg, R>
  private readonly port: DataPort
  readonly rootId: number
  private readonly scope: Scope.Closeable

  private constructor(program: Program<Model, Msg, R>, port: DataPort, rootId: number, scope: Scope.Closeable) {
    this.program = program
    this.port = port
    this.rootId = rootId
    this.scope = scope
    this.renderer = new Renderer(rootId)
    this.model = typeof program.init === "function" ? (program.init as () => Model)() : program.init
  }

  /** Builds the root's services and starts its render loop; the first commit follows at once. */
  static start<Model, Msg, R>(program: Program<Model, Msg, R>, port: DataPort, rootId: number): Promise<RootRuntime<Model, Msg, R>> {
    const scheduler = makeWorkerScheduler()
    return Effect.runPromise(
      Effect.gen(function*() {
        const scope = yield* Scope.make()
        const layer = (program.layer ?? Layer.empty) as Layer.Layer<R, unknown, never>
        const services = yield* Layer.buildWithScope(layer, scope)
        const root = new RootRuntime(program, port, rootId, scope)
        port.onmessage = (event) => root.receive(event.data)
        yield* Effect.forkIn(root.loop().pipe(Effect.provideContext(services), Effect.provideService(Scheduler.Scheduler, scheduler)), scope)
        root.requestRender()
        return root
      })
    )
  }

  /** Closes the Scope (interrupting commands and the loop) and the port. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    this.port.onmessage = null
    this.port.close()
    return Effect.runPromise(Scope.close(this.scope, Exit.void))
  }

  private receive(data: ToWorker): void {
    switch (data.t) {
      case "dispatch":
        this.pendingMsgs.push(data.msg)
        this.pendingLanes.push(data.lane)
        if (data.lane === LANE_SYNC) this.requestRender()
        break
      case "tick":
        this.requestRender()
        break
      case "event": {
        this.eventSeq = data.seq
        const msgs: unknown[] = []
        try {
          if (collectEventMessages(this.renderer.ctx, data.path, data.event, msgs)) this.liveEdits = true
        } catch (cause) {
          this.report(new RenderError({ phase: "handler", cause }))
        }
        const lane = CONTINUOUS_EVENTS.has(data.event.type) ? LANE_CONTINUOUS : LANE_SYNC
        for (let i = 0; i < msgs.length; i++) {
          this.pendingMsgs.push(msgs[i])
          this.pendingLanes.push(lane)
        }
        this.requestRender()
        break
      }
      case "ack":
        this.renderer.acknowledge(data.commitId, data.buffer)
        break
      case "flush":
        this.flushSeqs.push(data.seq)
        this.requestRender()
        break
    }
  }

  private requestRender(): void {
    Queue.offerUnsafe(this.wake, undefined)
  }

  private loop(): Effect.Effect<never, never, R> {
    const root = this
    return Effect.gen(function*() {
      while (true) {
        yield* Queue.takeAll(root.wake)
        root.renderPending()
        root.answerFlushes()
        while (root.commands.length > 0) {
          const command = root.commands.shift()!
          yield* Effect.forkIn(root.runCommand(command), root.scope)
        }
      }
    })
  }

  private runCommand(command: Effect.Effect<unknown, unknown, R>): Effect.Effect<void, never, R> {
    return Effect.matchCause(command, {
      onSuccess: (msg) => {
        if (msg === undefined || this.closed) return
        this.pendingMsgs.push(msg)
        this.pendingLanes.push(LANE_DEFAULT)
        this.requestRender()
      },
      onFailure: (cause) => {
        if (!Cause.hasInterruptsOnly(cause)) this.report(new RenderError({ phase: "command", cause: Cause.squash(cause) }))
      }
    })
  }

  /** Folds every queued message into the model, in dispatch order, and commits the view once. */
  private renderPending(): void {
    if (this.closed) return
    const count = this.pendingMsgs.length
    const before = this.model
    let model = before
    let lane = LANE_DEFAULT
    for (let i = 0; i < count; i++) {
      if (this.pendingLanes[i] < lane) lane = this.pendingLanes[i]
      try {
        const result = this.program.update(model, this.pendingMsgs[i] as Msg)
        if (isCommand(result)) {
          model = result.model as Model
          for (const effect of result.effects) this.commands.push(effect as Effect.Effect<unknown, unknown, R>)
        } else model = result as Model
      } catch (cause) {
        // The message is rejected; the model stays as it was before it.
        this.report(new RenderError({ phase: "update", cause }))
      }
    }
    this.pendingMsgs.length = 0
    this.pendingLanes.length = 0
    if (model === before && this.rendered && !this.liveEdits) return
    this.liveEdits = false
    this.model = model
    if (!this.commit(lane)) this.model = before
  }

  /** Renders the view of the current model and sends the patch list. False if the view threw. */
  private commit(lane: number): boolean {
    let buffer: ArrayBuffer | null
    try {
      buffer = this.renderer.render(this.view, lane, this.eventSeq)
    } catch (cause) {
      this.report(new RenderError({ phase: "view", cause }))
      return false
    }
    this.rendered = true
    if (buffer !== null) this.port.postMessage(buffer, [buffer])
    return true
  }

  private answerFlushes(): void {
    while (this.flushSeqs.length > 0) this.port.postMessage({ t: "flushed", seq: this.flushSeqs.shift()! })
  }

  private report(error: RenderError): void {
    this.port.postMessage({ t: "error", kind: error._tag + ":" + error.phase, message: error.message })
    Effect.runFork(Effect.logError(error.message, error.cause))
  }

  /** The current model (for tests and tools). */
  get currentModel(): Model {
    return this.model
  }

  /** Sizes of the root's tables, to watch memory. */
  get tableSizes(): Renderer["tableSizes"] {
    return this.renderer.tableSizes
  }
}
