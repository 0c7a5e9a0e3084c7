import type { Effect } from "effect"

/**
 * What a component can do besides returning vnodes: its second argument.
 *
 * @since 0.1.0
 * @example
 * const Clock = (props: { label: string }, self: ComponentSelf<Msg>) => {
 *   self.mount("ticks", Stream.runForEach(Stream.tick("1 second"), () => self.dispatch({ type: "tick" })))
 *   return h("p", null, props.label)
 * }
 */
export interface ComponentSelf<Msg = unknown> {
  /**
   * Runs `effect` once per `key`, after the first commit that shows this component, as a
   * fiber in the component's Scope with the root's services. Unmounting the component
   * interrupts it and runs its finalizers. A result other than `undefined` is dispatched
   * (Default lane); a failure shows the nearest ErrorBoundary's fallback.
   */
  mount(key: string, effect: Effect.Effect<Msg | undefined | void, unknown, any>): void
  /** Sends a message to the root's `update` (Default lane), from an effect or a callback. */
  dispatch(msg: Msg): void
  /**
   * Reads a resource: the result of `effect`, run once per `key` per root (shared by every
   * reader) with the root's services. While it is pending the nearest Suspense boundary
   * shows its fallback; if it failed, the nearest ErrorBoundary shows its fallback. It is
   * interrupted (if still pending) and dropped when no mounted component reads it.
   */
  read<A>(key: string, effect: Effect.Effect<A, unknown, any>): A
}

/** What the diff needs from the runtime: where effects go and how to ask for a render. */
export interface InstanceHost {
  dispatch(msg: unknown): void
  requestRender(): void
  /** Starts a resource's effect; the runtime calls `resource.settle` when it ends. */
  startResource(resource: Resource, effect: Effect.Effect<unknown, unknown, any>): void
  /** Milliseconds, for Suspense delays (performance.now in the worker; a fake clock in tests). */
  now(): number
  /** Calls `fn` after `ms` (Suspense delays and minimum durations). */
  setTimer(ms: number, fn: () => void): void
}

/** Thrown by `read` while a resource is pending; caught by the nearest Suspense boundary. */
export class Suspended {
  readonly resource: Resource
  constructor(resource: Resource) {
    this.resource = resource
  }
}

const PENDING = 0
const RESOLVED = 1
const FAILED = 2

/** One keyed resource of a root. */
export class Resource {
  readonly key: string
  status = PENDING
  value: unknown = undefined
  error: unknown = undefined
  /** Instances that read it (it lives while one is mounted). */
  readonly readers = new Set<ComponentInstance>()
  /** Suspense boundaries (or the root) waiting for it. */
  readonly waiters = new Set<{ markDirty(): void }>()
  /** Interrupts the resource's fiber (set by the runtime). */
  interrupt: (() => void) | null = null
  private readonly cache: ResourceCache

  constructor(key: string, cache: ResourceCache) {
    this.key = key
    this.cache = cache
  }

  get pending(): boolean {
    return this.status === PENDING
  }

  /** The effect ended: wake the boundaries that wait for it. */
  settle(ok: boolean, result: unknown): void {
    if (this.status !== PENDING) return
    this.interrupt = null
    if (ok) {
      this.status = RESOLVED
      this.value = result
    } else {
      this.status = FAILED
      this.error = result
    }
    for (const waiter of this.waiters) waiter.markDirty()
    this.waiters.clear()
  }

  /** A reader was unmounted: drop the resource when nobody reads it any more. */
  release(reader: ComponentInstance): void {
    this.readers.delete(reader)
    if (this.readers.size > 0) return
    this.interrupt?.()
    this.interrupt = null
    this.cache.delete(this)
  }
}

/** The resources of one root, by key. */
export class ResourceCache {
  private readonly byKey = new Map<string, Resource>()

  get size(): number {
    return this.byKey.size
  }

  get(key: string): Resource | undefined {
    return this.byKey.get(key)
  }

  create(key: string): Resource {
    const resource = new Resource(key, this)
    this.byKey.set(key, resource)
    return resource
  }

  delete(resource: Resource): void {
    if (this.byKey.get(resource.key) === resource) this.byKey.delete(resource.key)
  }

  /** Interrupts every pending resource and forgets them all (the root is closing). */
  interruptAll(): void {
    for (const resource of this.byKey.values()) resource.interrupt?.()
    this.byKey.clear()
  }
}

/**
 * One mounted component: the state that lives as long as it is on screen. Effects
 * asked for during a render start only when that render is committed; the Scope is made
 * when the first effect starts, and closed when the component is unmounted.
 */
export class ComponentInstance implements ComponentSelf {
  /** Keys whose effects were started; made on the first (most components have none, and a list may hold thousands). */
  private started: Set<string> | null = null
  /** Resources this component read; made on the first. */
  private reads: Set<Resource> | null = null
  /** The nearest component above, to mark it when something below must re-render. */
  parent: ComponentInstance | null = null
  /** This component must re-render even if its props are equal (a resource settled, a retry). */
  dirty = false
  /** Something below must re-render: do not skip this component on equal props. */
  childDirty = false
  /** The component's Scope (an Effect Scope.Closeable), made by the runtime. */
  scope: unknown = null
  unmounted = false
  /** `ctx.renderSeq` of the last render that skipped this component as memoized (0: none); read by devtools. */
  skippedAt = 0
  /** The nearest ErrorBoundary above this component when it was rendered, or null. */
  boundary: BoundaryInstance | null
  protected readonly host: InstanceHost
  private readonly queue: PendingEffects
  private readonly resources: ResourceCache

  constructor(host: InstanceHost, queue: PendingEffects, resources: ResourceCache, boundary: BoundaryInstance | null) {
    this.host = host
    this.queue = queue
    this.resources = resources
    this.boundary = boundary
  }

  read<A>(key: string, effect: Effect.Effect<A, unknown, any>): A {
    let resource = this.resources.get(key)
    if (resource === undefined) {
      resource = this.resources.create(key)
      this.host.startResource(resource, effect)
    }
    // Registered as a reader when this render commits: a rewound or aborted render holds nothing.
    this.queue.logRead(this, resource)
    if (resource.status === RESOLVED) return resource.value as A
    if (resource.status === FAILED) throw resource.error
    throw new Suspended(resource)
  }

  /** Keeps `resource` alive while this (Suspense) instance is mounted. */
  hold(resource: Resource): void {
    this.queue.logRead(this, resource)
  }

  /** Re-render this component at the next render, through memoized parents. */
  markDirty(): void {
    if (this.unmounted) return
    this.dirty = true
    for (let p = this.parent; p !== null && !p.childDirty; p = p.parent) p.childDirty = true
    this.host.requestRender()
  }

  /** Unmounted: drop the resources only it read. */
  releaseResources(): void {
    const reads = this.reads
    if (reads === null) return
    this.reads = null
    for (const resource of reads) resource.release(this)
  }

  /** Records a resource this component read (committed with its render). */
  addRead(resource: Resource): void {
    ;(this.reads ??= new Set()).add(resource)
  }

  mount(key: string, effect: Effect.Effect<unknown, unknown, any>): void {
    if (this.started === null || !this.started.has(key)) this.queue.push(this, key, effect)
  }

  /** Marks effect `key` started; false if it was already. */
  markStarted(key: string): boolean {
    const started = (this.started ??= new Set())
    if (started.has(key)) return false
    started.add(key)
    return true
  }

  /** Forgets which effects were started (a hot swap restarts them all). */
  forgetStarted(): void {
    this.started = null
  }

  dispatch(msg: unknown): void {
    this.host.dispatch(msg)
  }

  /** Devtools: which boundary this instance is ("error", "suspense"), or null for a plain component. */
  get boundaryKind(): "error" | "suspense" | null {
    return null
  }

  /** Devtools: a boundary shows its fallback in place of its children. */
  get showingFallback(): boolean {
    return false
  }
}

/** An ErrorBoundary's state: the error it shows, if any. */
export class BoundaryInstance extends ComponentInstance {
  /** The error shown by the fallback; null while the children are shown. */
  error: unknown = null
  /** Bound once, handed to `fallback(error, retry)`: render the children again. */
  readonly retry = (): void => {
    this.error = null
    this.markDirty()
  }

  override get boundaryKind(): "error" {
    return "error"
  }

  override get showingFallback(): boolean {
    return this.error !== null
  }

  /** An effect below failed after the render: show the fallback at the next render. */
  fail(error: unknown): void {
    if (this.unmounted) return
    this.error = error
    this.markDirty()
  }
}

/**
 * What the open render asks for once committed: effects to start, as (instance, key,
 * effect) triples, and resources read, as (instance, resource) pairs.
 */
export class PendingEffects {
  readonly items: unknown[] = []
  readonly reads: unknown[] = []

  push(instance: ComponentInstance, key: string, effect: unknown): void {
    this.items.push(instance, key, effect)
  }

  logRead(instance: ComponentInstance, resource: Resource): void {
    this.reads.push(instance, resource)
  }

  /** Both logs' lengths in one number (reads below 2^26). */
  get mark(): number {
    return this.items.length * 67108864 + this.reads.length
  }

  rewind(mark: number): void {
    const reads = mark % 67108864
    this.items.length = (mark - reads) / 67108864
    this.reads.length = reads
  }

  /** Registers the logged reads: each resource lives while one of its readers is mounted. */
  commitReads(): void {
    const reads = this.reads
    for (let i = 0; i < reads.length; i += 2) {
      const instance = reads[i] as ComponentInstance
      const resource = reads[i + 1] as Resource
      if (instance.unmounted) continue
      resource.readers.add(instance)
      instance.addRead(resource)
    }
  }
}
