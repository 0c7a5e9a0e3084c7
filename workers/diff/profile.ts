import type { Component } from "../vnode.ts"

/**
 * Per-component render timing for one root, while a devtools panel has profiling on
 * (`{ q: "profile", on: true }`, workers/runtime/inspect.ts). Off, the context holds null
 * and the diff pays one null check per component render or skip.
 *
 * What is timed is the call to the component function alone (its "self" time): not the
 * diff of what it returned, and not the components below it, which the diff renders
 * later, each timed on its own. Built-ins (ErrorBoundary, Suspense) are not counted:
 * their "render" is the diff of their subtree.
 */
export class RenderProfile {
  private readonly byName = new Map<string, ComponentTiming>()
  /** Milliseconds; a fake clock in tests. */
  readonly clock: () => number

  constructor(clock: () => number = () => performance.now()) {
    this.clock = clock
  }

  /** A component rendered for `ms`. */
  rendered(component: Component, ms: number): void {
    const timing = this.timingOf(component)
    timing.renders++
    timing.ms += ms
  }

  /** A component was skipped: equal props, nothing below it dirty. */
  skipped(component: Component): void {
    this.timingOf(component).skipped++
  }

  /** Forgets what was counted (a render begins). */
  reset(): void {
    this.byName.clear()
  }

  /** What was counted since the last reset, slowest first (total ms, then renders). */
  components(): ComponentTiming[] {
    const out = [...this.byName.values()]
    out.sort((a, b) => b.ms - a.ms || b.renders - a.renders || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    return out
  }

  private timingOf(component: Component): ComponentTiming {
    const name = componentName(component)
    let timing = this.byName.get(name)
    if (timing === undefined) {
      timing = { name, renders: 0, skipped: 0, ms: 0 }
      this.byName.set(name, timing)
    }
    return timing
  }
}

/** Counts for the components of one name in one commit (protocol/inspect.ts ComponentProfile). */
export interface ComponentTiming {
  readonly name: string
  renders: number
  skipped: number
  ms: number
}

/** The name devtools show for a component function: its name, or "Anonymous". */
export function componentName(component: Component): string {
  return component.name === "" ? "Anonymous" : component.name
}
