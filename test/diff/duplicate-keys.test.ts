// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { DuplicateKeyError } from "../../workers/errors.ts"
import { Fragment, h } from "../../workers/h.ts"
import type { Child, Key } from "../../workers/vnode.ts"
import { createCheckedPipeline, keyed } from "../_util/checked-pipeline.ts"

/**
 * Duplicate keys among siblings throw a DuplicateKeyError naming the key, wherever the
 * duplicate sits: a first mount, the reordered middle of an update, or a new key equal to
 * one in the kept prefix or suffix. The failed render is rolled back: the DOM is untouched
 * (same markup, same node objects), and the next valid render works.
 */

const ul = (keys: readonly Key[]) => h("ul", null, keys.map((key) => keyed("li", key, String(key))))

/** Renders `view`, expects a DuplicateKeyError for `key`, and expects the DOM untouched. */
function expectDuplicate(p: ReturnType<typeof createCheckedPipeline>, view: Child, key: Key): void {
  const html = p.container.innerHTML
  const nodes = [...p.container.querySelectorAll("*")]
  let thrown: unknown
  try {
    p.pipeline.render(view)
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(DuplicateKeyError)
  const error = thrown as DuplicateKeyError
  expect(error._tag).toBe("DuplicateKeyError")
  expect(error.key).toBe(key)
  expect(error.message).toContain(JSON.stringify(key))
  expect(p.container.innerHTML).toBe(html)
  const after = p.container.querySelectorAll("*")
  expect(after.length).toBe(nodes.length)
  nodes.forEach((node, i) => expect(after[i]).toBe(node))
}

describe("duplicate keys", () => {
  it("in a first mount", () => {
    const p = createCheckedPipeline()
    expectDuplicate(p, ul(["a", "b", "a"]), "a")
    expect(p.container.innerHTML).toBe("")
    p.render(ul(["a", "b"]))
  })

  it("at the top level of a view", () => {
    const p = createCheckedPipeline()
    expectDuplicate(p, [keyed("p", 1), keyed("p", 1)], 1)
    p.render([keyed("p", 1), keyed("p", 2)])
    expectDuplicate(p, [keyed("p", 2), keyed("p", 3), keyed("p", 2)], 2)
    p.render([keyed("p", 2), keyed("p", 1)])
  })

  it("in the reordered middle of an update", () => {
    const p = createCheckedPipeline()
    p.render(ul(["a", "b", "c", "d"]))
    expectDuplicate(p, ul(["a", "c", "x", "c", "d"]), "c")
    p.render(ul(["a", "c", "x", "b", "d"]))
  })

  it("a new key equal to one in the kept prefix", () => {
    const p = createCheckedPipeline()
    p.render(ul(["a", "b"]))
    expectDuplicate(p, ul(["a", "b", "a"]), "a")
    p.render(ul(["a", "b", "c"]))
  })

  it("a new key equal to one in the kept suffix", () => {
    const p = createCheckedPipeline()
    p.render(ul(["a", "b"]))
    expectDuplicate(p, ul(["b", "a", "b"]), "b")
    p.render(ul(["c", "a", "b"]))
  })

  it("a new key equal to one in the prefix, while the middle reorders", () => {
    const p = createCheckedPipeline()
    p.render(ul(["a", "b", "c"]))
    expectDuplicate(p, ul(["a", "c", "b", "a"]), "a")
    p.render(ul(["a", "c", "b"]))
  })

  it("number keys", () => {
    const p = createCheckedPipeline()
    p.render(ul([1, 2, 3]))
    expectDuplicate(p, ul([3, 2, 1, 2]), 2)
    p.render(ul([3, 2, 1]))
  })

  it("in a newly mounted nested list, a fragment and a component's output", () => {
    const Pair = (props: { k: Key }) => [keyed("li", props.k), keyed("li", props.k)]
    const p = createCheckedPipeline()
    p.render(h("div", null, ul(["a"])))
    expectDuplicate(p, h("div", null, ul(["a"]), h("section", null, ul(["x", "y", "x"]))), "x")
    expectDuplicate(p, h("div", null, ul(["a"]), h("ol", null, h(Fragment, null, keyed("li", "f"), keyed("li", "f")))), "f")
    expectDuplicate(p, h("div", null, ul(["a"]), h("ol", null, h(Pair, { k: "p" }))), "p")
    p.render(h("div", null, ul(["a"]), h("ol", null, h(Fragment, null, keyed("li", "f"), keyed("li", "g")))))
  })

  it("rolls back a render that patched, removed and created nodes before the duplicate", () => {
    const p = createCheckedPipeline()
    const view = (first: readonly Key[], second: readonly Key[]) =>
      h("div", null, h("ul", { class: "first" }, first.map((k) => keyed("li", k))), h("ul", { class: "second" }, second.map((k) => keyed("li", `s${k}`))))
    p.render(view(["a", "b", "c", "d"], ["1", "2"]))
    expectDuplicate(p, view(["d", "x", "y", "a"], ["1", "2", "1"]), "s1")
    // The renderer's tree is as before the failed render: the same view is no change.
    expect(p.pipeline.render(view(["a", "b", "c", "d"], ["1", "2"]))).toBeNull()
    // Ids the failed render released or allocated are consistent: more renders work.
    p.render(view(["d", "x", "y", "a"], ["1", "2", "3"]))
    for (let round = 0; round < 5; round++) {
      expectDuplicate(p, view([`n${round}`, "a", `n${round}`], []), `n${round}`)
      p.render(view(["a", `m${round}`, "d"], [String(round)]))
    }
  })
})
