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
}

/** What the diff needs from the runtime: where effects go and how to ask for a render. */
export interface InstanceHost {
  dispatch(msg: unknown): void
  requestRender(): void
}

/**
 * One mounted component: the state that lives as long as it is on screen. Effects
 * asked for during a render start only when that render is committed; the Scope is made
 * when the first effect starts, and closed when the component is unmounted.
 */
export class ComponentInstance implements ComponentSelf {
  /** Keys whose effects were started. */
  readonly started = new Set<string>()
  /** The component's Scope (an Effect Scope.Closeable), made by the runtime. */
  scope: unknown = null
  unmounted = false
  /** The nearest ErrorBoundary above this component when it was rendered, or null. */
  boundary: BoundaryInstance | null
  private readonly host: InstanceHost
  private readonly queue: PendingEffects

  constructor(host: InstanceHost, queue: PendingEffects, boundary: BoundaryInstance | null) {
    this.host = host
    this.queue = queue
    this.boundary = boundary
  }

  mount(key: string, effect: Effect.Effect<unknown, unknown, any>): void {
    if (!this.started.has(key)) this.queue.push(this, key, effect)
  }

  dispatch(msg: unknown): void {
    this.host.dispatch(msg)
  }
}

/** An ErrorBoundary's state: the error it shows, if any. */
export class BoundaryInstance extends ComponentInstance {
  /** The error shown by the fallback; null while the children are shown. */
  error: unknown = null
  /** Bound once, handed to `fallback(error, retry)`: render the children again. */
  readonly retry = (): void => {
    this.error = null
    this.hostRef.requestRender()
  }
  private readonly hostRef: InstanceHost

  constructor(host: InstanceHost, queue: PendingEffects, boundary: BoundaryInstance | null) {
    super(host, queue, boundary)
    this.hostRef = host
  }

  /** An effect below failed after the render: show the fallback at the next render. */
  fail(error: unknown): void {
    if (this.unmounted) return
    this.error = error
    this.hostRef.requestRender()
  }
}

/** Effects asked for during the open render, in order: (instance, key, effect) triples. */
export class PendingEffects {
  readonly items: unknown[] = []

  push(instance: ComponentInstance, key: string, effect: unknown): void {
    this.items.push(instance, key, effect)
  }

  get mark(): number {
    return this.items.length
  }

  rewind(mark: number): void {
    this.items.length = mark
  }
}
