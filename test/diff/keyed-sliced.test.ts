// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { DuplicateKeyError } from "../../workers/errors.ts"
import { h } from "../../workers/h.ts"
import type { Key } from "../../workers/vnode.ts"
import { createCheckedPipeline, keyed } from "../_util/checked-pipeline.ts"
import { defaultItem, mountKeyedList, permutations, randomInt, seededRandom, shuffled } from "../_util/keyed-list.ts"
import { createSlicedPipeline } from "../_util/sliced-pipeline.ts"

/**
 * The keyed diff when a render pauses at every chance (element patches and long list
 * mounts are deferred work) and when a render is abandoned part-way for another view.
 * The same invariants hold as for a render done at once: fresh-render equality, identity,
 * moves ≤ kept − LIS.
 */

const range = (n: number, prefix = "k"): Key[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

/** Items with a nested element, so that each patch has deferred work to pause on. */
const nestedItem = (key: Key) => h("li", { key }, h("span", null, String(key)))

describe("keyed lists rendered in slices", () => {
  it("every permutation of 5 keys, from the identity and back", () => {
    const pipeline = createSlicedPipeline()
    const identity = range(5)
    const list = mountKeyedList(identity, nestedItem, pipeline)
    for (const order of permutations(identity)) {
      list.update(order, "sliced")
      list.update(identity, "sliced back")
    }
    expect(pipeline.slices).toBeGreaterThan(240)
  })

  it.each([10, 200])("seeded shuffles with churn, N = %i", (n) => {
    const seed = 5150 + n
    const random = seededRandom(seed)
    const pipeline = createSlicedPipeline()
    let counter = n
    const list = mountKeyedList(range(n), nestedItem, pipeline)
    for (let round = 0; round < 40; round++) {
      const kept = list.keys.filter(() => random() > 0.2)
      while (kept.length < n) kept.splice(randomInt(random, kept.length + 1), 0, `k${counter++}`)
      list.update(shuffled(random, kept), `N=${n} seed=${seed} round=${round}`)
    }
    expect(pipeline.slices).toBeGreaterThan(40)
  })

  it("a long list mounted in chunks, then cleared and mounted again", () => {
    const pipeline = createSlicedPipeline()
    const list = mountKeyedList(range(300), defaultItem, pipeline)
    list.update([])
    list.update(range(300, "n"))
    list.update(range(300, "m"))
  })
})

describe("keyed lists after an abandoned render", () => {
  it.each([0, 1, 3, 10])("abandoned after %i slices: the next render starts from the committed tree", (slicesBefore) => {
    const seed = 8080 + slicesBefore
    const random = seededRandom(seed)
    const pipeline = createSlicedPipeline()
    const view = (keys: readonly Key[], label = "") =>
      h("ul", null, keys.map((key) => keyed("li", key, h("span", { title: label }, `${label}${key}`))))
    // Each checked render first starts, then abandons, a render of another random view,
    // whose text and props differ, so any of its work that leaked would show.
    let abandoned: Key[] = []
    const checked = createCheckedPipeline({
      container: pipeline.container,
      render: (next) => pipeline.renderAfterAbandoning(view(abandoned, "abandoned "), slicesBefore, next)
    })
    let keys = range(60)
    checked.render(view(keys))
    for (let round = 0; round < 30; round++) {
      abandoned = shuffled(random, [...keys.filter(() => random() > 0.3), ...range(20, `a${round}-`)])
      const previous = keys
      keys = shuffled(random, [...keys.filter(() => random() > 0.2), ...range(randomInt(random, 8), `r${round}-`)])
      checked.render(view(keys), `seed=${seed} round=${round}`)
      // The committed view again, after another abandoned render: nothing may change.
      const html = pipeline.container.innerHTML
      abandoned = previous
      expect(pipeline.renderAfterAbandoning(view(abandoned, "abandoned "), slicesBefore, view(keys))).toBeNull()
      expect(pipeline.container.innerHTML).toBe(html)
    }
  })
})

describe("a duplicate key found in a later slice", () => {
  it("aborts the render, leaves the DOM as it was, and the next render works", () => {
    const pipeline = createSlicedPipeline()
    const checked = createCheckedPipeline(pipeline)
    const view = (rows: number, duplicateIn: number) =>
      h("div", null, range(rows).map((key, row) =>
        keyed("section", key, h("ul", null, (row === duplicateIn ? ["x", "y", "x"] : ["x", "y"]).map((item) => keyed("li", item))))))
    checked.render(view(100, -1))
    const html = pipeline.container.innerHTML
    const slicesBefore = pipeline.slices
    expect(() => pipeline.render(view(100, 90))).toThrow(DuplicateKeyError)
    expect(pipeline.slices - slicesBefore).toBeGreaterThan(1)
    expect(pipeline.renderer.inProgress).toBe(false)
    expect(pipeline.container.innerHTML).toBe(html)
    checked.render(view(120, -1))
  })
})
