import type { ResolvedPersist } from "./persistence.ts"
import { indexedDbStorage, type PersistStorage } from "./storage.ts"

/**
 * The model handoff across a page reload made by Vite's dev server (docs/hmr.md): when
 * the `shuttle-ui/vite` plugin runs the page, it sets `globalThis.__SHUTTLE_HMR__`, and
 * every root without a `persist` option keeps its model as `persist` would, in a database
 * of its own. Only a reload the dev server asked for (an edit of a main-thread module)
 * reads it back (`restore`); a reload by hand starts from init as usual.
 */
export interface HmrHandoff {
  /** This page load follows a reload the dev server asked for: roots start from their saved model. */
  readonly restore: boolean
}

let storage: PersistStorage | null = null

/** The handoff of root `rootId` on this page, or null outside the plugin's dev server. */
export function hmrHandoff(rootId: number): { readonly persist: ResolvedPersist; readonly restore: boolean } | null {
  const handoff = (globalThis as { __SHUTTLE_HMR__?: HmrHandoff }).__SHUTTLE_HMR__
  if (handoff === undefined || typeof location === "undefined") return null
  storage ??= indexedDbStorage({ database: "shuttle-hmr" })
  return { persist: { key: `${location.pathname}#${rootId}`, storage, debounceMs: 100 }, restore: handoff.restore === true }
}
