// @vitest-environment happy-dom
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Fragment, h } from "../../workers/h.ts"
import type { Child, VNode } from "../../workers/vnode.ts"
import { createCheckedPipeline, keyed } from "../_util/checked-pipeline.ts"

/**
 * Keyed children that are not one DOM node each: fragments of several nodes or none,
 * and components that render an element, a fragment or nothing. Moving one moves all
 * its nodes; an empty one moves nothing, and the diff must still find the right anchor
 * past it. `createCheckedPipeline` checks fresh-render equality and node identity.
 */

/** What one keyed item of the list renders. */
type Shape = "element" | "fragment2" | "fragment0" | "component" | "componentFragment" | "componentNull"

interface Item {
  readonly key: number
  readonly shape: Shape
}

/** A component's output by shape; its nodes carry `data-key` so identity is checked. */
function Row(props: { id: number; shape: Shape }): Child {
  if (props.shape === "componentNull") return null
  if (props.shape === "componentFragment") return [keyed("li", `c${props.id}.a`), keyed("li", `c${props.id}.b`)]
  return keyed("li", `c${props.id}`, `row ${props.id}`)
}

function renderItem(item: Item): VNode {
  switch (item.shape) {
    case "element":
      return keyed("li", item.key, String(item.key))
    case "fragment2":
      return h(Fragment, { key: item.key }, keyed("li", `f${item.key}.a`), keyed("li", `f${item.key}.b`))
    case "fragment0":
      return h(Fragment, { key: item.key })
    default:
      return h(Row, { key: item.key, id: item.key, shape: item.shape })
  }
}

const list = (items: readonly Item[]) => h("ul", null, items.map(renderItem))

const items = (text: string, shape: Shape): Item[] => text.split("").map((c) => ({ key: c.charCodeAt(0), shape }))

describe("keyed fragments and components in a list", () => {
  it.each<Shape>(["fragment2", "fragment0", "component", "componentFragment", "componentNull"])("%s items reverse and rotate", (shape) => {
    const p = createCheckedPipeline()
    p.render(list(items("abcde", shape)))
    p.render(list(items("edcba", shape)))
    p.render(list(items("dcbae", shape)))
    p.render(list(items("xdcy", shape)))
    p.render(list([]))
  })

  it("a fragment moves all its nodes, in order", () => {
    const p = createCheckedPipeline()
    const view = (order: readonly Item[]) => list(order)
    const a: Item = { key: 1, shape: "element" }
    const f: Item = { key: 2, shape: "fragment2" }
    const b: Item = { key: 3, shape: "element" }
    p.render(view([a, f, b]))
    p.render(view([f, b, a]))
    expect(p.container.innerHTML).toBe('<ul><li data-key="f2.a"></li><li data-key="f2.b"></li><li data-key="3">3</li><li data-key="1">1</li></ul>')
    p.render(view([b, a, f]))
  })

  it("an empty fragment or a null component as the anchor of an insertion", () => {
    const p = createCheckedPipeline()
    const e: Item = { key: 1, shape: "fragment0" }
    const n: Item = { key: 2, shape: "componentNull" }
    const x: Item = { key: 3, shape: "element" }
    const y: Item = { key: 4, shape: "element" }
    p.render(list([x, e, n]))
    p.render(list([e, n, y, x]))
    p.render(list([n, x, e, y]))
    p.render(list([y, n, e, x]))
  })

  it("random shapes, orders and churn (fast-check, seeded)", () => {
    const shape = fc.constantFrom<Shape>("element", "fragment2", "fragment0", "component", "componentFragment", "componentNull")
    const itemList = fc.uniqueArray(fc.record({ key: fc.integer({ min: 0, max: 11 }), shape }), { selector: (item) => item.key, maxLength: 10 })
    fc.assert(
      fc.property(fc.array(itemList, { minLength: 2, maxLength: 6 }), (views) => {
        const p = createCheckedPipeline()
        views.forEach((view, step) => p.render(list(view), `step ${step}`))
      }),
      { seed: 0xf4a9, numRuns: 500 }
    )
  })
})
