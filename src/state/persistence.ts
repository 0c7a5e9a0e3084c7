import { clause, InvalidOptionError, StateError, type StateErrorKind } from "../../protocol/errors.ts"
import type { ReplayEntry } from "../../protocol/messages.ts"
import { indexedDbStorage, type PersistStorage } from "./storage.ts"

/**
 * Keeps a root's model across page loads (`createRoot`'s `persist` option): the record
 * format, reading it before the worker starts, and the debounced writer. Whether a
 * stored record fits the running program (its `modelHash`, its decoding) is the worker's
 * call; this module only stores and reads. Plain code, no Effect: it runs on the page.
 * See docs/persistence.md.
 */

/**
 * `createRoot`'s `persist` option: where the model is kept between page loads.
 *
 * @since 0.1.0
 * @example
 * createRoot(app, startWorker, { persist: { key: "todos" } })
 */
export interface PersistOptions {
  /** Storage key of this root's model. */
  readonly key: string
  /** Where: IndexedDB (default: database "shuttle", store "models"), or any PersistStorage. */
  readonly storage?: PersistStorage
  /** Writes wait this long after the last change (default 500 ms); `pagehide` writes at once. */
  readonly debounceMs?: number
}

export interface ResolvedPersist {
  readonly key: string
  readonly storage: PersistStorage
  readonly debounceMs: number
}

export const DEFAULT_DEBOUNCE_MS = 500
/**
 * Under changes that never pause, a write still happens once the oldest unwritten change
 * is this many debounce periods old (5 s by default): a tab that is killed gets no
 * `pagehide`, and a ticking model would otherwise never be saved.
 */
export const MAX_WAIT_DEBOUNCES = 10

export const RECORD_FORMAT = "shuttle-model"
export const RECORD_VERSION = 1

/**
 * What is stored under the key: the model with the hash of the program's model Schema
 * (computed by the worker), and when it was written (ms since the epoch).
 *
 * @since 0.1.0
 */
export interface PersistedRecord {
  readonly format: typeof RECORD_FORMAT
  readonly version: typeof RECORD_VERSION
  readonly modelHash: string
  readonly savedAt: number
  readonly model: unknown
  /**
   * The messages after `model` that the page held when it wrote the record (the crash
   * recovery journal): folded again on restore, as after a crash, so a change made just
   * before the page went is kept although the worker's next snapshot never came.
   */
  readonly replay?: readonly ReplayEntry[]
}

/** What a writer with a source writes: the last snapshot, its hash, and the messages after it. */
export interface PersistSource {
  readonly model: unknown
  readonly modelHash: string
  readonly replay: readonly ReplayEntry[]
}

/** The one place a record is made (every field set, in one order). */
export function persistedRecord(model: unknown, modelHash: string, savedAt: number, replay: readonly ReplayEntry[] = []): PersistedRecord {
  return { format: RECORD_FORMAT, version: RECORD_VERSION, modelHash, savedAt, model, replay }
}

/** Why `value` is not a record this version of Shuttle reads, as a clause; null when it is one. */
export function recordProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `the stored value is ${kindOf(value)}, not a record`
  const record = value as Partial<Record<keyof PersistedRecord, unknown>>
  if (record.format !== RECORD_FORMAT) return `its format is ${kindOf(record.format)}, not "${RECORD_FORMAT}"`
  if (record.version !== RECORD_VERSION) return `its version is ${kindOf(record.version)}, and this Shuttle reads version ${RECORD_VERSION}`
  if (typeof record.modelHash !== "string") return `its modelHash is ${kindOf(record.modelHash)}, not a string`
  if (typeof record.savedAt !== "number" || !Number.isFinite(record.savedAt)) return `its savedAt is ${kindOf(record.savedAt)}, not a time`
  if (!("model" in record)) return "it has no model"
  if (record.replay !== undefined && !Array.isArray(record.replay)) return `its replay is ${kindOf(record.replay)}, not a list`
  return null
}

/** Where `moveAside` keeps a refused record: `${key}:rejected:${savedAt}`. */
export function rejectedKey(key: string, savedAt: number): string {
  return `${key}:rejected:${savedAt}`
}

/**
 * Checks the `persist` option: `undefined` or `false` (off, null), or
 * `{ key, storage?, debounceMs? }`. Throws InvalidOptionError naming the field. The default
 * storage is made here but opens IndexedDB only when first used.
 */
export function resolvePersist(value: unknown): ResolvedPersist | null {
  if (value === undefined || value === false) return null
  if (typeof value !== "object" || value === null) throw new InvalidOptionError("persist", value, "{ key, storage?, debounceMs? } or false")
  for (const field of Object.keys(value)) {
    if (field !== "key" && field !== "storage" && field !== "debounceMs") throw new InvalidOptionError(`persist.${field}`, field, "key, storage or debounceMs")
  }
  const given = value as PersistOptions
  if (typeof given.key !== "string" || given.key === "") throw new InvalidOptionError("persist.key", given.key, "a non-empty string")
  const storage = given.storage ?? indexedDbStorage()
  if (typeof storage !== "object" || storage === null || typeof storage.get !== "function" || typeof storage.set !== "function" || typeof storage.delete !== "function") {
    throw new InvalidOptionError("persist.storage", storage, "an object with get, set and delete methods (indexedDbStorage(), memoryStorage() or your own)")
  }
  const debounceMs = given.debounceMs ?? DEFAULT_DEBOUNCE_MS
  if (typeof debounceMs !== "number" || !Number.isFinite(debounceMs) || debounceMs < 0) {
    throw new InvalidOptionError("persist.debounceMs", debounceMs, "a finite number of milliseconds ≥ 0")
  }
  return { key: given.key, storage, debounceMs }
}

/** What `readPersisted` found. */
export interface PersistedRead {
  /** The stored record; null when there is none or it could not be used. */
  readonly record: PersistedRecord | null
  /** Why there is no record although one may have been stored; null when all went well. */
  readonly error: StateError | null
}

const NOTHING_READ: PersistedRead = { record: null, error: null }

/**
 * Reads the record under the key, before the worker starts. Never throws or rejects:
 * - nothing stored: `{ record: null, error: null }`;
 * - a value that is not a `PersistedRecord`: kept aside (`moveAside`), `PersistCorrupt`;
 * - the storage failed: `PersistFailed` (the stored value, if any, is left where it is).
 * The app then starts from its `init`.
 */
export async function readPersisted(options: ResolvedPersist, now: () => number = Date.now): Promise<PersistedRead> {
  let value: unknown
  try {
    value = await options.storage.get(options.key)
  } catch (cause) {
    return { record: null, error: new StateError("PersistFailed", `Could not read the stored model "${options.key}" (${clause(cause)}); the app starts from init and its next save replaces the record, so check that the storage is available (IndexedDB is off in some private modes)`, { cause }) }
  }
  if (value === undefined) return NOTHING_READ
  const problem = recordProblem(value)
  if (problem === null) return { record: value as PersistedRecord, error: null }
  const at = asideTime(value, now)
  const aside = await moveAside(options, value, problem, () => at)
  const where = aside === null
    ? `it is kept under "${rejectedKey(options.key, at)}"`
    : `it could not be kept aside (${clause(aside.message)})`
  return { record: null, error: new StateError("PersistCorrupt", `The stored model "${options.key}" is not one Shuttle wrote (${problem}); ${where} and the app starts from init`, { cause: aside ?? undefined }) }
}

/**
 * Keeps a refused record, as it was, under `rejectedKey(key, record.savedAt or now)` and
 * then deletes the key, so a record the program cannot use is never silently lost. `why`
 * goes into the error, if any. Never throws or rejects: a failure is the returned
 * `StateError` (`PersistQuota` or `PersistFailed`); when keeping it aside fails, the key
 * is left as it was.
 */
export async function moveAside(options: ResolvedPersist, record: unknown, why: string, now: () => number = Date.now): Promise<StateError | null> {
  const aside = rejectedKey(options.key, asideTime(record, now))
  try {
    await options.storage.set(aside, record)
  } catch (cause) {
    return storageError(cause, `Could not keep the refused model "${options.key}" (${clause(why)}) aside under "${aside}" (${clause(cause)}); it stays under its key until the next save replaces it`)
  }
  try {
    await options.storage.delete(options.key)
  } catch (cause) {
    return new StateError("PersistFailed", `Kept the refused model "${options.key}" (${clause(why)}) under "${aside}" but could not delete it (${clause(cause)}); the next save replaces it`, { cause })
  }
  return null
}

/** A stored value as an error names it: its type, and a short text for a primitive. */
function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (Array.isArray(value)) return "an array"
  if (typeof value === "object") return "an object"
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  return `${typeof value} ${String(value)}`
}

function asideTime(record: unknown, now: () => number): number {
  const savedAt = typeof record === "object" && record !== null ? (record as { savedAt?: unknown }).savedAt : undefined
  return typeof savedAt === "number" && Number.isFinite(savedAt) ? savedAt : now()
}

/** True for a storage's "out of room" failure, as browsers name it. */
export function isQuotaError(cause: unknown): boolean {
  if (typeof cause !== "object" || cause === null) return false
  const { name, code } = cause as { name?: unknown; code?: unknown }
  // Code 22 is the legacy QUOTA_EXCEEDED_ERR; Firefox once used its own name for localStorage.
  return name === "QuotaExceededError" || name === "NS_ERROR_DOM_QUOTA_REACHED" || code === 22
}

function storageError(cause: unknown, reason: string): StateError {
  const kind: StateErrorKind = isQuotaError(cause) ? "PersistQuota" : "PersistFailed"
  return new StateError(kind, reason, { cause })
}

/** The writer's time source; the default one reads the globals at each call (so fake timers apply). */
export interface PersistClock {
  now(): number
  setTimeout(run: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const GLOBAL_CLOCK: PersistClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
}

/**
 * Writes a root's model to its storage: `changed` with every new snapshot, and the newest
 * one is written `debounceMs` after the changes pause (at the latest `MAX_WAIT_DEBOUNCES`
 * periods after the first unwritten one), at once on `pagehide` or when the page is
 * hidden, or on `flushNow`. One write at a time: what changes during a write waits for
 * it, and only the newest model is written next (no queue of stale ones).
 *
 * A failed write is reported through `onError` (`PersistQuota` when the storage is full,
 * else `PersistFailed`) and not retried: the next change tries again, and the last good
 * record stays meanwhile. A run of failures of one kind is reported once, until a write
 * succeeds. Start it only after `readPersisted`, or its first write replaces the record
 * before it was read.
 */
export class PersistWriter {
  /** Writes that succeeded. */
  writes = 0
  /** Writes that failed. */
  failures = 0

  private readonly options: ResolvedPersist
  private readonly onError: (error: StateError) => void
  private readonly clock: PersistClock
  private pendingModel: unknown = undefined
  private pendingHash = ""
  private hasPending = false
  /** When the oldest unwritten change came, and the newest. */
  private pendingSince = 0
  private lastChange = 0
  private timer: unknown = null
  /** The write in flight (never rejects), or null. */
  private inFlight: Promise<void> | null = null
  /** The timer or a flush came during a write: write the pending model right after it. */
  private writeAfter = false
  private stopped = false
  /** The kind last reported, until a write succeeds. */
  private reported: StateErrorKind | null = null
  private readonly page: EventTarget | null
  private readonly doc: Document | null

  /** Where the state to write comes from when it is written (createRoot's recovery log), or null: the model given to `changed`. */
  private readonly source: (() => PersistSource | null) | null

  constructor(options: ResolvedPersist, onError: (error: StateError) => void, clock: PersistClock = GLOBAL_CLOCK, source: (() => PersistSource | null) | null = null) {
    this.options = options
    this.onError = onError
    this.clock = clock
    this.source = source
    this.page = typeof window === "object" && window !== null && typeof window.addEventListener === "function" ? window : null
    this.doc = typeof document === "object" && document !== null && typeof document.addEventListener === "function" ? document : null
    this.page?.addEventListener("pagehide", this.onPageHide)
    this.doc?.addEventListener("visibilitychange", this.onVisibility)
  }

  /** A new snapshot of the model, with its Schema's hash; written after the debounce. */
  changed(model: unknown, modelHash: string): void {
    if (this.stopped) return
    const now = this.clock.now()
    if (!this.hasPending) this.pendingSince = now
    this.lastChange = now
    this.pendingModel = model
    this.pendingHash = modelHash
    this.hasPending = true
    // Called for every dispatch: the timer is set once and moved on, if need be, when it fires.
    if (this.timer === null) this.timer = this.clock.setTimeout(this.onTimer, this.waitFrom(now))
  }

  /** Milliseconds from `now` until the write is due: `debounceMs` after the last change, at most MAX_WAIT_DEBOUNCES of them after the first. */
  private waitFrom(now: number): number {
    const debounce = this.options.debounceMs
    return Math.max(0, Math.min(this.lastChange + debounce, this.pendingSince + debounce * MAX_WAIT_DEBOUNCES) - now)
  }

  /** True while a change waits to be written or a write is in flight. */
  get busy(): boolean {
    return this.hasPending || this.inFlight !== null
  }

  /**
   * Writes the pending model now (after the write in flight, if any). Resolves when
   * nothing is left to write; never rejects (failures go to `onError`).
   */
  flushNow(): Promise<void> {
    this.cancelTimer()
    if (this.hasPending && !this.stopped) {
      if (this.inFlight === null) this.write()
      else this.writeAfter = true
    }
    return this.idle()
  }

  /** Cancels the timer, drops the pending model and removes the listeners. A write in flight still ends (and reports). */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.cancelTimer()
    this.hasPending = false
    this.pendingModel = undefined
    this.writeAfter = false
    this.page?.removeEventListener("pagehide", this.onPageHide)
    this.doc?.removeEventListener("visibilitychange", this.onVisibility)
  }

  private readonly onTimer = (): void => {
    this.timer = null
    if (!this.hasPending) return
    // Changes came since the timer was set: the write moved on with them.
    const wait = this.waitFrom(this.clock.now())
    if (wait > 0) {
      this.timer = this.clock.setTimeout(this.onTimer, wait)
      return
    }
    if (this.inFlight === null) this.write()
    else this.writeAfter = true
  }

  private readonly onPageHide = (): void => {
    this.cancelTimer()
    // Now, even beside a write in flight: after this task the page may be gone. (Two
    // writes to one store commit in the order they started, so the newer wins.)
    if (this.hasPending && !this.stopped) this.write()
  }

  private readonly onVisibility = (): void => {
    if (this.doc?.visibilityState === "hidden") void this.flushNow()
  }

  private async idle(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight
  }

  private cancelTimer(): void {
    if (this.timer === null) return
    this.clock.clearTimeout(this.timer)
    this.timer = null
  }

  private write(): void {
    if (!this.hasPending || this.stopped) return
    let record: PersistedRecord
    if (this.source === null) record = persistedRecord(this.pendingModel, this.pendingHash, this.clock.now())
    else {
      // The freshest state there is, taken now rather than when the change was noted.
      const state = this.source()
      if (state === null) return
      record = persistedRecord(state.model, state.modelHash, this.clock.now(), state.replay)
    }
    this.hasPending = false
    this.pendingModel = undefined
    let started: Promise<void>
    try {
      started = this.options.storage.set(this.options.key, record)
    } catch (cause) {
      // A storage that throws instead of rejecting.
      started = Promise.reject(cause)
    }
    this.inFlight = started.then(() => this.succeeded(), (cause: unknown) => this.failed(cause)).then(() => {
      this.inFlight = null
      if (!this.writeAfter) return
      this.writeAfter = false
      this.write()
    })
  }

  private succeeded(): void {
    this.writes++
    this.reported = null
  }

  private failed(cause: unknown): void {
    this.failures++
    const key = this.options.key
    const error = isQuotaError(cause)
      ? new StateError("PersistQuota", `The storage is full, so the model was not saved under "${key}" (${clause(cause)}); the last saved record stays, so free some storage or keep less in the model`, { cause })
      : new StateError("PersistFailed", `Could not save the model under "${key}" (${clause(cause)}); the last saved record stays and the next change tries again, so check that the model can be structured-cloned and the storage is available`, { cause })
    if (error.kind === this.reported) return
    this.reported = error.kind
    try {
      this.onError(error)
    } catch (thrown) {
      // The callback's bug must not wedge the writer (its write would stay "in flight"): surface it apart.
      queueMicrotask(() => { throw thrown })
    }
  }
}
