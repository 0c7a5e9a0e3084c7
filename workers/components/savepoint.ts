import { reindex } from "../diff/diff.ts"
import type { RenderContext } from "../diff/render-context.ts"
import type { VNode } from "../vnode.ts"

/**
 * What ErrorBoundary and Suspense go back to when their children fail or suspend: a
 * mark in everything a render writes (ops, strings, ids, effects, unmounts), so nothing
 * of the failed subtree reaches the main thread.
 */
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
