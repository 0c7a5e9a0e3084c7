import { StateError } from "../../protocol/errors.ts"
import { LANE_DEFAULT, LANE_NAMES } from "../../protocol/lanes.ts"
import type { HistoryFile, HistoryInfo } from "../../protocol/state.ts"
import type { Cloneable, Root } from "../root/root-api.ts"
import { actionToMessage, estimateJsonBytes, laneOf, liftedToHistoryFile, messageToAction, type ShuttleAction } from "./redux-actions.ts"

export { actionToMessage, estimateJsonBytes, liftedToHistoryFile, messageToAction, type ShuttleAction } from "./redux-actions.ts"

/**
 * A bridge from a root's message history to the Redux DevTools browser extension
 * (docs/redux-devtools.md): every message that settles is sent to the extension as an
 * action with the model after it, and the extension's jumps, commits, rollbacks, imports
 * and typed actions are carried out through `root.history` and `root.dispatch`.
 *
 * Main thread only, and nothing here holds models: states are read from the worker
 * (`root.history.modelAt`) when they are sent, and the extension keeps what it shows.
 *
 * @since 0.1.0
 * @example
 * const root = createRoot(el, worker, { history: true })
 * const devtools = await connectReduxDevTools(root, { name: "Notes" })
 * // later
 * devtools.disconnect()
 */

/** Options of `connectReduxDevTools`. */
export interface ReduxDevToolsOptions {
  /** The instance name the extension lists. Default "Shuttle". */
  readonly name?: string
  /** Actions the extension keeps (its own `maxAge`). Default 50, as the extension's. */
  readonly maxAge?: number
  /**
   * Largest state sent, by a JSON-length estimate. A bigger one is sent as
   * `{ "shuttle/omitted": true, bytes }` (bytes: where counting stopped, a lower bound).
   * Default 256 KiB.
   */
  readonly maxStateBytes?: number
  /** Called with what the bridge could not do (a jump to a dropped message, a refused import). Default console.warn. */
  readonly onError?: (error: Error) => void
}

/** What `connectReduxDevTools` returns. */
export interface ReduxDevToolsBridge {
  /** False when the page has no extension: then the bridge does nothing. */
  readonly connected: boolean
  /** Resolves once every commit so far is sent and every extension message so far is carried out. */
  flush(): Promise<void>
  /** Stops: unsubscribes from the root and the extension; resumes the present if the extension left the page in the past. */
  disconnect(): void
}

/** The part of `window.__REDUX_DEVTOOLS_EXTENSION__` the bridge uses. */
export interface ReduxDevToolsExtension {
  connect(options: { readonly name: string; readonly maxAge: number; readonly features: Record<string, boolean | string> }): ReduxDevToolsConnection
}

/** A connection the extension gives (`connect`). */
export interface ReduxDevToolsConnection {
  init(state: unknown): void
  send(action: unknown, state: unknown): void
  subscribe(listener: (message: ReduxDevToolsMessage) => void): (() => void) | void
}

/** A message from the extension (only the fields the bridge reads). */
export interface ReduxDevToolsMessage {
  readonly type: string
  readonly payload?: unknown
  readonly state?: unknown
}


export const DEFAULT_MAX_STATE_BYTES = 256 * 1024
const DEFAULT_MAX_AGE = 50

/**
 * What the extension may offer: jumping, custom import (IMPORT_STATE comes to us),
 * export, dispatching typed actions. Not skip or reorder (a Shuttle history is a fold
 * in order), not pause, lock or persist.
 */
const FEATURES = { jump: true, import: "custom", export: true, dispatch: true, pause: false, lock: false, persist: false, skip: false, reorder: false, test: false } as const

/** The message without an extension is said once per page, however many roots connect. */
let toldNoExtension = false

/**
 * Connects a root to the Redux DevTools extension. Without the extension on the page it
 * resolves to a bridge that does nothing (and says so once, with console.info). With it,
 * the root must keep a history (`createRoot(…, { history: true })`): otherwise it rejects
 * with StateError kind HistoryUnavailable.
 */
export async function connectReduxDevTools<Msg>(root: Root<Msg>, options: ReduxDevToolsOptions = {}): Promise<ReduxDevToolsBridge> {
  const extension = typeof window === "undefined" ? undefined : (window as { __REDUX_DEVTOOLS_EXTENSION__?: ReduxDevToolsExtension }).__REDUX_DEVTOOLS_EXTENSION__
  if (extension === undefined) {
    if (!toldNoExtension) {
      toldNoExtension = true
      console.info("Shuttle: the Redux DevTools extension is not on this page; connectReduxDevTools does nothing.")
    }
    return { connected: false, flush: () => Promise.resolve(), disconnect() {} }
  }
  try {
    await root.history.info()
  } catch (cause) {
    if (cause instanceof StateError && cause.kind === "HistoryUnavailable") {
      throw new StateError("HistoryUnavailable", "the Redux DevTools bridge needs the root's message history: mount it with createRoot(container, worker, { history: true })", { cause })
    }
    throw cause
  }
  const bridge = new ReduxBridge(root as unknown as Root, extension, options)
  await bridge.flush()
  return bridge
}

/**
 * One connection. The extension numbers what it lists: action 0 is the state `init`
 * gave, action k the k-th `send` after it. The bridge sends history messages one after
 * another with no gap (a gap, or a history changed under it, makes it `init` again), so
 * action k is history message `base + k`: no table to keep.
 */
class ReduxBridge implements ReduxDevToolsBridge {
  readonly connected = true
  private readonly root: Root
  private readonly connection: ReduxDevToolsConnection
  private readonly maxAge: number
  private readonly maxStateBytes: number
  private readonly onError: (error: Error) => void
  /** History index of the extension's action 0 (the model after it is the `init` state). */
  private base = -1
  /** One past the last history index sent. */
  private sentUpTo = 0
  /** The bridge jumped into the past (disconnect resumes). */
  private traveled = false
  private closed = false
  /** Work in order: catching up with commits and carrying out the extension's messages share one queue. */
  private queue: Promise<void> = Promise.resolve()
  private catchUpQueued = false
  private readonly stopCommits: () => void
  private readonly stopMessages: (() => void) | void

  constructor(root: Root, extension: ReduxDevToolsExtension, options: ReduxDevToolsOptions) {
    this.root = root
    this.maxAge = Math.max(2, Math.floor(options.maxAge ?? DEFAULT_MAX_AGE))
    this.maxStateBytes = options.maxStateBytes ?? DEFAULT_MAX_STATE_BYTES
    this.onError = options.onError ?? ((error) => console.warn(error))
    this.connection = extension.connect({ name: options.name ?? "Shuttle", maxAge: this.maxAge, features: { ...FEATURES } })
    this.enqueue(() => this.resync())
    this.stopCommits = root.observeCommits(() => this.onCommit())
    this.stopMessages = this.connection.subscribe((message) => this.onMessage(message))
  }

  flush(): Promise<void> {
    return this.queue
  }

  disconnect(): void {
    if (this.closed) return
    this.closed = true
    this.stopCommits()
    if (typeof this.stopMessages === "function") this.stopMessages()
    if (this.traveled) this.root.history.resume().catch((error: unknown) => this.report(error))
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(() => (this.closed ? undefined : task())).catch((error: unknown) => this.report(error))
  }

  private report(error: unknown): void {
    if (!this.closed) this.onError(error instanceof Error ? error : new Error(String(error)))
  }

  /** A burst of commits costs one catch-up: a queued one reads the history when it runs. */
  private onCommit(): void {
    if (this.catchUpQueued) return
    this.catchUpQueued = true
    this.enqueue(() => {
      this.catchUpQueued = false
      return this.catchUp()
    })
  }

  /** Sends the messages settled since the last send, each with the model after it. */
  private async catchUp(): Promise<void> {
    const info = await this.root.history.info()
    if (info.end === this.sentUpTo) return
    // Something reset the history (a restore or import by the app) or dropped messages before they were sent.
    if (info.end < this.sentUpTo || info.start > this.sentUpTo) return this.resync(info)
    await this.sendRange(this.sentUpTo, info.end)
  }

  /** Starts the extension's list again: `init` with the model before the last maxAge − 1 held messages, then sends them. */
  private async resync(known?: HistoryInfo): Promise<void> {
    const info = known ?? await this.root.history.info()
    const from = Math.max(info.start, info.end - (this.maxAge - 1))
    const model = await this.root.history.modelAt(from - 1)
    if (this.closed) return
    this.connection.init(this.capped(model))
    this.base = from - 1
    this.sentUpTo = from
    await this.sendRange(from, info.end)
  }

  private async sendRange(from: number, to: number): Promise<void> {
    const entries = await this.root.history.entries(from, to)
    for (const entry of entries) {
      if (entry.index !== this.sentUpTo) return this.resync()
      const model = await this.root.history.modelAt(entry.index)
      if (this.closed) return
      this.connection.send(messageToAction(entry.msg, entry.lane), this.capped(model))
      this.sentUpTo = entry.index + 1
    }
  }

  private capped(model: unknown): unknown {
    const bytes = estimateJsonBytes(model, this.maxStateBytes)
    return bytes > this.maxStateBytes ? { "shuttle/omitted": true, bytes } : model
  }

  private onMessage(message: ReduxDevToolsMessage): void {
    if (this.closed) return
    if (message.type === "ACTION") {
      this.enqueue(async () => this.dispatchTyped(message.payload))
      return
    }
    if (message.type !== "DISPATCH" || typeof message.payload !== "object" || message.payload === null) return
    const payload = message.payload as Record<string, unknown>
    switch (payload.type) {
      case "JUMP_TO_STATE":
      case "JUMP_TO_ACTION":
        this.enqueue(() => this.jump(payload))
        return
      case "COMMIT":
        this.enqueue(() => this.commit())
        return
      case "ROLLBACK":
        this.enqueue(() => this.restoreTo(this.base))
        return
      case "RESET":
        this.enqueue(async () => this.restoreTo((await this.root.history.info()).start - 1))
        return
      case "IMPORT_STATE":
        this.enqueue(() => this.importLifted(payload.nextLiftedState))
        return
    }
  }

  /**
   * The extension gives `actionId` (newer versions, both jumps), `id`, or for
   * JUMP_TO_STATE only `index`, a position among the actions it keeps: once more than
   * maxAge were sent, its first kept state is the one after action sent − maxAge + 1.
   */
  private async jump(payload: Record<string, unknown>): Promise<void> {
    const sent = this.sentUpTo - 1 - this.base
    let actionId = typeof payload.actionId === "number" ? payload.actionId : typeof payload.id === "number" ? payload.id : NaN
    if (Number.isNaN(actionId) && typeof payload.index === "number") {
      actionId = sent + 1 <= this.maxAge ? payload.index : sent - this.maxAge + 1 + payload.index
    }
    if (!Number.isInteger(actionId) || actionId < 0 || actionId > sent) {
      throw new Error(`Redux DevTools asked for action ${String(payload.actionId ?? payload.id ?? payload.index)}, which the bridge did not send (it sent 0…${sent})`)
    }
    if (actionId === sent) {
      this.traveled = false
      await this.root.history.resume()
      return
    }
    this.traveled = true
    await this.root.history.jumpTo(this.base + actionId)
  }

  /** COMMIT: the extension's list starts again at the present; Shuttle's history is kept whole. */
  private async commit(): Promise<void> {
    this.traveled = false
    await this.root.history.resume()
    const info = await this.root.history.info()
    const model = await this.root.history.modelAt(info.end - 1)
    if (this.closed) return
    this.connection.init(this.capped(model))
    this.base = info.end - 1
    this.sentUpTo = info.end
  }

  /**
   * ROLLBACK and RESET: the model after history message `index` becomes the present
   * (`root.restore`: no command runs, Shuttle's history starts again there), as Redux
   * drops the actions after the committed or initial state.
   */
  private async restoreTo(index: number): Promise<void> {
    const model = await this.root.history.modelAt(index)
    const snapshot = await this.root.snapshot()
    await this.root.restore({ ...snapshot, model, index: index + 1, takenAt: Date.now() })
    this.traveled = false
    await this.resync()
  }

  /**
   * IMPORT_STATE: a Shuttle history file (imported through the extension's Import
   * button) is given to `root.history.import` as it is; a Redux DevTools lifted state
   * (the extension's own export) is made into one from its first computed state and its
   * actions. Either way the extension then lists the imported history.
   */
  private async importLifted(lifted: unknown): Promise<void> {
    const file = isHistoryFile(lifted) ? lifted : liftedToHistoryFile(lifted, await this.root.snapshot())
    await this.root.history.import(file)
    this.traveled = false
    await this.resync()
  }

  /** ACTION: what the user typed in the extension's dispatcher, as JSON (never evaluated as code). */
  private dispatchTyped(payload: unknown): void {
    let action: unknown = payload
    if (typeof payload === "string") {
      try {
        action = JSON.parse(payload)
      } catch (cause) {
        throw new Error(`Redux DevTools dispatched ${JSON.stringify(payload)}, which is not JSON: type the message as JSON, e.g. {"type": "add", "text": "a"}`, { cause })
      }
    }
    const lane = laneOf(action)
    // Parsed JSON is plain data, so it can be cloned to the worker.
    this.root.dispatch(actionToMessage(action) as Cloneable, lane === LANE_DEFAULT ? undefined : { lane: LANE_NAMES[lane] })
  }
}

function isHistoryFile(value: unknown): value is HistoryFile {
  return typeof value === "object" && value !== null && (value as { format?: unknown }).format === "shuttle-history"
}
