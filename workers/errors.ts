import { Data } from "effect"

/**
 * Errors raised in the worker while rendering. They are Effect tagged errors: throwable
 * from the plain-TypeScript diff, and matchable with `Effect.catchTag` in app code.
 *
 * @since 0.1.0
 */

/** Two siblings share a key. Keys must be unique among the children of one parent. */
export class DuplicateKeyError extends Data.TaggedError("DuplicateKeyError")<{
  readonly key: string | number
  readonly parent: string
}> {
  override get message(): string {
    return `Duplicate key ${JSON.stringify(this.key)} among the children of <${this.parent}>. Give each sibling a unique key.`
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

/** The app's view, a component or update threw. */
export class RenderError extends Data.TaggedError("RenderError")<{
  readonly phase: "view" | "update" | "command" | "handler" | "init" | "effect" | "boundary" | "subscriptions"
  readonly cause: unknown
}> {
  override get message(): string {
    const cause = this.cause instanceof Error ? this.cause.message : String(this.cause)
    if (this.phase === "boundary") return `An ErrorBoundary caught an error and shows its fallback: ${cause}`
    return `The app's ${this.phase} failed: ${cause}`
  }
}
