/**
 * Errors raised on the main thread. They are plain classes (no Effect import on the main
 * thread) with a `_tag`, so Effect code can still match them with `Effect.catchTag`.
 *
 * @since 0.1.0
 */

/** A patch list broke the wire format. Nothing was applied; the DOM is as it was. */
export class MalformedPatchError extends Error {
  readonly _tag = "MalformedPatchError"
  readonly reason: string
  /** Word offset in the patch list where the problem was found. */
  readonly offset: number
  constructor(reason: string, offset: number) {
    super(`Malformed patch list at word ${offset}: ${reason}. Nothing was applied; the DOM is unchanged.`)
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
    super(`${op} at word ${offset} names node id ${id}, which this root does not hold. Nothing was applied; the DOM is unchanged.`)
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
    super(`The DOM rejected ${op} at word ${offset}: ${String(cause)}. The commit was applied up to that op.`, { cause })
    this.name = "ApplyError"
    this.op = op
    this.offset = offset
  }
}

/** A dispatched message could not be structured-cloned to the worker (a function, a DOM node, …). */
export class MessageNotCloneableError extends Error {
  readonly _tag = "MessageNotCloneableError"
  constructor(cause: unknown) {
    super(`The message cannot be sent to the worker: ${String(cause)}. Send plain data (objects, arrays, strings, numbers).`, { cause })
    this.name = "MessageNotCloneableError"
  }
}

/** The root was unmounted; its worker is gone. */
export class RootUnmountedError extends Error {
  readonly _tag = "RootUnmountedError"
  readonly action: string
  constructor(action: string) {
    super(`Cannot ${action}: the root is unmounted. Create a new root with createRoot.`)
    this.name = "RootUnmountedError"
    this.action = action
  }
}

/** The worker reported an error (a failed render, a crash, a script that failed to load). */
export class WorkerError extends Error {
  readonly _tag = "WorkerError"
  /** What failed: `RenderError:update`, `RenderError:view`, `WorkerCrashed`, `MountFailed`, … */
  readonly kind: string
  constructor(kind: string, message: string) {
    super(`${kind}: ${message}`)
    this.name = "WorkerError"
    this.kind = kind
  }
}

/** An option had a value Shuttle cannot use; `field` names it. */
export class InvalidOptionError extends Error {
  readonly _tag = "InvalidOptionError"
  readonly field: string
  readonly value: unknown
  constructor(field: string, value: unknown, expected: string) {
    super(`Invalid option ${field}: ${JSON.stringify(value)}. Expected ${expected}.`)
    this.name = "InvalidOptionError"
    this.field = field
    this.value = value
  }
}

/**
 * The applier refused a value that could run script in the page (an event-handler
 * attribute, a `javascript:` URL). That one op was skipped; the rest of the commit applied.
 */
export class UnsafeValueError extends Error {
  readonly _tag = "UnsafeValueError"
  /** The attribute (or property) name the worker asked for. */
  readonly attribute: string
  readonly value: string
  constructor(attribute: string, value: string, reason: string) {
    super(`Refused ${attribute}=${JSON.stringify(value.slice(0, 80))}: ${reason}.`)
    this.name = "UnsafeValueError"
    this.attribute = attribute
    this.value = value
  }
}

export type ShuttleError =
  | MalformedPatchError
  | UnknownNodeError
  | ApplyError
  | MessageNotCloneableError
  | RootUnmountedError
  | WorkerError
  | InvalidOptionError
  | UnsafeValueError
