import { place, single } from "../diff/diff.ts"
import { BUILTIN, type BuiltinComponent, type RenderContext } from "../diff/render-context.ts"
import type { Child, VNode } from "../vnode.ts"
import { BoundaryInstance, Suspended } from "./instance.ts"
import { rewind, savepoint } from "./savepoint.ts"

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
  // Never called: the diff finds the BUILTIN mark and renders the boundary itself.
  return props.children
}

/**
 * How the diff renders an ErrorBoundary. Before its children are rendered it takes a
 * savepoint of everything the render writes (ops, strings, ids, effects, unmounts); if
 * they throw, it goes back to the savepoint, so nothing of the failed subtree reaches the
 * main thread, and renders the fallback instead, on top of the content shown before.
 */

/** ErrorBoundary as the diff renders it. */
const ERROR_BOUNDARY: BuiltinComponent = {
  makeInstance: (ctx) => new BoundaryInstance(ctx.host, ctx.effects, ctx.resources, ctx.boundary),
  render: (ctx, vnode, instance, previous, parent, anchor, namespace) =>
    renderGuarded(ctx, vnode, instance as BoundaryInstance, previous, parent, anchor, namespace)
}

function renderGuarded(ctx: RenderContext, vnode: VNode, instance: BoundaryInstance, previous: VNode | null, parent: number, anchor: number, namespace: number): VNode {
  const props = vnode.props as unknown as ErrorBoundaryProps
  instance.dirty = false
  instance.childDirty = false
  const outerParent = ctx.parentInstance
  ctx.parentInstance = instance
  try {
    if (instance.error === null) {
      const save = savepoint(ctx)
      const outer = ctx.boundary
      ctx.boundary = instance
      ctx.noDefer++
      try {
        return place(ctx, previous, single(props.children, "ErrorBoundary"), parent, anchor, namespace)
      } catch (error) {
        // A pending resource is Suspense's business: let it through to the nearest Suspense.
        if (error instanceof Suspended) throw error
        rewind(ctx, save, previous)
        instance.error = error
        ctx.caught.push(vnode, error)
      } finally {
        ctx.boundary = outer
        ctx.noDefer--
      }
    }
    // Outside the try: an error in the fallback goes to the next boundary up.
    return place(ctx, previous, single(props.fallback(instance.error, instance.retry), "ErrorBoundary fallback"), parent, anchor, namespace)
  } finally {
    ctx.parentInstance = outerParent
  }
}

Object.defineProperty(ErrorBoundary, BUILTIN, { value: ERROR_BOUNDARY })
