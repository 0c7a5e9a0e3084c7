import * as Comlink from "comlink"
import { clause, InvalidOptionError } from "../../protocol/errors.ts"
import type { LaneSettings } from "../../protocol/lanes.ts"
import type { FromWorker, MountOptions, MountReply, RestoreState, ToWorker } from "../../protocol/messages.ts"
import type { WorkerLike, WorkerSource } from "./root-api.ts"
import { acquireControl, type Control, releaseControl } from "./worker-control.ts"

/** How a session ended before its owner let it go. */
export interface SessionFailure {
  /** `MountFailed` and `NoProgram` before the worker mounted the root, `WorkerCrashed` after. */
  readonly kind: "MountFailed" | "NoProgram" | "WorkerCrashed"
  /** What happened and what to do, as a clause (the owner ends the sentence). */
  readonly reason: string
  /** The error or event behind it, when there is one. */
  readonly cause?: unknown
}

/** A message of the root's data port, as the owner gets it. */
export type SessionMessage = Exclude<FromWorker, { readonly t: "mounting" }>

/** What a session reports to the root that owns it. Nothing is reported after `release`. */
export interface SessionOwner {
  received(session: WorkerSession, data: SessionMessage): void
  /** The worker mounted the root. */
  mounted(session: WorkerSession): void
  /** The worker is gone, or never came up. The owner releases the session. */
  failed(session: WorkerSession, failure: SessionFailure): void
}

export interface SessionOptions {
  readonly source: WorkerSource
  readonly rootId: number
  readonly lanes: LaneSettings
  /** The worker posts snapshots and journal entries (crash recovery is on). */
  readonly journal: boolean
  /** Start from this state (a restart after a crash, or a stored model) instead of the program's init. */
  readonly restore: RestoreState | undefined
  /** This worker replaces one that crashed (its program ran before: a slow start is a MountFailed). */
  readonly restarted: boolean
  /** How long to wait for a sign that the worker module called runProgram. */
  readonly mountTimeoutMs: number
  /** The commit ring this worker writes to (the page is cross-origin isolated), or undefined. */
  readonly ring?: SharedArrayBuffer
  /** Keep the message history for time travel, up to this many bytes (0: off). */
  readonly historyBytes?: number
}

export const DEFAULT_MOUNT_TIMEOUT_MS = 10_000
/** How long unmount waits for the worker to confirm before releasing it anyway. */
const UNMOUNT_WAIT_MS = 1000
/** Names the life locks of this page apart from another tab's (same origin, same lock manager). */
const LOCK_PREFIX = `shuttle-life-${Math.random().toString(36).slice(2)}-`
let nextLockId = 1

/** Checks the `mountTimeoutMs` option: milliseconds > 0, `Infinity` to wait forever. */
export function resolveMountTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_MOUNT_TIMEOUT_MS
  if (typeof value !== "number" || Number.isNaN(value) || value <= 0) {
    throw new InvalidOptionError("mountTimeoutMs", value, "a number of milliseconds > 0 (Infinity waits forever)")
  }
  return value
}

/**
 * One worker serving a root: the first, or one started after a crash. It starts the
 * worker (calling the factory, or taking the Worker given), opens the root's data port,
 * mounts the root over the worker's comlink control channel, and watches for the
 * worker's death: its `error` and `messageerror` events, `messageerror` on the port, and a
 * Web Lock the worker holds while it lives (granted to this thread the moment it dies,
 * even after a `terminate()`, which fires no event). A worker module that never calls
 * `runProgram` answers nothing (comlink waits forever), so the mount is given
 * `mountTimeoutMs` to show a sign of the program.
 */
export class WorkerSession {
  /** It replaces a crashed worker (its first commit replaces the whole DOM). */
  readonly restored: boolean
  private readonly options: SessionOptions
  private readonly owner: SessionOwner
  private readonly channel = new MessageChannel()
  private worker: WorkerLike | null = null
  /** The script URL the factory gave to `new Worker`, when known (for the error texts). */
  private scriptUrl: string | undefined = undefined
  private control: Control | null = null
  /** This thread's place in the queue for the worker's life lock; aborted on release. */
  private lock: AbortController | null = null
  private mountTimer: ReturnType<typeof setTimeout> | null = null
  private isMounted = false
  private released = false
  private readonly onWorkerError = (event: Event): void => {
    // Reported through onError: keep the browser from reporting it a second time.
    event.preventDefault()
    if (event.type === "messageerror") this.fail(this.lost("a message from the worker could not be read", event))
    else this.fail(this.isMounted ? crashFailure(readError(event)) : loadFailure(readError(event), this.scriptUrl))
  }

  constructor(options: SessionOptions, owner: SessionOwner) {
    this.options = options
    this.owner = owner
    this.restored = options.restarted
    const port = this.channel.port1
    port.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data)
    port.onmessageerror = (event) => this.fail(this.lost("a message from the worker could not be read", event))
  }

  /** The worker mounted the root and has not failed. */
  get mounted(): boolean {
    return this.isMounted && !this.released
  }

  /** Starts the worker and mounts the root. Failures are reported to the owner, never thrown. */
  start(): void {
    const source = this.options.source
    let worker: WorkerLike
    try {
      if (typeof source === "function") ({ worker, url: this.scriptUrl } = callFactory(source))
      else worker = source
    } catch (cause) {
      this.fail({
        kind: "MountFailed",
        reason: `the function given to createRoot could not start a worker (${clause(cause)}); make it return a new Worker, e.g. () => new Worker(url, { type: "module" })`,
        cause
      })
      return
    }
    if (this.released) return
    this.worker = worker
    this.control = acquireControl(worker)
    worker.addEventListener("error", this.onWorkerError)
    worker.addEventListener("messageerror", this.onWorkerError)
    if (Number.isFinite(this.options.mountTimeoutMs)) this.mountTimer = setTimeout(() => this.timedOut(), this.options.mountTimeoutMs)

    // happy-dom has `navigator.locks` as null.
    const locks = typeof navigator === "undefined" ? undefined : (navigator as { locks?: LockManager | null }).locks ?? undefined
    const lifeLock = locks === undefined ? undefined : `${LOCK_PREFIX}${nextLockId++}`
    const { rootId, lanes, journal, restore, ring, historyBytes = 0 } = this.options
    const mountOptions: MountOptions = ring === undefined ? { rootId, lanes, journal, restore, lifeLock, historyBytes } : { rootId, lanes, journal, restore, lifeLock, ring, historyBytes }
    const port = this.channel.port2
    this.control.remote.mount(Comlink.transfer(port, [port]), mountOptions).then(
      (reply: MountReply) => {
        if (this.released) return
        this.clearMountTimer()
        this.isMounted = true
        if (reply.lifeLock && locks !== undefined && lifeLock !== undefined) {
          const abort = new AbortController()
          this.lock = abort
          // Granted only when the worker lets go: it unmounted (we abort first) or it died.
          locks.request(lifeLock, { signal: abort.signal }, () => this.fail(this.lost("the worker stopped (it was terminated, or the browser killed it)"))).catch(() => undefined)
        }
        this.owner.mounted(this)
      },
      (cause: unknown) => this.fail({
        kind: "MountFailed",
        reason: `the worker failed before it mounted the root (mounting threw: ${clause(cause)}); fix the program's init or layer`,
        cause
      })
    )
  }

  /** Posts on the root's data port; false once released. Messages posted before the worker listens wait in the port. */
  post(message: ToWorker, transfer?: Transferable[]): boolean {
    if (this.released) return false
    this.channel.port1.postMessage(message, transfer ?? [])
    return true
  }

  /** Lets go of a worker that failed: stops listening and terminates it unless another root uses it. */
  release(): void {
    if (this.released) return
    const worker = this.worker
    const control = this.control
    this.detach()
    if (worker !== null && control !== null) releaseControl(worker, control)
  }

  /** Unmounts the root in the worker (waiting at most a second: a dead worker never answers), then lets go of it. */
  async unmount(): Promise<void> {
    if (this.released) return
    const worker = this.worker
    const control = this.control
    this.detach()
    if (worker === null || control === null) return
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      await Promise.race([
        control.remote.unmount(this.options.rootId),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, UNMOUNT_WAIT_MS)
        })
      ])
    } catch {
      // The worker died meanwhile: it has nothing left to unmount.
    } finally {
      clearTimeout(timer)
      releaseControl(worker, control)
    }
  }

  private receive(data: FromWorker): void {
    if (this.released) return
    if (data.t === "mounting") {
      // runProgram is there: the mount may take as long as the program's layer needs.
      this.clearMountTimer()
      return
    }
    this.owner.received(this, data)
  }

  private timedOut(): void {
    this.mountTimer = null
    const ms = this.options.mountTimeoutMs
    if (this.restored) {
      this.fail({ kind: "MountFailed", reason: `the restarted worker did not start mounting the root within ${ms} ms (mountTimeoutMs); raise mountTimeoutMs if its script loads slowly` })
      return
    }
    this.fail({
      kind: "NoProgram",
      reason: `the worker did not answer within ${ms} ms: the worker module did not call runProgram(...), or is still loading; call runProgram({ init, update, view }) at the top level of the worker module, or raise mountTimeoutMs if it loads slowly`
    })
  }

  /** The worker died (after mounting) or never came up (before). */
  private lost(what: string, cause?: unknown): SessionFailure {
    return this.isMounted
      ? { kind: "WorkerCrashed", reason: what, cause }
      : { kind: "MountFailed", reason: `the worker failed before it mounted the root (${what})`, cause }
  }

  private fail(failure: SessionFailure): void {
    if (!this.released) this.owner.failed(this, failure)
  }

  private clearMountTimer(): void {
    if (this.mountTimer === null) return
    clearTimeout(this.mountTimer)
    this.mountTimer = null
  }

  private detach(): void {
    this.released = true
    this.clearMountTimer()
    this.lock?.abort()
    this.lock = null
    this.worker?.removeEventListener("error", this.onWorkerError)
    this.worker?.removeEventListener("messageerror", this.onWorkerError)
    const port = this.channel.port1
    port.onmessage = null
    port.onmessageerror = null
    port.close()
  }
}

/**
 * Calls the worker factory, noting the script URL it passes to `new Worker(url)`: neither
 * the Worker object nor the error event of a script that fails to load (a 404, a syntax
 * error in a module) tells it, and the error text should name the script. `Worker` is
 * swapped for a subclass that notes the URL only during this synchronous call.
 */
function callFactory(factory: () => WorkerLike): { readonly worker: WorkerLike; readonly url: string | undefined } {
  const scope = globalThis as { Worker?: typeof Worker }
  const Original = scope.Worker
  if (typeof Original !== "function") return { worker: factory(), url: undefined }
  let url: string | undefined
  scope.Worker = class extends Original {
    constructor(scriptURL: string | URL, options?: WorkerOptions) {
      super(scriptURL, options)
      url = absolute(String(scriptURL))
    }
  }
  try {
    const worker = factory()
    return { worker, url }
  } finally {
    scope.Worker = Original
  }
}

function absolute(url: string): string {
  try {
    return typeof document === "undefined" ? url : new URL(url, document.baseURI).href
  } catch {
    return url
  }
}

/** What a worker's `error` event tells: an ErrorEvent's fields when it is one (a script that threw), else nothing (a script that failed to load). */
interface WorkerErrorEvent {
  readonly event: Event
  readonly message: string
  readonly filename: string
  readonly lineno: number
  readonly error: unknown
}

function readError(event: Event): WorkerErrorEvent {
  const fields = event as Partial<Record<"message" | "filename" | "lineno" | "error", unknown>>
  return {
    event,
    message: typeof fields.message === "string" ? clause(fields.message) : "",
    filename: typeof fields.filename === "string" ? fields.filename : "",
    lineno: typeof fields.lineno === "number" ? fields.lineno : 0,
    error: fields.error ?? event
  }
}

/** Where an error event says it happened: " at URL:line", or nothing. */
function place(error: WorkerErrorEvent): string {
  if (error.filename === "") return ""
  return ` at ${error.filename}${error.lineno > 0 ? `:${error.lineno}` : ""}`
}

/** An uncaught error killed a worker that had mounted the root. */
function crashFailure(error: WorkerErrorEvent): SessionFailure {
  const reason = error.message === "" ? "the worker crashed" : `the worker crashed (${error.message}${place(error)})`
  return { kind: "WorkerCrashed", reason, cause: error.error }
}

/**
 * The worker's `error` event before it mounted the root: its script failed to load
 * (a plain Event, no message) or threw as it ran (an ErrorEvent with the message and,
 * in Chromium, the script's URL).
 */
function loadFailure(error: WorkerErrorEvent, scriptUrl: string | undefined): SessionFailure {
  const where = place(error) || (scriptUrl === undefined ? "" : ` in ${scriptUrl}`)
  if (error.message !== "") {
    return {
      kind: "MountFailed",
      reason: `the worker failed before it mounted the root (${error.message}${where}); fix that error in the worker's script`,
      cause: error.error
    }
  }
  const script = scriptUrl === undefined ? "its script" : `its script ${scriptUrl}`
  return {
    kind: "MountFailed",
    reason: `the worker failed before it mounted the root (${script} could not be loaded or run); check that the script's URL is right (not a 404), that it has no syntax error, that it is started with new Worker(url, { type: "module" }) if it uses import, and that the page sends the COOP/COEP headers it needs`,
    cause: error.event
  }
}
