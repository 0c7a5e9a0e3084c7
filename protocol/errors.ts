/**
 * Errors raised on the main thread. They are plain classes (no Effect import on the main
 * thread) with a `_tag`, so Effect code can still match them with `Effect.catchTag`.
 * Each message is one sentence that says what went wrong and what to do.
 *
 * @since 0.1.0
 */

/** Text of `cause` as a clause inside a sentence: its message, without a final period. */
export function clause(cause: unknown): string {
  const text = cause instanceof Error ? cause.message || cause.name : String(cause)
  return text.trim().replace(/[.\s]+$/, "")
}

/** A value as an error text shows it: JSON where it can be, else its string form. */
function shown(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** `text` as one sentence: trimmed, ending in exactly one period. */
export function sentence(text: string): string {
  const trimmed = text.trim()
  return /[.!?]$/.test(trimmed) ? trimmed.replace(/\.+$/, ".") : `${trimmed}.`
}

/** Where a render-side error happened in the worker (`RenderError.phase`). */
export type RenderPhase = "view" | "update" | "command" | "handler" | "effect" | "boundary" | "subscriptions"

/** The kinds of `WorkerError` the worker reports for a failed render, update, handler, command, effect or subscription. */
export type RenderErrorKind = `RenderError:${RenderPhase}`

/**
 * Every `WorkerError.kind`:
 * - `MountFailed`: the worker could not mount the root (its script failed to load or threw, `init` or the layer failed, the factory threw);
 * - `NoProgram`: the worker module loaded but never called `runProgram` (no answer within `mountTimeoutMs`);
 * - `WorkerCrashed`: a worker that had mounted the root died;
 * - `SnapshotFailed`: the model or a message cannot be structured-cloned, so crash recovery is off;
 * - `RenderError:<phase>`: a failure in the app's code, reported by the worker (see `RenderPhase`).
 */
export type WorkerErrorKind = "MountFailed" | "NoProgram" | "WorkerCrashed" | "SnapshotFailed" | RenderErrorKind

/** A patch list broke the wire format. Nothing was applied; the DOM is as it was. */
export class MalformedPatchError extends Error {
  readonly _tag = "MalformedPatchError"
  readonly reason: string
  /** Word offset in the patch list where the problem was found. */
  readonly offset: number
  constructor(reason: string, offset: number) {
    super(`Malformed patch list at word ${offset}: ${clause(reason)}; nothing was applied and the DOM is unchanged (if the reason names a tag or attribute the DOM refuses, fix that name in the view; otherwise build the page and the worker from the same shuttle-ui).`)
    this.name = "MalformedPatchError"
    this.reason = reason
    this.offset = offset
  }
}

/** A patch list named a node id that the node table does not hold. Nothing was applied. */
export class UnknownNodeError extends Error {
  readonly _tag = "UnknownNodeError"
  readonly id: number
  readonly op: string
  readonly offset: number
  constructor(id: number, op: string, offset: number) {
    super(`${op} at word ${offset} names node id ${id}, which this root does not hold; nothing was applied and the DOM is unchanged (build the page and the worker from the same shuttle-ui, and report a bug if they are).`)
    this.name = "UnknownNodeError"
    this.id = id
    this.op = op
    this.offset = offset
  }
}

/** The DOM itself refused an op of a valid patch list (e.g. an invalid attribute name). */
export class ApplyError extends Error {
  readonly _tag = "ApplyError"
  readonly op: string
  readonly offset: number
  constructor(op: string, offset: number, cause: unknown) {
    super(`The DOM rejected ${op} at word ${offset} (${clause(cause)}); the commit was applied up to that op, so check the tag, attribute or property the view sets there.`, { cause })
    this.name = "ApplyError"
    this.op = op
    this.offset = offset
  }
}

/** A dispatched message could not be structured-cloned to the worker (a function, a DOM node, …). */
export class MessageNotCloneableError extends Error {
  readonly _tag = "MessageNotCloneableError"
  constructor(cause: unknown) {
    super(`The message cannot be sent to the worker (${clause(cause)}): send plain data (objects, arrays, strings, numbers), not functions, class instances with methods or DOM nodes.`, { cause })
    this.name = "MessageNotCloneableError"
  }
}

/** The root was unmounted; its worker is gone. */
export class RootUnmountedError extends Error {
  readonly _tag = "RootUnmountedError"
  readonly action: string
  constructor(action: string) {
    super(`Cannot ${action}: the root is unmounted, so create a new root with createRoot.`)
    this.name = "RootUnmountedError"
    this.action = action
  }
}

/** The worker reported an error (a failed render, a crash, a script that failed to load or never called runProgram). */
export class WorkerError extends Error {
  readonly _tag = "WorkerError"
  /** What failed: see `WorkerErrorKind`. */
  readonly kind: WorkerErrorKind
  /** The message without the kind in front, as the error state shows it. */
  readonly reason: string
  constructor(kind: WorkerErrorKind, reason: string, options?: { readonly cause?: unknown }) {
    const text = sentence(reason)
    super(`${kind}: ${text}`, options)
    this.name = "WorkerError"
    this.kind = kind
    this.reason = text
  }
}

/**
 * Something failed that Shuttle did not expect (a bug in Shuttle, not in the app): the
 * original error is its `cause`. What was being done is in `during`.
 */
export class UnexpectedError extends Error {
  readonly _tag = "UnexpectedError"
  readonly during: string
  constructor(during: string, cause: unknown) {
    super(`Unexpected error while ${during} (${clause(cause)}): this is a bug in Shuttle, please report it with this message and the cause's stack.`, { cause })
    this.name = "UnexpectedError"
    this.during = during
  }
}

/** An option had a value Shuttle cannot use; `field` names it. */
export class InvalidOptionError extends Error {
  readonly _tag = "InvalidOptionError"
  readonly field: string
  readonly value: unknown
  constructor(field: string, value: unknown, expected: string) {
    super(`Invalid option ${field}: ${shown(value)}; give ${expected}.`)
    this.name = "InvalidOptionError"
    this.field = field
    this.value = value
  }
}

/**
 * The applier refused something that could run script in the page, whatever the worker
 * sent (docs/safety.md): an event-handler attribute (`onclick`, in any case), `srcdoc`, a
 * URL attribute with a script scheme (`javascript:`, `vbscript:`, a `data:` URL that is not
 * an image, audio or video…), a `<script>` or `<base>` element, a DOM property other than
 * the form-control ones Shuttle sets. Only that op was skipped (a refused URL attribute is
 * removed; a refused element is an inert `<template>`); the rest of the commit applied.
 */
export class UnsafeValueError extends Error {
  readonly _tag = "UnsafeValueError"
  /** What was refused: an attribute, a DOM property (SET_PROP), or an element. */
  readonly kind: "attribute" | "property" | "element"
  /** The element's tag; for kind "element", the refused tag. */
  readonly tag: string
  /** The attribute or property name the worker asked for ("" for an element). */
  readonly attribute: string
  /** The refused value, whole ("" for an element). */
  readonly value: string
  /** Why it was refused. */
  readonly reason: string
  constructor(kind: "attribute" | "property" | "element", tag: string, attribute: string, value: string, reason: string) {
    super(kind === "element"
      ? `Refused the element <${tag}>: ${reason}. An inert <template> stands in its place; the rest of the commit applied.`
      : `Refused the ${kind} ${attribute}=${JSON.stringify(value.length > 80 ? value.slice(0, 80) + "…" : value)} on <${tag}>: ${reason}. The rest of the commit applied.`)
    this.name = "UnsafeValueError"
    this.kind = kind
    this.tag = tag
    this.attribute = attribute
    this.value = value
    this.reason = reason
  }
}

/**
 * Every `StateError.kind`:
 * - `MessageRejected`: a message did not decode through the program's message Schema (refused, the model is untouched);
 * - `ModelRejected`: a restored, persisted or imported model did not decode through the model Schema;
 * - `HistoryIncompatible`: a snapshot or history file was made by a program with other schemas or format;
 * - `HistoryUnavailable`: the root keeps no history (the `history` option), or not that far back;
 * - `PersistQuota`: the storage refused a write for want of room (the last good record stays);
 * - `PersistCorrupt`: the stored record is not one Shuttle wrote (kept aside, the app starts from `init`);
 * - `PersistFailed`: the storage failed otherwise (read, write or open).
 */
export type StateErrorKind = "MessageRejected" | "ModelRejected" | "HistoryIncompatible" | "HistoryUnavailable" | "PersistQuota" | "PersistCorrupt" | "PersistFailed"

/**
 * The state tools (docs/state.md) refused data: a message or model that does not decode
 * through the program's Schemas, a history from another program, a stored model that
 * cannot be used. Nothing was changed by what was refused; `path` says where in the data
 * the problem is ("" when it is the whole value).
 */
export class StateError extends Error {
  readonly _tag = "StateError"
  readonly kind: StateErrorKind
  /** Where in the refused data (e.g. `["rows"][3]["label"]`), or "". */
  readonly path: string
  constructor(kind: StateErrorKind, reason: string, options?: { readonly path?: string; readonly cause?: unknown }) {
    super(`${kind}: ${sentence(reason)}`, options)
    this.name = "StateError"
    this.kind = kind
    this.path = options?.path ?? ""
  }
}

export type ShuttleError =
  | StateError
  | MalformedPatchError
  | UnknownNodeError
  | ApplyError
  | MessageNotCloneableError
  | RootUnmountedError
  | WorkerError
  | InvalidOptionError
  | UnsafeValueError
  | UnexpectedError

/** True for the errors Shuttle raises (every member of `ShuttleError`). */
export function isShuttleError(value: unknown): value is ShuttleError {
  return value instanceof MalformedPatchError || value instanceof UnknownNodeError || value instanceof ApplyError ||
    value instanceof MessageNotCloneableError || value instanceof RootUnmountedError || value instanceof WorkerError ||
    value instanceof InvalidOptionError || value instanceof UnsafeValueError || value instanceof UnexpectedError ||
    value instanceof StateError
}
