// @vitest-environment happy-dom
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { h } from "../../workers/h.ts"
import type { Child } from "../../workers/vnode.ts"
import { createCheckedPipeline, keyed } from "../_util/checked-pipeline.ts"

/**
 * Lists that are not purely keyed: keyed and unkeyed siblings together, null holes
 * (null, undefined and booleans render nothing and take no place), and text children.
 * `createCheckedPipeline` checks fresh-render equality and node reuse after each render.
 */

const ul = (...children: Child[]) => h("ul", null, ...children)

describe("keyed and unkeyed siblings", () => {
  it("keyed siblings move around unkeyed ones, which match in order", () => {
    const p = createCheckedPipeline()
    p.render(ul(keyed("li", "a"), h("p", null, "one"), keyed("li", "b"), h("p", null, "two"), keyed("li", "c")))
    const [first, second] = [...p.container.querySelectorAll("p")]
    p.render(ul(keyed("li", "c"), h("p", null, "one"), keyed("li", "b"), h("p", null, "two"), keyed("li", "a")))
    const after = [...p.container.querySelectorAll("p")]
    expect(after[0]).toBe(first)
    expect(after[1]).toBe(second)
  })

  it("an unkeyed child that becomes keyed is a new node, and the other way round", () => {
    const p = createCheckedPipeline()
    p.render(ul(h("li", null, "x")))
    const unkeyed = p.container.querySelector("li")
    p.render(ul(keyed("li", "x", "x")))
    const keyedNode = p.container.querySelector("li")
    expect(keyedNode).not.toBe(unkeyed)
    p.render(ul(h("li", null, "x")))
    expect(p.container.querySelector("li")).not.toBe(keyedNode)
  })

  it("unkeyed children of another type are replaced, not reused", () => {
    const p = createCheckedPipeline()
    p.render(ul(keyed("li", "a"), h("p", null), keyed("li", "b")))
    p.render(ul(keyed("li", "b"), h("div", null), keyed("li", "a")))
    p.render(ul(keyed("li", "a"), "text", keyed("li", "b")))
  })

  it("random mixes of keyed, unkeyed, text and holes (fast-check, seeded)", () => {
    fc.assert(
      // Items, not vnodes, are generated, so a counterexample prints readably.
      fc.property(fc.array(fc.array(mixedItem, { maxLength: 10 }), { minLength: 1, maxLength: 6 }), (views) => {
        const p = createCheckedPipeline()
        views.forEach((items, step) => p.render(ul(...buildChildren(items)), `step ${step}`))
      }),
      { seed: 0x31ed, numRuns: 400 }
    )
  })
})

describe("null holes", () => {
  it("holes take no place: keyed siblings around them keep their nodes", () => {
    const p = createCheckedPipeline()
    p.render(ul(keyed("li", "a"), null, keyed("li", "b"), false, keyed("li", "c")))
    expect(p.container.querySelector("ul")!.childNodes.length).toBe(3)
    p.render(ul(null, keyed("li", "c"), undefined, keyed("li", "a"), true, keyed("li", "b"), null))
    p.render(ul(keyed("li", "c"), keyed("li", "a"), keyed("li", "b")))
  })

  it("a conditional child toggling in the middle keeps the unkeyed siblings", () => {
    const p = createCheckedPipeline()
    const view = (show: boolean) => h("div", null, h("h1", null, "title"), show && h("p", null, "shown"), h("footer", null, "end"))
    p.render(view(false))
    const title = p.container.querySelector("h1")
    const footer = p.container.querySelector("footer")
    for (const show of [true, false, true, true, false]) {
      p.render(view(show), `show=${show}`)
      expect(p.container.querySelector("h1")).toBe(title)
      expect(p.container.querySelector("footer")).toBe(footer)
    }
  })

  it("a list that is all holes renders empty, and fills again", () => {
    const p = createCheckedPipeline()
    p.render(ul(keyed("li", "a"), keyed("li", "b")))
    p.render(ul(null, false, undefined))
    expect(p.container.innerHTML).toBe("<ul></ul>")
    p.render(ul(keyed("li", "b"), null, keyed("li", "a")))
  })
})

describe("text children", () => {
  it("a text node in place is updated, not replaced", () => {
    const p = createCheckedPipeline()
    p.render(ul("before", keyed("li", "a")))
    const text = p.container.querySelector("ul")!.firstChild
    p.render(ul("after", keyed("li", "a")))
    expect(p.container.querySelector("ul")!.firstChild).toBe(text)
    expect(text!.nodeValue).toBe("after")
  })

  it("adjacent texts stay separate nodes and change independently", () => {
    const p = createCheckedPipeline()
    p.render(h("p", null, "a", "b", 3))
    expect(p.container.querySelector("p")!.childNodes.length).toBe(3)
    p.render(h("p", null, "a", "x", "b", 3))
    expect(p.container.querySelector("p")!.childNodes.length).toBe(4)
    p.render(h("p", null, 3))
    p.render(h("p", null, ""))
    p.render(h("p", null, "a", "b"))
  })

  it("text children among moving keyed elements", () => {
    const p = createCheckedPipeline()
    p.render(ul("label", keyed("li", "a"), "between", keyed("li", "b"), keyed("li", "c"), "tail"))
    p.render(ul("label!", keyed("li", "c"), keyed("li", "b"), "between", keyed("li", "a")))
    p.render(ul(keyed("li", "a"), "tail", keyed("li", "c"), "label"))
  })

  it("an element's only child switches between text and elements", () => {
    const p = createCheckedPipeline()
    p.render(h("div", null, "text"))
    p.render(h("div", null, keyed("span", "s")))
    p.render(h("div", null, "text", keyed("span", "s")))
    p.render(h("div", null, 42))
    p.render(h("div", null))
  })
})

/** One child of a random mix: a keyed `<li>` (keys 0–7), an unkeyed element, text, or a hole. */
type MixedItem =
  | { readonly kind: "keyed"; readonly key: number }
  | { readonly kind: "unkeyed"; readonly tag: "li" | "span" }
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "hole"; readonly value: null | false | undefined | true }

const mixedItem: fc.Arbitrary<MixedItem> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 7 }).map((key) => ({ kind: "keyed" as const, key })) },
  { weight: 2, arbitrary: fc.constantFrom("li" as const, "span" as const).map((tag) => ({ kind: "unkeyed" as const, tag })) },
  { weight: 1, arbitrary: fc.constantFrom("x", "y", "").map((text) => ({ kind: "text" as const, text })) },
  { weight: 1, arbitrary: fc.constantFrom(null, false as const, undefined, true as const).map((value) => ({ kind: "hole" as const, value })) }
)

/** Children built from items; a repeated key is dropped (duplicates are tested elsewhere). */
function buildChildren(items: readonly MixedItem[]): Child[] {
  const seen = new Set<number>()
  const out: Child[] = []
  for (const item of items) {
    if (item.kind === "keyed") {
      if (seen.has(item.key)) continue
      seen.add(item.key)
      out.push(keyed("li", item.key, `k${item.key}`))
    } else if (item.kind === "unkeyed") out.push(h(item.tag, null, item.tag))
    else if (item.kind === "text") out.push(item.text)
    else out.push(item.value)
  }
  return out
}
