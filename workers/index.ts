/**
 * The worker side of Shuttle: programs, vnodes and the runtime.
 *
 * @since 0.1.0
 */
export { runProgram, serveProgram } from "./bootstrap.ts"
export { h, Fragment } from "./h.ts"
export { ErrorBoundary, type ErrorBoundaryProps } from "./components/error-boundary.ts"
export type { ComponentSelf } from "./components/instance.ts"
export { Suspense, type SuspenseProps } from "./components/suspense.ts"
export { lazy, LazyLoadError } from "./components/lazy.ts"
export { type Subscription, SubscriptionError, type Subscriptions } from "./runtime/subscriptions.ts"
export { withCommand, type CheckResult, type Command, type Program, type ProgramChecks } from "./program.ts"
export { canRedo, canUndo, clearHistory, initUndoable, redo, undo, undoable, type Undoable, type UndoLast, type UndoMsg, type UndoOptions } from "./state/undoable.ts"
export type { Child, Component, Key, Props, VNode } from "./vnode.ts"
export type {
  AttributeValue,
  ClassValue,
  CSSProperties,
  CSSValue,
  ElementProps,
  EventHandlerName,
  EventHandlers,
  Handler,
  HandlerFunction,
  HandlerSpec,
  Register,
  RegisteredMsg,
  StyleValue
} from "./element-props.ts"
export { DuplicateKeyError, InvalidVNodeError, RenderError, UnsafePropError } from "./errors.ts"
export type { ShuttleEvent } from "../protocol/messages.ts"
