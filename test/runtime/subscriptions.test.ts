// @vitest-environment happy-dom
import { Cause, Effect, Exit, Queue, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { h } from "../../workers/h.ts"
import type { Subscriptions } from "../../workers/runtime/subscriptions.ts"
import { useRoots } from "../_util/harness.ts"
import { until } from "../_util/wait.ts"

/**
 * Subscriptions live in the root's Scope (DESIGN.md, Components, effects, services): a
 * root's unmount interrupts every stream it still runs, and their finalizers run before
 * `unmount()` resolves. A subscription started anywhere else would outlive the root.
 */
const { mount } = useRoots()

interface Log {
  readonly events: string[]
  exit: "interrupted" | "ended" | "failed" | null
}

/** A stream that emits `first` at once, then nothing, until it is interrupted; it logs its life. */
function watched(log: Log, name: string, first: string): Stream.Stream<string> {
  return Stream.callback<string>((queue) =>
    Effect.acquireRelease(
      Effect.sync(() => {
        log.events.push(`${name} started`)
        Queue.offerUnsafe(queue, first)
      }),
      () => Effect.sync(() => { log.events.push(`${name} finalized`) })
    )
  ).pipe(Stream.onExit((exit) => Effect.sync(() => {
    log.exit = Exit.isSuccess(exit) ? "ended" : Cause.hasInterruptsOnly(exit.cause) ? "interrupted" : "failed"
  })))
}

describe("subscriptions and the root's Scope", () => {
  it("unmount interrupts a running subscription's stream and runs its finalizer before it resolves", async () => {
    const log: Log = { events: [], exit: null }
    const { container, root } = mount({
      init: [] as string[],
      update: (got: string[], msg: string) => [...got, msg],
      view: (got: string[]) => h("p", null, got.join(",")),
      subscriptions: (): Subscriptions<string> => ({ feed: watched(log, "feed", "hello") })
    })
    await until(() => container.textContent === "hello", "the subscription's first message")
    expect(log.events).toEqual(["feed started"])
    expect(log.exit).toBeNull()

    await root.unmount()
    expect(log.events).toEqual(["feed started", "feed finalized"])
    expect(log.exit).toBe("interrupted")
  })

  it("a key the model drops is interrupted and finalized by the commit that drops it; the others run on until unmount", async () => {
    const log: Log = { events: [], exit: null }
    const other: Log = { events: [], exit: null }
    const { container, root, runtime } = mount({
      init: { keys: ["a", "b"], got: [] as string[] },
      update: (m: { keys: string[]; got: string[] }, msg: string | { keys: string[] }) =>
        typeof msg === "string" ? { ...m, got: [...m.got, msg] } : { ...m, keys: msg.keys },
      view: (m: { keys: string[]; got: string[] }) => h("p", null, [...m.got].sort().join(",")),
      subscriptions: (m: { keys: string[] }): Subscriptions<string> =>
        Object.fromEntries(m.keys.map((key) => [key, key === "a" ? watched(log, "a", "from a") : watched(other, "b", "from b")]))
    })
    await until(() => container.textContent === "from a,from b", "both subscriptions' first messages")
    root.dispatch({ keys: ["b"] })
    // The flush is answered after the commit and the subscriptions it stopped: no waiting on time.
    await root.flush()
    expect(log.events).toEqual(["a started", "a finalized"])
    expect(log.exit).toBe("interrupted")
    expect(other.exit).toBeNull()
    const rt = await runtime()
    expect((rt as unknown as { subscriptions: { keys(): string[] } }).subscriptions.keys()).toEqual(["b"])

    await root.unmount()
    expect(other.events).toEqual(["b started", "b finalized"])
    expect(other.exit).toBe("interrupted")
  })
})
