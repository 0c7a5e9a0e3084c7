import { clause, type StateErrorKind } from "../../protocol/errors.ts"
import type { StateRequest } from "../../protocol/messages.ts"
import type { HistoryEntry, HistoryFile, HistoryInfo, Snapshot } from "../../protocol/state.ts"
import { isCommand, type CheckResult, type ProgramChecks } from "../program.ts"
import { MessageHistory } from "../state/history.ts"

/**
 * The worker side of a root's state tools (docs/state.md): snapshots, restore, the
 * message history with time travel, export and import. Built on the root's one store: the
 * update queue settles messages into the base model (the recovery journal's snapshots come
 * from there too); the history keeps what settled, bounded by bytes.
 *
 * Plain TypeScript: the root (workers/runtime/root.ts) gives it what it needs through
 * `StateHost` and sends its answers.
 */

/** What the tools need from their root. */
export interface StateHost<Model, Msg> {
  readonly checks: ProgramChecks<Model, Msg> | undefined
  readonly update: (model: Model, msg: Msg) => unknown
  /** Messages the update queue ever settled into the model. */
  messagesSettled(): number
  /** The settled model (every message the queue settled, in order). */
  baseModel(): Model
  /** Makes `model` the present and renders it (no command runs). */
  replaceModel(model: Model): void
  /** Shows `model` (a point of the history) without changing the present. */
  showAside(model: Model): void
  /** Renders the present again (leaving time travel). */
  showPresent(): void
}

/** A refusal, answered to the page as a StateError. */
export class StateRefusal {
  readonly kind: StateErrorKind
  readonly message: string
  readonly path: string
  constructor(kind: StateErrorKind, message: string, path = "") {
    this.kind = kind
    this.message = message
    this.path = path
  }
}

export class StateTools<Model, Msg> {
  private readonly host: StateHost<Model, Msg>
  history: MessageHistory<Model, Msg> | null = null
  private readonly maxBytes: number
  /** What `settled` adds to the queue's count: a restore or an import starts it at their index. */
  private settledOffset = 0
  /** The history index shown, or null in the present. */
  private travelingAt: number | null = null

  constructor(host: StateHost<Model, Msg>, historyBytes: number) {
    this.host = host
    this.maxBytes = historyBytes
  }

  /** New code (a hot swap): the history starts again at `model`, at the same index. */
  restart(model: Model): void {
    this.travelingAt = null
    this.history?.reset(model, this.settled)
  }

  /** The root starts from `initial` (its first model): the history starts there, replaying through the host's update of the moment (a hot swap replaces it). */
  begin(initial: Model): void {
    if (this.maxBytes > 0) this.history = new MessageHistory<Model, Msg>(initial, (model, msg) => this.host.update(model, msg) as Model, { maxBytes: this.maxBytes })
  }

  /** While time travelling the screen shows the past: the root holds live work and drops DOM events. */
  get traveling(): boolean {
    return this.travelingAt !== null
  }

  /** Messages settled since the root started (or since the state it was restored from). */
  private get settled(): number {
    return this.host.messagesSettled() + this.settledOffset
  }

  private set settled(index: number) {
    this.settledOffset = index - this.host.messagesSettled()
  }

  /** The update queue settled these messages into `base` (UpdateQueue.onSettled, set only with a history). */
  settledInto(msgs: readonly Msg[], lanes: readonly number[], times: readonly number[], base: Model, updateMs: number): void {
    this.history?.append(msgs, lanes, times, base, updateMs)
  }

  /** A message from outside the worker, through the message Schema (identity without one). */
  decodeMsg(input: unknown): CheckResult<Msg> {
    const decode = this.host.checks?.decodeMsg
    return decode === undefined ? { ok: true, value: input as Msg } : decode(input)
  }

  /**
   * A model from outside the worker, written under `modelHash`: decoded through the model
   * Schema when there is one; without one, it must come from a program with the same hash.
   */
  decodeModel(input: unknown, modelHash: string, what: string): Model {
    const checks = this.host.checks
    const ours = checks?.modelHash ?? ""
    if (checks?.decodeModel === undefined) {
      if (modelHash !== ours) throw new StateRefusal("HistoryIncompatible", `${what} was made by a program whose model schema hash is ${JSON.stringify(modelHash)}; this one's is ${JSON.stringify(ours)}`)
      return input as Model
    }
    const decoded = checks.decodeModel(input)
    if (!decoded.ok) throw new StateRefusal("ModelRejected", `${what} does not decode through the model schema: ${decoded.message}`, decoded.path)
    return decoded.value
  }

  /**
   * A model read back from storage (the `persist` option), stored as the model itself (a
   * structured clone, not encoded): taken as it is when written under this program's model
   * hash; otherwise it must decode through the model Schema (a model without
   * transformations does when it still fits), or it is refused.
   */
  takeStored(input: unknown, modelHash: string): Model {
    if (modelHash === (this.host.checks?.modelHash ?? "")) return input as Model
    return this.decodeModel(input, modelHash, "The stored model")
  }

  /** Answers a request from the page (devtools' inspect queries go to the renderer); throws StateRefusal for what it refuses. */
  answer(request: Exclude<StateRequest, { readonly op: "inspect" }>): unknown {
    switch (request.op) {
      case "snapshot":
        return this.snapshot()
      case "restore":
        this.restore(request.snapshot)
        return null
      case "info":
        return this.info()
      case "entries":
        return this.entries(request.from, request.to)
      case "jump":
        this.jump(request.index)
        return null
      case "resume":
        this.resume()
        return null
      case "export":
        return this.exportFile()
      case "import":
        this.importFile(request.file)
        return null
      case "modelAt":
        return this.encode(this.heldModelAt(request.index))
    }
  }

  private snapshot(): Snapshot {
    return { format: "shuttle-snapshot", version: 1, ...this.hashes(), index: this.settled, takenAt: Date.now(), model: this.encode(this.host.baseModel()) }
  }

  /** The program's schema hashes ("" without Schemas), as snapshots and history files carry them. */
  hashes(): { readonly modelHash: string; readonly msgHash: string } {
    const checks = this.host.checks
    return { modelHash: checks?.modelHash ?? "", msgHash: checks?.msgHash ?? "" }
  }

  private restore(input: unknown): void {
    const snapshot = input as Partial<Snapshot> | null
    if (typeof snapshot !== "object" || snapshot === null || snapshot.format !== "shuttle-snapshot" || snapshot.version !== 1) {
      throw new StateRefusal("HistoryIncompatible", "this is not a Shuttle snapshot (format \"shuttle-snapshot\", version 1): take one with root.snapshot()")
    }
    const model = this.decodeModel(snapshot.model, String(snapshot.modelHash ?? ""), "The snapshot")
    this.travelingAt = null
    this.settled = typeof snapshot.index === "number" ? snapshot.index : 0
    this.history?.reset(model, this.settled)
    this.host.replaceModel(model)
  }

  private info(): HistoryInfo {
    const history = this.requireHistory()
    return { start: history.start, end: history.end, bytes: history.bytes, maxBytes: this.maxBytes, keyframes: history.keyframes, traveling: this.travelingAt }
  }

  private entries(from: number, to: number): HistoryEntry[] {
    const history = this.requireHistory()
    const first = Math.max(history.start, Math.floor(from))
    const last = Math.min(history.end, Math.floor(to))
    const entries: HistoryEntry[] = []
    for (let index = first; index < last; index++) {
      const entry = history.entry(index)
      entries.push({ index, msg: entry.msg, lane: entry.lane, time: entry.time })
    }
    return entries
  }

  /** Shows the model after message `index` (start − 1: before the oldest held). */
  private jump(index: number): void {
    const model = this.heldModelAt(index)
    this.travelingAt = index
    this.host.showAside(model)
  }

  /** The model after message `index`, refused when the history does not hold that point. */
  private heldModelAt(index: number): Model {
    const history = this.requireHistory()
    if (!Number.isInteger(index) || index < history.start - 1 || index >= history.end) {
      throw new StateRefusal("HistoryUnavailable", `message ${index} is not in the history, which holds ${history.start}…${history.end - 1} (older ones were dropped to stay under ${this.maxBytes} bytes)`)
    }
    return history.modelAt(index)
  }

  /** A model as it leaves the worker: encoded through the model Schema, when there is one. */
  private encode(model: Model): unknown {
    const encode = this.host.checks?.encodeModel
    return encode === undefined ? model : encode(model)
  }

  private resume(): void {
    if (this.travelingAt === null) return
    this.travelingAt = null
    this.host.showPresent()
  }

  private exportFile(): HistoryFile {
    const data = this.requireHistory().toJSON()
    return {
      format: "shuttle-history",
      version: 1,
      ...this.hashes(),
      start: data.start,
      base: this.encode(data.base),
      msgs: data.msgs,
      lanes: data.lanes,
      times: data.times,
      exportedAt: Date.now()
    }
  }


  /**
   * Loads a history file: its base model decoded, its messages folded again (no command
   * runs), and the present set to the end of it. Refused whole if anything does not fit.
   */
  private importFile(input: unknown): void {
    const history = this.requireHistory()
    const file = input as Partial<HistoryFile> | null
    if (typeof file !== "object" || file === null || file.format !== "shuttle-history" || file.version !== 1 ||
      !Array.isArray(file.msgs) || !Array.isArray(file.lanes) || !Array.isArray(file.times) || file.lanes.length !== file.msgs.length || file.times.length !== file.msgs.length) {
      throw new StateRefusal("HistoryIncompatible", "this is not a Shuttle history file (format \"shuttle-history\", version 1): export one with root.history.export()")
    }
    const ours = this.host.checks?.msgHash ?? ""
    if (String(file.msgHash ?? "") !== ours) {
      throw new StateRefusal("HistoryIncompatible", `the history's messages were made under message schema hash ${JSON.stringify(file.msgHash)}; this program's is ${JSON.stringify(ours)}`)
    }
    const base = this.decodeModel(file.base, String(file.modelHash ?? ""), "The history's base model")
    const start = typeof file.start === "number" ? file.start : 0
    // Fold once to check, so a message the update refuses leaves the root as it was; then
    // again into the history, message by message, so it places its keyframes as it would live.
    const msgs = file.msgs as Msg[]
    const model = this.fold(base, msgs, start, null)
    history.reset(base, start)
    this.fold(base, msgs, start, (i, after, ms) => history.append([msgs[i]], [(file.lanes as number[])[i]], [(file.times as number[])[i]], after, ms))
    this.settled = start + file.msgs.length
    this.travelingAt = null
    this.host.replaceModel(model)
  }

  /** Folds `msgs` onto `base` (commands unwrapped, never run); `each` is told the model after each. */
  private fold(base: Model, msgs: readonly Msg[], start: number, each: ((i: number, after: Model, updateMs: number) => void) | null): Model {
    const update = this.host.update
    let model = base
    for (let i = 0; i < msgs.length; i++) {
      const started = performance.now()
      let result: unknown
      try {
        result = update(model, msgs[i])
      } catch (cause) {
        throw new StateRefusal("HistoryIncompatible", `update threw on message ${start + i} of the history (${clause(cause)})`)
      }
      if (isCommand(result)) result = result.model
      if (result === undefined) throw new StateRefusal("HistoryIncompatible", `update returned no model for message ${start + i} of the history`)
      model = result as Model
      each?.(i, model, performance.now() - started)
    }
    return model
  }

  private requireHistory(): MessageHistory<Model, Msg> {
    if (this.history === null) throw new StateRefusal("HistoryUnavailable", "this root keeps no history: mount it with createRoot(container, worker, { history: true })")
    return this.history
  }
}
