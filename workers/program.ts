import type { Effect, Layer } from "effect"
import type { Subscriptions } from "./runtime/subscriptions.ts"
import type { Child } from "./vnode.ts"

/**
 * A Shuttle program, as in Elm: a model, an update step and a view. It runs in the worker.
 *
 * `Msg` types `update` and the results of commands and subscriptions. The handlers in
 * `view` take the messages declared once for the app in `Register`
 * (`declare module "shuttle-ui/worker" { interface Register { msg: Msg } }`), or those
 * named by `h<Msg>(…)`.
 *
 * @since 0.1.0
 * @example
 * type Msg = { type: "inc" }
 * runProgram<{ count: number }, Msg>({
 *   init: { count: 0 },
 *   update: (model, msg) => (msg.type === "inc" ? { count: model.count + 1 } : model),
 *   view: (model) => h<Msg>("button", { onClick: { type: "inc" } }, `Clicked ${model.count} times`)
 * })
 */
export interface Program<Model, Msg, R = never> {
  /** The first model, or a function that makes it (called once per mounted root). */
  readonly init: Model | (() => Model)
  /** The next model for a message; or `withCommand(model, effect)` to also run an Effect whose result is dispatched. */
  readonly update: (model: Model, msg: Msg) => Model | Command<Model, Msg, R>
  /** The vnodes for a model. Called once per commit, in the worker. */
  readonly view: (model: Model) => Child
  /** Services available to every command and effect of the root. */
  readonly layer?: Layer.Layer<R, unknown, never>
  /**
   * Streams of messages the model wants now, by key (as Elm's subscriptions). After every
   * commit, new keys start and missing keys stop; a key that stays keeps running. Their
   * messages take the Default lane and are rendered once per frame.
   */
  readonly subscriptions?: (model: Model) => Subscriptions<Msg, R>
  /** Checks at the thread boundary (withSchemas): messages from the page and models restored, persisted or imported are decoded before use. */
  readonly checks?: ProgramChecks<Model, Msg>
}

/**
 * What a program checks at the thread boundary. `withSchemas` (workers/state/schemas.ts)
 * makes one from Effect Schemas; it lives here as plain functions so that a program that
 * does not use Schemas does not bundle them (this file must not import effect/Schema).
 *
 * @since 0.1.0
 */
export interface ProgramChecks<Model, Msg> {
  /** Decodes a message that came from outside the worker; a failure names the path. */
  readonly decodeMsg?: (input: unknown) => CheckResult<Msg>
  /** Decodes a model from outside (a snapshot, storage, an imported history). */
  readonly decodeModel?: (input: unknown) => CheckResult<Model>
  /** Encodes a model for storage/export (Schema's encoded side, e.g. Dates as strings); identity when absent. Throws (withSchemas: StateError "ModelRejected") for a model that does not encode. */
  readonly encodeModel?: (model: Model) => unknown
  /** Stable hashes of the schemas ("" when there is none): a history or stored model made under other hashes is from another program version. */
  readonly modelHash: string
  readonly msgHash: string
}

/**
 * A decoded value, or where and why it did not decode. `path` is in Effect's bracket
 * form, `["rows"][3]["label"]` ("" for the whole value); `message` is the Schema's text.
 *
 * @since 0.1.0
 */
export type CheckResult<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly path: string; readonly message: string }

const CommandTag = Symbol.for("shuttle/Command")

/** A model together with an Effect to run; its result (if not undefined) is dispatched as a message. */
export interface Command<Model, Msg, R = never> {
  readonly [CommandTag]: true
  readonly model: Model
  readonly effects: ReadonlyArray<Effect.Effect<Msg | undefined | void, unknown, R>>
}

/**
 * Returns the model and asks the runtime to run `effects` with the root's services.
 * Each effect's result is dispatched in the Default lane; a failure is reported and
 * dispatches nothing.
 *
 * @since 0.1.0
 * @example
 * update: (model, msg) => msg.type === "load"
 *   ? withCommand({ ...model, loading: true }, Effect.map(fetchRows, (rows) => ({ type: "loaded", rows })))
 *   : model
 */
export function withCommand<Model, Msg, R = never>(
  model: Model,
  ...effects: ReadonlyArray<Effect.Effect<Msg | undefined | void, unknown, R>>
): Command<Model, Msg, R> {
  return { [CommandTag]: true, model, effects }
}

export function isCommand(value: unknown): value is Command<unknown, unknown, unknown> {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[CommandTag] === true
}
