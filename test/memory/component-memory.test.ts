// @vitest-environment happy-dom
import { Effect, Stream } from "effect"
import { describe, expect, it } from "vitest"
import { h } from "../../workers/h.ts"
import type { ComponentSelf } from "../../workers/components/instance.ts"
import type { Subscriptions } from "../../workers/runtime/subscriptions.ts"
import { collectedCounter, fullGc } from "../_util/gc.ts"
import { useRoots } from "../_util/harness.ts"
import { until } from "../_util/wait.ts"

/**
 * 1,000 mount/unmount cycles of a component tree whose components run effects (fibers
 * in their own Scopes) while a subscription follows the model: afterwards every
 * component instance, Scope and fiber is collected, every finalizer ran, and the root's
 * tables are back at their baseline (TESTING.md, Memory).
 */
const CYCLES = Number(process.env.MEMORY_CYCLES ?? 1000)
const PER_TREE = 5

const { mount } = useRoots()

/** Collects until `done()` (FinalizationRegistry callbacks come in their own time), at most `rounds` times. */
async function collectUntil(done: () => boolean, rounds = 50): Promise<void> {
  for (let i = 0; i < rounds && !done(); i++) await fullGc()
}

describe("component memory", () => {
  it(`collects every instance, Scope and fiber over ${CYCLES} mount/unmount cycles`, async () => {
    const instances = collectedCounter()
    const scopes = collectedCounter()
    const fibers = collectedCounter()
    let created = 0
    let finalized = 0
    const Leaf = (props: { i: number }, self: ComponentSelf) => {
      self.mount("life", Effect.withFiber((fiber) => {
        fibers.track(fiber)
        const scope = (self as unknown as { scope: object | null }).scope
        if (scope !== null) scopes.track(scope)
        return Effect.never
      }).pipe(Effect.ensuring(Effect.sync(() => { finalized++ }))))
      return h("li", null, String(props.i))
    }
    const Tree = (_: object, self: ComponentSelf) => {
      instances.track(self)
      created++
      return h("ul", null, Array.from({ length: PER_TREE }, (_, i) => h(Leaf, { key: i, i })))
    }
    const { root, container, runtime } = mount({
      init: { show: false, cycle: 0 },
      update: (m: { show: boolean; cycle: number }, _: "toggle") => ({ show: !m.show, cycle: m.cycle + (m.show ? 1 : 0) }),
      view: (m: { show: boolean; cycle: number }) => h("main", null, m.show ? h(Tree, { key: m.cycle }) : null),
      subscriptions: (m: { show: boolean; cycle: number }): Subscriptions<"toggle"> => (m.show ? { [`while-shown-${m.cycle}`]: Stream.never } : {})
    })
    await root.flush()
    const rt = await runtime()
    const baseline = { ...rt.tableSizes }
    for (let i = 0; i < CYCLES; i++) {
      root.dispatch("toggle")
      await root.flush()
      root.dispatch("toggle")
      await root.flush()
    }
    // The last unmount's Scopes close in forked fibers: wait for their finalizers.
    await until(() => finalized === CYCLES * PER_TREE, "every effect's finalizer")
    await root.flush()
    expect(container.innerHTML).toBe("<main></main>")
    expect(created).toBe(CYCLES)
    expect(finalized).toBe(CYCLES * PER_TREE)
    const subscriptions = (rt as unknown as { subscriptions: { size: number } }).subscriptions
    expect(subscriptions.size).toBe(0)
    // The string sweep runs once the worker has been idle a little while (root.ts scheduleSweep).
    await until(() => rt.tableSizes.strings <= baseline.strings + 16, "the idle string sweep")
    const sizes = rt.tableSizes
    expect(sizes.liveNodes).toBe(baseline.liveNodes)
    expect(sizes.waitingIds).toBeLessThanOrEqual(PER_TREE * 2 + 2)
    await collectUntil(() => instances.collected === CYCLES && scopes.collected === scopes.tracked && fibers.collected >= CYCLES * PER_TREE)
    expect(instances.collected).toBe(CYCLES)
    expect(fibers.collected).toBeGreaterThanOrEqual(CYCLES * PER_TREE)
    expect(scopes.tracked).toBe(CYCLES * PER_TREE)
    expect(scopes.collected).toBe(scopes.tracked)
  }, 120_000)
})

describe("buffer pool", () => {
  it("after warm-up, commits allocate no ArrayBuffer: every buffer comes back through the ack (a real transfer)", async () => {
    const { root, runtime } = mount({
      init: 0,
      update: (n: number, by: number) => n + by,
      view: (n: number) => h("ul", null, Array.from({ length: 200 }, (_, i) => h("li", { key: i }, `${n}:${i}`)))
    })
    for (let i = 0; i < 5; i++) {
      root.dispatch(1)
      await root.flush()
    }
    const rt = await runtime()
    const warm = rt.tableSizes.bufferAllocations
    for (let i = 0; i < 100; i++) {
      root.dispatch(1)
      await root.flush()
    }
    expect(root.stats.commits).toBeGreaterThanOrEqual(105)
    expect(rt.tableSizes.bufferAllocations).toBe(warm)
    expect(rt.tableSizes.pooledBuffers).toBeLessThanOrEqual(8)
  })
})
