import * as Data from "effect/Data"
import { clause, type RenderErrorKind, type RenderPhase } from "../protocol/errors.ts"
import type { ErrorData, FromWorker } from "../protocol/messages.ts"

/**
 * Errors raised in the worker while rendering. They are Effect tagged errors: throwable
 * from the plain-TypeScript diff, and matchable with `Effect.catchTag` in app code.
 * Each message is one sentence that says what went wrong and what to do.
 *
 * @since 0.1.0
 */

/** Two siblings share a key. Keys must be unique among the children of one parent. */
export class DuplicateKeyError extends Data.TaggedError("DuplicateKeyError")<{
  readonly key: string | number
  readonly parent: string
}> {
  override get message(): string {
    return `Duplicate key ${JSON.stringify(this.key)} among the children of <${this.parent}>: give each sibling a unique key.`
  }
}

/** A view returned something that is not a vnode, text, number, array, boolean or null. */
export class InvalidVNodeError extends Data.TaggedError("InvalidVNodeError")<{
  readonly value: string
  readonly parent: string
}> {
  override get message(): string {
    return `Cannot render ${this.value} inside <${this.parent}>: a child must be a vnode (h(), JSX), a string, a number, an array, or null/undefined/boolean.`
  }
}

/** `update` returned `undefined` (a missing `case`, a `switch` that falls off the end). */
export class UpdateReturnedUndefinedError extends Data.TaggedError("UpdateReturnedUndefinedError")<{
  readonly msg: unknown
}> {
  override get message(): string {
    return `update returned undefined for message ${describeValue(this.msg)}: return the model (or withCommand(model, …)) from every case.`
  }
}

/**
 * An `on…` prop (any case) held a string. In HTML that string would be script; Shuttle
 * never sends it to the page (docs/safety.md). A handler is a message, a function from the
 * event to a message, or `{ handler | msg, preventDefault, stopPropagation }`.
 */
export class UnsafePropError extends Data.TaggedError("UnsafePropError")<{
  readonly prop: string
  readonly value: string
  readonly tag: string
}> {
  override get message(): string {
    const value = this.value.length > 60 ? this.value.slice(0, 60) + "…" : this.value
    const type = this.prop.slice(2).toLowerCase()
    const name = type === "" ? "onClick" : "on" + type.charAt(0).toUpperCase() + type.slice(1)
    return `<${this.tag} ${this.prop}=${JSON.stringify(value)}>: a string in an on… prop would be script in HTML, and Shuttle never sends one to the page. Give a message or a function instead: ${name}: { type: "…" } or ${name}: (event) => msg.`
  }
}

/** What happened to the app's state after a failure in each phase, and what to do. */
const CONSEQUENCE: Record<RenderPhase, string> = {
  update: "the message was rejected and the model kept; fix update for this message",
  view: "the batch was rejected and the model kept; fix the view, or wrap the failing part in an ErrorBoundary",
  handler: "nothing was dispatched for the event; fix the handler",
  command: "nothing was dispatched for it; handle the failure inside the command's Effect if it is expected",
  effect: "wrap the component in an ErrorBoundary to show a fallback, or handle the failure inside the effect",
  boundary: "its retry renders the children again once the cause is fixed",
  subscriptions: "fix subscriptions(model), or handle the failure inside the stream"
}

const SUBJECT: Record<RenderPhase, string> = {
  update: "The app's update failed",
  view: "The app's view failed",
  handler: "An event handler failed",
  command: "A command failed",
  effect: "A component's effect failed",
  boundary: "An ErrorBoundary caught an error and shows its fallback",
  subscriptions: "The app's subscriptions failed"
}

/** The app's view, a component, update, a handler, a command, an effect or a subscription failed. */
export class RenderError extends Data.TaggedError("RenderError")<{
  readonly phase: RenderPhase
  readonly cause: unknown
}> {
  /** The `WorkerError.kind` the page reports this as. */
  get kind(): RenderErrorKind {
    return `RenderError:${this.phase}`
  }

  override get message(): string {
    // Shuttle's own errors already say what to do.
    if (this.cause instanceof UpdateReturnedUndefinedError || this.cause instanceof DuplicateKeyError || this.cause instanceof InvalidVNodeError) {
      return `${SUBJECT[this.phase]}: ${this.cause.message}`
    }
    return `${SUBJECT[this.phase]}: ${clause(this.cause)}; ${CONSEQUENCE[this.phase]}.`
  }
}

/** The `error` message that reports `error` to the page, its cause carried as data. */
export function errorMessage(error: RenderError): Extract<FromWorker, { readonly t: "error" }> {
  return { t: "error", kind: error.kind, message: error.message, cause: errorData(error.cause) }
}

function errorData(cause: unknown): ErrorData {
  if (cause instanceof Error) return cause.stack === undefined ? { name: cause.name, message: cause.message } : { name: cause.name, message: cause.message, stack: cause.stack }
  return { name: typeof cause, message: clause(cause) }
}

/** A short, readable form of a message or value for an error text. */
function describeValue(value: unknown): string {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch {
    text = undefined
  }
  if (text === undefined) text = String(value)
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}
