import type { Renderer } from "../diff/renderer.ts"

/**
 * Devtools queries about one root's worker side (its vnode tree, components, render
 * timings), answered from the renderer's state. Not on any hot path: only a devtools
 * panel asks.
 */
export function answerInspect(_renderer: Renderer, query: unknown): unknown {
  throw new Error(`unknown devtools query ${JSON.stringify(query)}`)
}
