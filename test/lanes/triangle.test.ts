// @vitest-environment happy-dom
import fc from "fast-check"
import { expect, it } from "vitest"
import { LANE_COUNT, LANE_DEFAULT, LANE_SYNC } from "../../protocol/lanes.ts"
import { h } from "../../workers/h.ts"
import { createLaneHarness } from "../_util/lane-harness.ts"

/**
 * In the style of React's ReactIncrementalTriangle: random sequences of dispatches on
 * random lanes, time advances, frames, steps (which interrupt sliced renders when
 * higher-lane work is waiting) and flushes. After every commit the DOM must show one
 * consistent model (every node shows the same text, equal to the committed model), and
 * at the end the model must equal folding every message in dispatch order.
 *
 * The update is string concatenation: not commutative, so any reordering shows.
 *
 * With credits (the page's pull of non-urgent commits, src/root/credit-gate.ts) the page
 * grants and voids credits at random too: a Default, Transition or Idle commit spends one,
 * and none of them may commit without one unless expired or flushed.
 */
const NODES = 16
const view = (model: string) =>
  h("section", null, Array.from({ length: NODES }, (_, i) => h("div", { key: i, class: "cell" }, h("span", null, model), h("b", null, String(model.length)))))

type Action =
  | { readonly kind: "dispatch"; readonly lane: number; readonly letter: string }
  | { readonly kind: "step" }
  | { readonly kind: "advance"; readonly ms: number }
  | { readonly kind: "frame" }
  | { readonly kind: "flush" }
  | { readonly kind: "grant" }
  | { readonly kind: "void" }

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("dispatch" as const), lane: fc.integer({ min: 0, max: LANE_COUNT - 1 }), letter: fc.constantFrom(..."abcdefghij") }) },
  { weight: 4, arbitrary: fc.constant({ kind: "step" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "frame" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "flush" as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: "grant" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "void" as const }) }
)

function checkConsistent(container: Element, model: string): void {
  const spans = container.querySelectorAll("span")
  const counts = container.querySelectorAll("b")
  expect(spans.length).toBe(NODES)
  for (let i = 0; i < NODES; i++) {
    expect(spans[i].textContent, `node ${i} shows another model: torn view`).toBe(model)
    expect(counts[i].textContent).toBe(String(model.length))
  }
}

it.each([["without credits", false], ["with credits", true]])("every commit shows one consistent model; the final model is the in-order fold (%s)", (_name, credits) => {
  // The generated cases must reach the interesting paths, or the property proves little.
  const seen = { interrupted: 0, expired: 0, sliced: 0, waited: 0 }
  fc.assert(
    fc.property(fc.array(action, { minLength: 5, maxLength: 60 }), fc.integer({ min: 0, max: 3 }), (actions, tickMs) => {
      let credit = !credits
      const harness = createLaneHarness<string, string>("", (model, letter) => model + letter, view, { tickMs })
      harness.scheduler.forceRender()
      harness.scheduler.enqueue(undefined as unknown as string, LANE_SYNC)
      harness.run()
      let dispatched = ""
      const afterCommit = () => {
        const last = harness.commits[harness.commits.length - 1]
        checkConsistent(harness.container, last.model)
      }
      for (const a of actions) {
        const commitsBefore = harness.commits.length
        switch (a.kind) {
          case "dispatch":
            harness.scheduler.enqueue(a.letter, a.lane)
            dispatched += a.letter
            break
          case "step": {
            const result = harness.step(false, !credit)
            if (result.kind === "wait-credit") seen.waited++
            if (result.kind === "commit" && result.buffer !== null && credits && result.info.lane >= LANE_DEFAULT && !result.info.expired) {
              expect(credit, "a non-urgent commit without a credit").toBe(true)
              credit = false
            }
            break
          }
          case "grant":
            if (credits) credit = true
            break
          case "void":
            if (credits) credit = false
            break
          case "advance":
            harness.advance(a.ms)
            break
          case "frame":
            harness.frame()
            break
          case "flush":
            harness.run(true)
            break
        }
        if (harness.commits.length > commitsBefore) afterCommit()
      }
      harness.frame()
      harness.run(true)
      afterCommit()
      expect(harness.scheduler.model).toBe(dispatched)
      checkConsistent(harness.container, dispatched)
      for (const c of harness.commits) {
        if (c.interruptions > 0) seen.interrupted++
        if (c.expired) seen.expired++
        if (c.slices > 1) seen.sliced++
      }
    }),
    { numRuns: Number(process.env.TRIANGLE_RUNS ?? 1000), seed: Number(process.env.TRIANGLE_SEED ?? 20261127) }
  )
  expect(seen.interrupted).toBeGreaterThan(0)
  expect(seen.expired).toBeGreaterThan(0)
  expect(seen.sliced).toBeGreaterThan(0)
  if (credits) expect(seen.waited).toBeGreaterThan(0)
})
