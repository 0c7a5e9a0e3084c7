import type { Child } from "./vnode.ts"

/** Props of ErrorBoundary. */
export interface ErrorBoundaryProps {
  /** What to show instead of the children after one of them failed; `retry()` renders the children again. */
  readonly fallback: (error: unknown, retry: () => void) => Child
  /** Called (in the worker) with every error this boundary catches, after the commit that shows the fallback. */
  readonly onError?: (error: unknown) => void
  readonly children?: Child
}

/**
 * Catches errors below it: thrown by a view or component while rendering, or by a
 * component's effect (see `ComponentSelf.mount`). It shows `fallback(error, retry)` in
 * place of its children; everything outside it keeps its DOM and state. An error in the
 * fallback goes to the next boundary up; with none, the root shows a minimal error view.
 *
 * Inside a boundary the diff is not sliced (its catch must see the whole subtree), so
 * wrap parts of a page, not a whole 10,000-row list.
 *
 * @since 0.1.0
 * @example
 * h(ErrorBoundary, { fallback: (error, retry) => h("button", { onClick: retry }, "Retry") }, h(Chart, { data }))
 */
export function ErrorBoundary(props: ErrorBoundaryProps): Child {
  // Never called: the diff recognizes this function and renders the boundary itself.
  return props.children
}
