import type * as Comlink from "comlink"
import type { LaneTuning } from "./lane-options.ts"
import type { ShuttleError } from "../../protocol/errors.ts"
import type { LaneName } from "../../protocol/lanes.ts"
import type { CommitStats, RootStats } from "../../protocol/messages.ts"
import type { RecoverOptions } from "./recovery.ts"
import type { HistoryEntry, HistoryFile, HistoryInfo, Snapshot } from "../../protocol/state.ts"
import type { PersistOptions } from "../state/persistence.ts"

// Plain data both threads read (the devtools panel worker too): defined in protocol/.
export type { CommitStats, RootStats }

/**
 * The public types of a mounted root: what `createRoot` takes and returns.
 *
 * @since 0.1.0
 */

/** What `createRoot` talks to: a Worker, or any MessagePort-like endpoint (tests). */
export type WorkerLike = Comlink.Endpoint & { terminate?: () => void }

/**
 * What `createRoot` mounts: a worker, or a function that starts one. Only with a function
 * can a crashed worker be replaced by a new one (the `recover` option).
 */
export type WorkerSource = WorkerLike | (() => WorkerLike)

/**
 * Data that can be sent to a worker (structured-cloneable): primitives, plain objects and
 * arrays, Dates, Maps, Sets, ArrayBuffers, typed arrays. Not functions or symbols. The
 * message type of a root made without one (`createRoot(…)`; `createRoot<Msg>(…)` names
 * yours). Object literals are checked field by field; values of an interface type are
 * accepted as objects (their fields are checked when `dispatch` clones them).
 */
export type Cloneable =
  | string
  | number
  | boolean
  | bigint
  | null
  | ReadonlyArray<CloneableField>
  | { readonly [key: string]: CloneableField }
  | (object & NotAFunction)

/** A field of a cloneable object: any Cloneable, or undefined (an optional field). */
export type CloneableField = Cloneable | undefined

/** Any object but a function (functions have call, apply and bind). */
interface NotAFunction {
  readonly call?: never
  readonly apply?: never
  readonly bind?: never
}

/**
 * Options of `createRoot`. `Msg` is the root's message type (what `dispatch` takes); no
 * option carries a message yet, it is here so that options can be written for one root type.
 *
 * @since 0.1.0
 */
export interface RootOptions<Msg = Cloneable> extends LaneTuning {
  /** Called with every error of this root: rejected patch lists, failed renders, worker crashes. Default: console.error. */
  readonly onError?: (error: ShuttleError) => void
  /** Called after every commit is applied, with what it did. */
  readonly onCommit?: (commit: CommitStats) => void
  /**
   * Restart a crashed worker (when `createRoot` was given a function that starts one):
   * the new worker starts from the last snapshot of the model and folds the messages
   * after it again. Default `{ retries: 3, backoffMs: 100 }`; `false` turns it off.
   */
  readonly recover?: boolean | RecoverOptions
  /**
   * Shown in the container at once, until the first commit replaces it: an HTML string
   * or a DOM Node. Default: the container is emptied.
   */
  readonly placeholder?: string | Node
  /**
   * Milliseconds to wait for a sign that the worker module called `runProgram` (it answers
   * the mount at once). Past it the root fails with `WorkerError` kind `NoProgram`
   * (a worker that never calls `runProgram` would otherwise leave `ready` and every
   * `flush()` pending forever). Default 10000; `Infinity` waits forever. A layer that takes
   * long to build does not count: the wait ends when mounting starts.
   */
  readonly mountTimeoutMs?: number
  /**
   * On a cross-origin isolated page (COOP/COEP), commits travel through a shared-memory ring
   * that the page drains at every delegated event and frame, instead of waiting behind
   * input and frames in the message queue (docs/commit-ring.md). Default true; `false`
   * sends every commit by message, as on a page that is not isolated.
   */
  readonly ring?: boolean
  /**
   * Keep the message history for time travel and export (`root.history`, docs/state.md):
   * `true` (8 MB) or `{ maxBytes }`. The cap is on bytes, messages and keyframes together;
   * the oldest go first. Default off.
   */
  readonly history?: boolean | HistoryOptions
  /**
   * Keep the model across page loads (docs/persistence.md): it is read before the worker
   * starts (the first commit shows it, no flash of init) and written, debounced, from the
   * root's snapshots and at `pagehide`. A record that cannot be used is reported
   * (StateError) and kept aside; the app then starts from `init`.
   */
  readonly persist?: PersistOptions
}

/** The `history` option of `createRoot`. */
export interface HistoryOptions {
  /** Bytes the history may hold (estimated: messages and keyframe models). Default 8 MB. */
  readonly maxBytes?: number
}

/**
 * A root's message history and time travel (the `history` option; docs/state.md).
 * While travelling the page shows the model after the message jumped to: DOM events on
 * it are dropped, and dispatches wait until `resume()` (a `flush()` meanwhile resolves
 * once the point shown is on screen).
 */
export interface RootHistory {
  /** Where the history stands: the messages held, their bytes, and the index shown while travelling. */
  info(): Promise<HistoryInfo>
  /** The messages with index `from` (inclusive) to `to` (exclusive) that are still held. */
  entries(from: number, to: number): Promise<HistoryEntry[]>
  /** Shows the model after message `index` (`info().start - 1`: before the oldest held). No command runs. */
  jumpTo(index: number): Promise<void>
  /** Back to the present: it renders again, then the work held while travelling. */
  resume(): Promise<void>
  /** The history as a file (`JSON.stringify` it) with the program's schema hashes. */
  export(): Promise<HistoryFile>
  /** Loads a history file: refused (StateError HistoryIncompatible) if made by another program; else its end becomes the present. */
  import(file: HistoryFile): Promise<void>
  /** The model after message `index` (encoded like a snapshot's), without showing it. */
  modelAt(index: number): Promise<unknown>
}

/** @since 0.1.0 */
export interface DispatchOptions {
  /** The priority lane of this message. Default: "default". */
  readonly lane?: LaneName
}


/**
 * A mounted Shuttle app whose `update` takes messages of type `Msg`
 * (`createRoot<Msg>(…)`; without a type, any `Cloneable` data).
 *
 * @since 0.1.0
 */
export interface Root<Msg = Cloneable> {
  /** Sends a message to the app's `update`. Throws MessageNotCloneableError for data that cannot be sent. */
  dispatch(msg: Msg, options?: DispatchOptions): void
  /** Resolves once every message dispatched before the call is processed and its commit applied. */
  flush(): Promise<void>
  /** Empties the container, removes the listeners and releases the worker. */
  unmount(): Promise<void>
  /** Changes lane tuning at run time; throws InvalidOptionError naming the bad field (and changes nothing). */
  setLanes(tuning: LaneTuning): void
  /** Resolves when the worker has mounted the root; rejects (WorkerError) if it never could. */
  readonly ready: Promise<void>
  /** The element the root is mounted in (devtools pick its nodes there). */
  readonly container: Element
  readonly stats: RootStats
  /** The settled model now, as data to keep or send (docs/state.md). */
  snapshot(): Promise<Snapshot>
  /**
   * Makes a snapshot's model the present and renders it (no command runs); resolves once
   * it is on screen. Refused whole (StateError) if it is from a program whose model schema
   * differs and does not decode it.
   */
  restore(snapshot: Snapshot): Promise<void>
  /** The message history and time travel (with the `history` option). */
  readonly history: RootHistory
  /**
   * Calls `listener` after every commit is applied, as the `onCommit` option does; returns
   * the function that stops it. For tools that attach to a root after it was made (a
   * monitor, devtools).
   */
  observeCommits(listener: (commit: CommitStats) => void): () => void
  /** A devtools query about the worker's side of the root (docs/devtools.md); rejects with StateError for one it cannot answer. */
  inspect(query: unknown): Promise<unknown>
}
