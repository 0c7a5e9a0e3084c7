import * as Cause from "effect/Cause"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/** A subscription's stream failed; it is stopped (a later model may start its key again). */
export class SubscriptionError extends Data.TaggedError("SubscriptionError")<{ readonly key: string; readonly cause: unknown }> {
  override get message(): string {
    const cause = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `Subscription "${this.key}" failed: ${cause}`
  }
}

/** A subscription: a Stream of messages, or one with how many of its messages to take per frame. */
export type Subscription<Msg, R = never> =
  | Stream.Stream<Msg, unknown, R>
  | { readonly stream: Stream.Stream<Msg, unknown, R>; readonly perFrame?: number }

/** What `Program.subscriptions(model)` returns: subscriptions by key. */
export type Subscriptions<Msg, R = never> = Readonly<Record<string, Subscription<Msg, R>>>

/** Messages a subscription delivers per frame by default before it waits for the next one. */
export const DEFAULT_PER_FRAME = 64
const FRAME_MS = 16

/**
 * The running subscriptions of one root, keyed as Elm does it: after each commit the
 * program says which keys it wants for the model; new keys start, missing keys stop
 * (their fiber is interrupted), and a key that stays keeps its running stream.
 *
 * Each subscription is a fiber in the root's Scope, with the root's services. It hands
 * `perFrame` messages to the root, then waits a frame: a fast stream is pulled in
 * bounded chunks (backpressure), so a 100,000-item feed is revealed progressively and
 * input stays responsive; the root renders the messages of a frame as one commit.
 */
export class SubscriptionSet<Msg, R> {
  private readonly running = new Map<string, Fiber.Fiber<void, never>>()
  private readonly deliver: (msg: Msg) => void
  private readonly report: (error: unknown) => void
  private readonly backlogged: () => boolean

  /** `backlogged()`: the main thread is behind; subscriptions pause (backpressure) until it is not. */
  constructor(deliver: (msg: Msg) => void, report: (error: unknown) => void, backlogged: () => boolean) {
    this.deliver = deliver
    this.report = report
    this.backlogged = backlogged
  }

  get size(): number {
    return this.running.size
  }

  keys(): string[] {
    return [...this.running.keys()]
  }

  /** Starts the new keys of `wanted` and stops the keys it no longer has. */
  sync(wanted: Subscriptions<Msg, R>, scope: Scope.Scope): Effect.Effect<void, never, R> {
    const self = this
    return Effect.gen(function*() {
      for (const [key, fiber] of self.running) {
        if (!Object.hasOwn(wanted, key)) {
          self.running.delete(key)
          yield* Fiber.interrupt(fiber)
        }
      }
      for (const key of Object.keys(wanted)) {
        if (self.running.has(key)) continue
        const fiber = yield* Effect.forkIn(self.consume(key, wanted[key]), scope)
        self.running.set(key, fiber)
      }
    })
  }

  private consume(key: string, subscription: Subscription<Msg, R>): Effect.Effect<void, never, R> {
    const stream = Stream.isStream(subscription) ? subscription : subscription.stream
    const perFrame = Stream.isStream(subscription) ? DEFAULT_PER_FRAME : subscription.perFrame ?? DEFAULT_PER_FRAME
    let count = 0
    // After `perFrame` messages, wait a frame, and more while the main thread is behind:
    // a chunk reaches the screen before the next one is pulled.
    // (A loop, not Effect.repeat: a Schedule would cost every app ~3 kB of bundle.)
    const backlogged = this.backlogged
    const wait = Effect.gen(function*() {
      do {
        yield* Effect.sleep(FRAME_MS)
      } while (backlogged())
    })
    const take = (msg: Msg): Effect.Effect<void> => {
      this.deliver(msg)
      if (++count < perFrame) return Effect.void
      count = 0
      return wait
    }
    // A stream that ends stays in `running` (done) so it is not restarted while its key is wanted.
    return Stream.runForEach(stream, take).pipe(
      Effect.catchCause((cause) => {
        if (!Cause.hasInterruptsOnly(cause)) this.report(new SubscriptionError({ key, cause: Cause.squash(cause) }))
        return Effect.void
      })
    )
  }
}
