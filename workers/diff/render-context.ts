import { PatchWriter } from "../../protocol/patch-writer.ts"
import { NodeIds } from "./node-ids.ts"
import { StringTable } from "./string-table.ts"
import { TEMPLATES_BY_DEFAULT, TemplateTable } from "./templates.ts"
import { type BoundaryInstance, type ComponentInstance, type InstanceHost, PendingEffects, ResourceCache } from "../components/instance.ts"
import type { VNode } from "../vnode.ts"
import type { RenderProfile } from "./profile.ts"

/**
 * Everything one root's diff writes to. One per root and passed explicitly: there is no
 * module-level render state, so roots in one worker never share a table.
 */
export interface RenderContext {
  readonly writer: PatchWriter
  readonly strings: StringTable
  readonly ids: NodeIds
  /** Subtrees sent as templates (templates.ts). */
  readonly templates: TemplateTable
  /** Node id → the vnode mounted there (elements and text), for events. */
  readonly nodes: Array<VNode | undefined>
  /** Event type → the prop name that handles it (`click` → `onClick`). */
  readonly eventProps: Map<string, string>
  /**
   * Deferred diff work, a stack of pairs: (old, new) element vnodes whose props and
   * children are still to patch, or (MOUNT_CHUNK, ChunkWork) children still to mount.
   * Both only touch a subtree whose place in the DOM is already settled, so they can be
   * done later in the same commit: that is what lets a render pause between slices.
   */
  readonly work: Array<VNode | ChunkWork | null>
  /** Where component instances send messages and render requests (set by the runtime). */
  host: InstanceHost
  /** Effects asked for by components in the open render; started after its commit. */
  readonly effects: PendingEffects
  /** Component instances unmounted in the open render; their Scopes close after its commit. */
  readonly closing: ComponentInstance[]
  /** (boundary, error) pairs caught in the open render; reported after its commit. */
  readonly caught: unknown[]
  /** The nearest ErrorBoundary around the vnode being rendered. */
  boundary: BoundaryInstance | null
  /** Inside an ErrorBoundary or Suspense, work is not deferred: its catch must see the whole subtree. */
  noDefer: number
  /**
   * The render after a hot swap (workers/runtime/hot-swap.ts): a component is the same as
   * one of the old code with the same name (its instance, state and DOM are kept), and none
   * is skipped as memoized, since its code may have changed.
   */
  hot: boolean
  /** The component being rendered (the parent of components rendered now). */
  parentInstance: ComponentInstance | null
  /** The root's resources, by key. */
  readonly resources: ResourceCache
  /** Lane of the render in progress (Suspense keeps old content in a Transition). */
  lane: number
  /** Counts renders since the root started; a memoized skip stamps it on the instance (devtools' `memo`). */
  renderSeq: number
  /** Per-component render timing (workers/diff/profile.ts) while devtools ask for it; null otherwise. */
  profile: RenderProfile | null
}

/**
 * A component the diff renders itself (ErrorBoundary, Suspense): it makes its own kind of
 * instance and renders its subtree around a savepoint. `previous` is null on mount.
 */
export interface BuiltinComponent {
  makeInstance(ctx: RenderContext): ComponentInstance
  render(ctx: RenderContext, vnode: VNode, instance: ComponentInstance, previous: VNode | null, parent: number, anchor: number, namespace: number): VNode
}

/**
 * The mark a built-in component carries: `Component[BUILTIN]` is how the diff renders it.
 * The diff looks for the mark instead of importing the built-ins, which import the diff.
 */
export const BUILTIN: unique symbol = Symbol("shuttle.builtin")

/** The diff's own rendering of a built-in component, or null for a user component. */
export function builtinOf(type: unknown): BuiltinComponent | null {
  return typeof type === "function" ? ((type as { [BUILTIN]?: BuiltinComponent })[BUILTIN] ?? null) : null
}

/** A run of children to mount, in order, before `ref` (0: at the end of `parent`). */
export interface ChunkWork {
  readonly children: VNode[]
  readonly from: number
  readonly to: number
  readonly parent: number
  readonly ref: number
  readonly namespace: number
}

/** Marks a ChunkWork pair on the work stack. */
export const MOUNT_CHUNK: VNode = Object.freeze({}) as VNode

export function createRenderContext(templates: boolean = TEMPLATES_BY_DEFAULT): RenderContext {
  const strings = new StringTable()
  const table = new TemplateTable(templates)
  strings.templates = table
  return {
    writer: new PatchWriter(),
    strings,
    ids: new NodeIds(),
    templates: table,
    nodes: [],
    eventProps: new Map(),
    work: [],
    host: { dispatch() {}, requestRender() {}, startResource() {}, now: () => performance.now(), setTimer: (ms, fn) => void setTimeout(fn, ms) },
    effects: new PendingEffects(),
    closing: [],
    caught: [],
    boundary: null,
    noDefer: 0,
    hot: false,
    parentInstance: null,
    resources: new ResourceCache(),
    lane: 0,
    renderSeq: 0,
    profile: null
  }
}
