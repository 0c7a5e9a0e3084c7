import { place, reindex, single } from "./diff.ts"
import { ErrorBoundary, type ErrorBoundaryProps } from "./error-boundary.ts"
import { BoundaryInstance, Suspended } from "./instance.ts"
import type { BuiltinComponent, RenderContext } from "./render-context.ts"
import type { VNode } from "./vnode.ts"

/**
 * How the diff renders an ErrorBoundary. Before its children are rendered it takes a
 * savepoint of everything the render writes (ops, strings, ids, effects, unmounts); if
 * they throw, it goes back to the savepoint, so nothing of the failed subtree reaches the
 * main thread, and renders the fallback instead, on top of the content shown before.
 */

/** ErrorBoundary as the diff renders it. */
export const ERROR_BOUNDARY: BuiltinComponent = {
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

export interface Savepoint {
  readonly writer: number
  readonly strings: number
  readonly allocated: number
  readonly released: number
  readonly effects: number
  readonly closing: number
  readonly caught: number
  readonly work: number
}

export function savepoint(ctx: RenderContext): Savepoint {
  return {
    writer: ctx.writer.mark(),
    strings: ctx.strings.definedMark,
    allocated: ctx.ids.allocatedMark,
    released: ctx.ids.releasedMark,
    effects: ctx.effects.mark,
    closing: ctx.closing.length,
    caught: ctx.caught.length,
    work: ctx.work.length
  }
}

export function rewind(ctx: RenderContext, save: Savepoint, previous: VNode | null): void {
  ctx.writer.rewind(save.writer)
  ctx.strings.rewind(save.strings)
  const undone = ctx.ids.rewind(save.allocated, save.released)
  for (let i = 0; i < undone.length; i++) ctx.nodes[undone[i]] = undefined
  ctx.effects.rewind(save.effects)
  ctx.closing.length = save.closing
  ctx.caught.length = save.caught
  ctx.work.length = save.work
  // The failed patch pointed ids at new vnodes; the old content is still what the DOM shows.
  if (previous !== null) reindex(ctx, previous)
}

export { ErrorBoundary }
