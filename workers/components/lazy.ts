import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import { h } from "../h.ts"
import type { ComponentSelf } from "./instance.ts"
import type { Child, Component } from "../vnode.ts"

/** A lazy module failed to load. */
export class LazyLoadError extends Data.TaggedError("LazyLoadError")<{
  readonly module: string
  readonly cause: unknown
}> {
  override get message(): string {
    const cause = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `Could not load the lazy module ${this.module}: ${cause}`
  }
}

let nextLazyId = 0

/**
 * A component whose code loads on first use, in the worker: it suspends (the nearest
 * Suspense shows its fallback) until `load()` resolves, then renders the module's
 * default export with the same props. A failed import is a LazyLoadError naming the
 * module, shown by the nearest ErrorBoundary.
 *
 * @since 0.1.0
 * @example
 * const Chart = lazy(() => import("../chart.tsx"))
 * h(Suspense, { fallback: "Loading chart…" }, h(Chart, { points }))
 */
export function lazy<P>(load: () => Promise<{ readonly default: Component<P> }>, name?: string): Component<P> {
  const key = `shuttle/lazy#${nextLazyId++}`
  const module = name ?? moduleName(load)
  const loading = Effect.tryPromise({ try: load, catch: (cause) => new LazyLoadError({ module, cause }) })
  const Lazy = (props: P, self: ComponentSelf): Child => {
    const loaded = self.read(key, loading)
    return h(loaded.default as Component, props as Record<string, unknown>)
  }
  return Lazy
}

/** The specifier of `import("…")` in the loader's source, or its name. */
function moduleName(load: () => unknown): string {
  const match = /import\(\s*["'`]([^"'`]+)["'`]\s*\)/.exec(String(load))
  return match !== null ? match[1] : load.name || "a lazy module"
}
