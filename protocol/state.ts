/**
 * The data of the state tools (docs/state.md), as both threads see it: what
 * `root.snapshot()` and `root.history` give and take. Plain, structured-cloneable data;
 * a snapshot or history file can be kept, sent or attached to a bug report as JSON when
 * the model and messages are JSON data.
 *
 * @since 0.1.0
 */

/** The history's byte cap when `history: true` gives none (8 MiB). */
export const DEFAULT_HISTORY_BYTES = 8 * 1024 * 1024

/** A root's model at one point, as `root.snapshot()` gives it and `root.restore()` takes it. */
export interface Snapshot {
  readonly format: "shuttle-snapshot"
  readonly version: 1
  /** The program's schema hashes ("" without Schemas): a program with others must decode the model or refuse it. */
  readonly modelHash: string
  readonly msgHash: string
  /** Messages settled into this model since the root started (or since the state it was restored from). */
  readonly index: number
  /** Date.now() when taken. */
  readonly takenAt: number
  /** The model (encoded through the model Schema, when the program has one). */
  readonly model: unknown
}

/** A root's message history, as a file a user can attach to a bug report (`root.history.export()`). */
export interface HistoryFile {
  readonly format: "shuttle-history"
  readonly version: 1
  readonly modelHash: string
  readonly msgHash: string
  /** Index of the first message: `base` is the model before it. */
  readonly start: number
  readonly base: unknown
  readonly msgs: readonly unknown[]
  /** Lane numbers (0 sync … 4 idle) and worker clock times (ms) of each message. */
  readonly lanes: readonly number[]
  readonly times: readonly number[]
  readonly exportedAt: number
}

/** Where the history stands (`root.history.info()`). */
export interface HistoryInfo {
  /** Index of the oldest message held, and one past the newest. */
  readonly start: number
  readonly end: number
  /** Estimated bytes held (messages and keyframes), and the cap. */
  readonly bytes: number
  readonly maxBytes: number
  readonly keyframes: number
  /** The index shown while time travelling, or null in the present. */
  readonly traveling: number | null
}

/** One message of the history (`root.history.entries(from, to)`). */
export interface HistoryEntry {
  readonly index: number
  readonly msg: unknown
  readonly lane: number
  readonly time: number
}
