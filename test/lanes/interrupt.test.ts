// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { LANE_CONTINUOUS, LANE_DEFAULT, LANE_IDLE, LANE_NAMES, LANE_SYNC, LANE_TRANSITION } from "../../protocol/lanes.ts"
import { h } from "../../workers/h.ts"
import { createLaneHarness } from "../_util/lane-harness.ts"
import { freshRender } from "../_util/pipeline.ts"

/**
 * Preemption, lane pair by lane pair (DESIGN.md, Lanes): a sliced render (Transition,
 * Idle) that sees work of any higher lane between two slices is thrown away; the higher
 * lane commits first, on a model without the sliced lane's messages, and the sliced lane
 * is redone after on the new model. Nothing of the abandoned render ever reaches the DOM:
 * no commit shows its model, and every commit's DOM equals a fresh render of its model.
 */
const ROWS = 300
const view = (model: string) =>
  h("div", null, h("p", { id: "model" }, model), h("ul", null, Array.from({ length: ROWS }, (_, i) => h("li", { key: i }, `${i}:${model}`))))

const SLICED = [LANE_TRANSITION, LANE_IDLE]

describe("a sliced render interrupted by higher-lane work", () => {
  for (const lower of SLICED) {
    for (let higher = LANE_SYNC; higher < lower; higher++) {
      it(`${LANE_NAMES[higher]} work queued during ${lower === LANE_IDLE ? "an" : "a"} ${LANE_NAMES[lower]} render commits first; the ${LANE_NAMES[lower]} render is redone, never committed half-done`, () => {
        // Every clock read is 1 ms, so the 300-row render takes many 5 ms slices.
        const harness = createLaneHarness<string, string>("", (model, msg) => model + msg, view, { tickMs: 1 })
        harness.scheduler.forceRender()
        harness.scheduler.enqueue(undefined as unknown as string, LANE_SYNC)
        harness.run()
        harness.commits.length = 0
        const shown: string[] = []
        const step = (): string => {
          const before = harness.commits.length
          const kind = harness.step().kind
          if (harness.commits.length > before) {
            const model = harness.scheduler.model
            shown.push(model)
            expect(harness.container.innerHTML, `the commit of "${model}" is a whole render of it`).toBe(freshRender(view(model)))
          }
          return kind
        }

        harness.scheduler.enqueue("L", lower)
        expect(step()).toBe("yield")
        expect(harness.scheduler.rendering).toBe(true)
        const untouched = harness.container.innerHTML
        harness.scheduler.enqueue("H", higher)
        if (higher === LANE_CONTINUOUS) harness.frame()
        // The next step sees the higher lane: the started render must not go on to commit.
        step()
        if (shown.length === 0) expect(harness.container.innerHTML).toBe(untouched)
        for (let i = 0; i < 10_000; i++) {
          const kind = step()
          if (kind === "idle") break
          if (kind === "wait-frame") harness.frame()
        }

        expect(shown).toEqual(["H", "LH"])
        expect(harness.commits.map((c) => c.lane)).toEqual([higher, lower])
        expect(harness.commits[1].interruptions).toBe(1)
        expect(harness.container.querySelector("#model")!.textContent).toBe("LH")
      })
    }
  }

  it("each slice boundary is a chance to interrupt: Default work queued after any slice preempts the Transition", () => {
    // Count the slices of an uninterrupted render, then interrupt after each one in turn.
    const fresh = () => {
      const harness = createLaneHarness<string, string>("", (model, msg) => model + msg, view, { tickMs: 1 })
      harness.scheduler.forceRender()
      harness.scheduler.enqueue(undefined as unknown as string, LANE_SYNC)
      harness.run()
      harness.commits.length = 0
      return harness
    }
    const probe = fresh()
    probe.scheduler.enqueue("t", LANE_TRANSITION)
    const slices = probe.run().filter((kind) => kind === "yield").length
    expect(slices).toBeGreaterThan(2)
    for (let after = 1; after <= slices; after++) {
      const harness = fresh()
      harness.scheduler.enqueue("t", LANE_TRANSITION)
      for (let i = 0; i < after; i++) expect(harness.step().kind).toBe("yield")
      harness.scheduler.enqueue("d", LANE_DEFAULT)
      harness.run()
      expect(harness.commits.map((c) => [c.lane, c.model]), `interrupted after slice ${after}`).toEqual([[LANE_DEFAULT, "d"], [LANE_TRANSITION, "td"]])
      expect(harness.container.innerHTML).toBe(freshRender(view("td")))
    }
  })
})
