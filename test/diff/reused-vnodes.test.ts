// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { Fragment, h } from "../../workers/h.ts"
import { createCheckedPipeline, keyed } from "../_util/checked-pipeline.ts"

/**
 * The same vnode object placed more than once: twice in one view, in the next view
 * again, or in two roots. Mounting must not write into a vnode that is already mounted,
 * or the tree would name nodes it does not own. Fragments matter most: they have no DOM
 * id that shows they are mounted.
 */

describe("vnodes placed more than once", () => {
  it("one fragment object twice in a view, then removed", () => {
    const p = createCheckedPipeline()
    const icons = h(Fragment, null, h("i", null), h("b", null))
    p.render(h("div", null, icons, h("hr", null), icons))
    expect(p.container.innerHTML).toBe("<div><i></i><b></b><hr><i></i><b></b></div>")
    p.render(h("div", null, h("hr", null)))
    p.render(h("div", null, icons, h("hr", null)))
  })

  it("one fragment object in two roots", () => {
    const first = createCheckedPipeline()
    const second = createCheckedPipeline()
    const shared = h(Fragment, { key: "f" }, keyed("li", "f1"), keyed("li", "f2"))
    first.render(h("ul", null, keyed("li", "a"), shared))
    second.render(h("ul", null, shared, keyed("li", "b")))
    first.render(h("ul", null, keyed("li", "a")))
    second.render(h("ul", null, keyed("li", "b"), shared))
  })

  it("a hoisted fragment kept across renders while its siblings reorder", () => {
    const p = createCheckedPipeline()
    const hoisted = h(Fragment, { key: "h" }, keyed("li", "h1"), keyed("li", "h2"))
    p.render(h("ul", null, keyed("li", "a"), hoisted, keyed("li", "b")))
    p.render(h("ul", null, keyed("li", "b"), hoisted, keyed("li", "a")))
    p.render(h("ul", null, hoisted, keyed("li", "a")))
    p.render(h("ul", null, keyed("li", "a")))
  })

  it("one element object twice in a view", () => {
    const p = createCheckedPipeline()
    const rule = h("hr", null)
    p.render(h("div", null, rule, h("p", null, "text"), rule))
    expect(p.container.querySelectorAll("hr").length).toBe(2)
    p.render(h("div", null, h("p", null, "text")))
  })
})
