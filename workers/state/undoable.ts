import { InvalidOptionError } from "../../protocol/errors.ts"
import { UpdateReturnedUndefinedError } from "../errors.ts"
import { type Command, isCommand, withCommand } from "../program.ts"

/**
 * Undo and redo for a program: `undoable(update)` wraps an app's `update` so that its model
 * keeps the models before it (`past`) and the ones undone (`future`). docs/undo.md has the
 * whole story: what makes a step, bursts, limits, and what it costs.
 *
 * The wrapped model is plain data (arrays, the app's own models and one message), so it
 * survives the structured clone that snapshots it for crash recovery.
 */

/**
 * How `undoable` groups messages into steps.
 *
 * @since 0.1.0
 */
export interface UndoOptions<Msg> {
  /** Steps kept for undo and redo together (the oldest is dropped). A whole number ≥ 0, or Infinity. Default 100. */
  readonly limit?: number
  /**
   * Whether `next` continues the step `previous` made or continued, instead of making a
   * new one (a burst of typing is one step). `msSincePrevious` is the time between the
   * two by `now`. Default: never, each message is its own step.
   *
   * @example
   * merge: (previous, next, ms) => previous.type === "typed" && next.type === "typed" && ms < 1000
   */
  readonly merge?: (previous: Msg, next: Msg, msSincePrevious: number) => boolean
  /**
   * Messages that make no step (hover, focus, a scroll position): the present changes,
   * the history does not, and undo restores the model from before the last step as it
   * was then. Default: none; every message that changes the model makes or extends a step.
   */
  readonly ignore?: (msg: Msg) => boolean
  /** The clock of `merge`, in ms (tests pass a fake one). Read only when `merge` is given. Default `Date.now`. */
  readonly now?: () => number
}

/**
 * The step the next message may continue: the message that made or last extended the
 * present step, and when (by `UndoOptions.now`). Kept only when `merge` is given.
 *
 * @since 0.1.0
 */
export interface UndoLast {
  readonly msg: unknown
  readonly time: number
}

/**
 * A model with its history. In time order the models are `[...past, present, ...future]`:
 * `past` ends with what undo restores, `future` starts with what redo restores. Every
 * model in it is one the app's `update` returned, by reference (no copies).
 *
 * @since 0.1.0
 */
export interface Undoable<Model> {
  /** The app's model now: what the view shows. */
  readonly present: Model
  /** Earlier models, oldest first. */
  readonly past: readonly Model[]
  /** Models undone, the next redo first. A new step clears them. */
  readonly future: readonly Model[]
  /** What `merge` compares the next message with; null when no merge is given, and after undo, redo or clearHistory. */
  readonly last: UndoLast | null
}

/**
 * The messages `undoable` handles itself. Add them to the app's messages:
 * `Program<Undoable<Model>, Msg | UndoMsg>`, and `interface Register { msg: Msg | UndoMsg }`.
 *
 * @since 0.1.0
 */
export type UndoMsg =
  | { readonly type: "shuttle/undo" }
  | { readonly type: "shuttle/redo" }
  | { readonly type: "shuttle/clear-history" }

/** Goes back one step (nothing when `canUndo` is false). @since 0.1.0 */
export const undo: UndoMsg = { type: "shuttle/undo" }
/** Goes forward one undone step (nothing when `canRedo` is false). @since 0.1.0 */
export const redo: UndoMsg = { type: "shuttle/redo" }
/** Forgets past and future; the present stays (after a save, on opening another document). @since 0.1.0 */
export const clearHistory: UndoMsg = { type: "shuttle/clear-history" }

const EMPTY: readonly never[] = []

/** Every Undoable is made here, with every field set. */
function makeUndoable<Model>(present: Model, past: readonly Model[], future: readonly Model[], last: UndoLast | null): Undoable<Model> {
  return { present, past, future, last }
}

/**
 * A model with no history, for `init`.
 *
 * @since 0.1.0
 */
export function initUndoable<Model>(model: Model): Undoable<Model> {
  return makeUndoable(model, EMPTY, EMPTY, null)
}

/** Whether `undo` would change the model. @since 0.1.0 */
export function canUndo(model: Undoable<unknown>): boolean {
  return model.past.length > 0
}

/** Whether `redo` would change the model. @since 0.1.0 */
export function canRedo(model: Undoable<unknown>): boolean {
  return model.future.length > 0
}

/**
 * Wraps an app's `update` with undo and redo. The wrapped update takes the app's messages
 * and `UndoMsg`; the view gets the `Undoable` and shows `model.present`.
 *
 * - A message whose update returns the same model (by reference) changes nothing: the
 *   same `Undoable` comes back, and the renderer skips the render.
 * - A message that changes the model makes a step (the old present goes to `past`, and
 *   `future` is cleared), or continues the last one when `merge` says so, or makes none
 *   when `ignore` says so.
 * - `undo`, `redo` and `clearHistory` with nothing to do return the same `Undoable`.
 *   They run no update and no command.
 * - A command of the app's update is kept: `withCommand(model, …effects)` comes back as
 *   `withCommand(undoableModel, …effects)`. Undo does not undo what a command did outside
 *   the model.
 * - At most `limit` steps are kept, undo and redo together; the oldest goes first.
 *
 * `update` stays pure as the runtime requires (it may fold a message twice when it rebases
 * lanes), except for the clock `merge` reads: a message folded again is timed again.
 *
 * @since 0.1.0
 * @throws InvalidOptionError when `limit` is not a whole number ≥ 0 or Infinity.
 * @example
 * type Model = { readonly text: string; readonly count: number }
 * type Msg = { type: "typed"; text: string } | { type: "inc" }
 *
 * runProgram<Undoable<Model>, Msg | UndoMsg>({
 *   init: initUndoable({ text: "", count: 0 }),
 *   update: undoable(
 *     (model: Model, msg: Msg): Model => msg.type === "inc" ? { ...model, count: model.count + 1 } : { ...model, text: msg.text },
 *     { merge: (previous, next, ms) => previous.type === "typed" && next.type === "typed" && ms < 1000 }
 *   ),
 *   view: (model) => h<Msg | UndoMsg>("main", null,
 *     h<Msg | UndoMsg>("button", { onClick: undo, disabled: !canUndo(model) }, "Undo"),
 *     h<Msg | UndoMsg>("button", { onClick: redo, disabled: !canRedo(model) }, "Redo"),
 *     h<Msg | UndoMsg>("button", { onClick: { type: "inc" } }, `Clicked ${model.present.count} times`),
 *     h<Msg | UndoMsg>("input", { value: model.present.text, onInput: (e) => ({ type: "typed", text: e.value ?? "" }) }))
 * })
 */
export function undoable<Model, Msg, R = never>(
  update: (model: Model, msg: Msg) => Model | Command<Model, Msg, R>,
  options: UndoOptions<NoInfer<Msg>> = {}
): (model: Undoable<Model>, msg: Msg | UndoMsg) => Undoable<Model> | Command<Undoable<Model>, Msg, R> {
  const history = new History<Model, Msg>(checkLimit(options.limit), options.merge ?? null, options.ignore ?? null, options.now ?? Date.now)
  return (model, msg) => {
    switch (undoMsgType(msg)) {
      case "shuttle/undo": return history.undo(model)
      case "shuttle/redo": return history.redo(model)
      case "shuttle/clear-history": return history.clear(model)
    }
    const result = update(model.present, msg as Msg)
    if (isCommand(result)) {
      if (result.model === undefined) throw new UpdateReturnedUndefinedError({ msg })
      return withCommand(history.record(model, msg as Msg, result.model as Model), ...(result as Command<Model, Msg, R>).effects)
    }
    // The runtime checks this too, but on our model; the app's update is what forgot a case.
    if (result === undefined) throw new UpdateReturnedUndefinedError({ msg })
    return history.record(model, msg as Msg, result as Model)
  }
}

/** The UndoMsg type of `msg`, or null. Messages come by structured clone, so this is by `type`, not by reference. */
function undoMsgType(msg: unknown): UndoMsg["type"] | null {
  if (typeof msg !== "object" || msg === null) return null
  const type = (msg as { readonly type?: unknown }).type
  return type === "shuttle/undo" || type === "shuttle/redo" || type === "shuttle/clear-history" ? type : null
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return 100
  if (typeof limit !== "number" || !(limit === Infinity || (Number.isInteger(limit) && limit >= 0))) {
    throw new InvalidOptionError("limit", limit, "a whole number ≥ 0, or Infinity")
  }
  return limit
}

/** The step rules of one `undoable(update, options)`. It holds the options only: every state is in the model. */
class History<Model, Msg> {
  private readonly limit: number
  private readonly merge: ((previous: Msg, next: Msg, msSincePrevious: number) => boolean) | null
  private readonly ignore: ((msg: Msg) => boolean) | null
  private readonly now: () => number

  constructor(
    limit: number,
    merge: ((previous: Msg, next: Msg, msSincePrevious: number) => boolean) | null,
    ignore: ((msg: Msg) => boolean) | null,
    now: () => number
  ) {
    this.limit = limit
    this.merge = merge
    this.ignore = ignore
    this.now = now
  }

  /** `next` is what the app's update returned for `msg` on `model.present`. */
  record(model: Undoable<Model>, msg: Msg, next: Model): Undoable<Model> {
    if (next === model.present) return model
    if (this.ignore !== null && this.ignore(msg)) return makeUndoable(next, model.past, model.future, model.last)
    if (this.merge === null) return makeUndoable(next, this.push(model.past, model.present), EMPTY, null)
    const time = this.now()
    const last = model.last
    // A merged message extends the step: `past` already holds the model from before it.
    if (last !== null && this.merge(last.msg as Msg, msg, time - last.time)) return makeUndoable(next, model.past, EMPTY, { msg, time })
    return makeUndoable(next, this.push(model.past, model.present), EMPTY, { msg, time })
  }

  undo(model: Undoable<Model>): Undoable<Model> {
    const count = model.past.length
    if (count === 0) return model
    return makeUndoable(model.past[count - 1], model.past.slice(0, count - 1), prepend(model.present, model.future), null)
  }

  redo(model: Undoable<Model>): Undoable<Model> {
    const count = model.future.length
    if (count === 0) return model
    // The stacks together never exceed the limit (a redo moves one model across), so no bound here.
    const past = model.past.slice()
    past.push(model.present)
    return makeUndoable(model.future[0], past, model.future.slice(1), null)
  }

  clear(model: Undoable<Model>): Undoable<Model> {
    if (model.past.length === 0 && model.future.length === 0 && model.last === null) return model
    return makeUndoable(model.present, EMPTY, EMPTY, null)
  }

  /** `past` with `present` pushed, the oldest dropped past the limit. `push`, not `concat`: a model may be an array. */
  private push(past: readonly Model[], present: Model): readonly Model[] {
    if (this.limit === 0) return EMPTY
    const next = past.length >= this.limit ? past.slice(past.length - this.limit + 1) : past.slice()
    next.push(present)
    return next
  }
}

function prepend<Model>(first: Model, rest: readonly Model[]): readonly Model[] {
  const next = new Array<Model>(rest.length + 1)
  next[0] = first
  for (let i = 0; i < rest.length; i++) next[i + 1] = rest[i]
  return next
}
