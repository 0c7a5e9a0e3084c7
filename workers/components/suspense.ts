import { LANE_TRANSITION } from "../../protocol/lanes.ts"
import { rewind, savepoint } from "./savepoint.ts"
import { place, single } from "../diff/diff.ts"
import { ComponentInstance, Suspended } from "./instance.ts"
import { BUILTIN, type BuiltinComponent, type RenderContext } from "../diff/render-context.ts"
import { type Child, createVNode, EMPTY_CHILDREN, EMPTY_PROPS, type VNode, VNODE_FRAGMENT } from "../vnode.ts"

/** Props of Suspense. */
export interface SuspenseProps {
  /** Shown while a child reads a pending resource. */
  readonly fallback: Child
  /** Wait this long before showing the fallback (the old content, or nothing, stays meanwhile). Default 0. */
  readonly delayMs?: number
  /** Once shown, keep the fallback at least this long, so it does not flash. Default 0. */
  readonly minDurationMs?: number
  readonly children?: Child
}

/**
 * Shows `fallback` while a component below reads a resource (`self.read`) that is still
 * pending, then the children once it has settled. Only this boundary re-renders when the
 * resource settles: that is its own commit. In a Transition the content already on
 * screen stays until the new content is ready, instead of the fallback. Boundaries
 * nested in each other reveal independently.
 *
 * @since 0.1.0
 * @example
 * h(Suspense, { fallback: h("p", null, "Loading…"), delayMs: 100, minDurationMs: 300 }, h(Profile, { id }))
 */
export function Suspense(props: SuspenseProps): Child {
  // Never called: the diff finds the BUILTIN mark and renders the boundary itself.
  return props.children
}

const SHOWING_NOTHING = 0
const SHOWING_CONTENT = 1
const SHOWING_FALLBACK = 2

class SuspenseInstance extends ComponentInstance {
  showing = SHOWING_NOTHING
  fallbackSince = 0
  /** When the children first suspended in the current wait; -1 when not waiting. */
  pendingSince = -1
  /** Time a re-render is already scheduled for, to schedule each once. */
  timerAt = -1

  override get boundaryKind(): "suspense" {
    return "suspense"
  }

  override get showingFallback(): boolean {
    return this.showing === SHOWING_FALLBACK
  }
}

/** Suspense as the diff renders it. */
const SUSPENSE: BuiltinComponent = {
  makeInstance: (ctx) => new SuspenseInstance(ctx.host, ctx.effects, ctx.resources, ctx.boundary),
  render: (ctx, vnode, instance, previous, parent, anchor, namespace) =>
    renderSuspense(ctx, vnode, instance as SuspenseInstance, previous, parent, anchor, namespace)
}

function renderSuspense(ctx: RenderContext, vnode: VNode, instance: SuspenseInstance, previous: VNode | null, parent: number, anchor: number, namespace: number): VNode {
  const props = vnode.props as unknown as SuspenseProps
  const now = ctx.host.now()
  instance.dirty = false
  instance.childDirty = false
  const outerParent = ctx.parentInstance
  ctx.parentInstance = instance
  const save = savepoint(ctx)
  ctx.noDefer++
  try {
    const content = place(ctx, previous, single(props.children, "Suspense"), parent, anchor, namespace)
    const minDuration = props.minDurationMs ?? 0
    if (instance.showing === SHOWING_FALLBACK && now < instance.fallbackSince + minDuration && previous !== null) {
      // Ready, but the fallback has not been shown long enough: keep it a little longer.
      rewind(ctx, save, previous)
      wakeAt(ctx, instance, instance.fallbackSince + minDuration, now)
      return previous
    }
    instance.showing = SHOWING_CONTENT
    instance.pendingSince = -1
    return content
  } catch (error) {
    // Errors are for the nearest ErrorBoundary, which rewinds to its own savepoint.
    if (!(error instanceof Suspended)) throw error
    rewind(ctx, save, previous)
    error.resource.waiters.add(instance)
    // The reader was rewound: the boundary keeps the resource alive while it waits.
    instance.hold(error.resource)
    if (instance.pendingSince < 0) instance.pendingSince = now
    const showingContent = previous !== null && instance.showing === SHOWING_CONTENT
    if (showingContent && ctx.lane >= LANE_TRANSITION) return previous
    if (instance.showing !== SHOWING_FALLBACK) {
      const showAt = instance.pendingSince + (props.delayMs ?? 0)
      if (now < showAt) {
        wakeAt(ctx, instance, showAt, now)
        if (showingContent) return previous
        instance.showing = SHOWING_NOTHING
        return place(ctx, previous, createVNode(VNODE_FRAGMENT, null, null, EMPTY_PROPS, EMPTY_CHILDREN, ""), parent, anchor, namespace)
      }
      instance.showing = SHOWING_FALLBACK
      instance.fallbackSince = now
    }
    return place(ctx, previous, single(props.fallback, "Suspense fallback"), parent, anchor, namespace)
  } finally {
    ctx.noDefer--
    ctx.parentInstance = outerParent
  }
}

function wakeAt(ctx: RenderContext, instance: SuspenseInstance, at: number, now: number): void {
  if (instance.timerAt === at) return
  instance.timerAt = at
  ctx.host.setTimer(at - now, () => instance.markDirty())
}

Object.defineProperty(Suspense, BUILTIN, { value: SUSPENSE })
