// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { Fragment, h } from "../../workers/h.ts"
import type { Key } from "../../workers/vnode.ts"
import { createCheckedPipeline, keyed } from "../_util/checked-pipeline.ts"
import { mountKeyedList, randomInt, seededRandom, shuffled } from "../_util/keyed-list.ts"

/**
 * A key is not enough to keep a node: the type must match too. A key that changes its tag
 * (or becomes a fragment or a component) gets a new node where it stands, wherever it
 * stands: the prefix, the suffix or the reordered middle.
 */

/** An item renderer whose tag per key the test can change between patches. */
function taggedItems() {
  const tags = new Map<Key, string>()
  return {
    tags,
    item: (key: Key) => h(tags.get(key) ?? "li", { key }, String(key))
  }
}

describe("a key that changes its tag", () => {
  it.each([
    { name: "first (in the common prefix)", keys: "abcde", to: "abcde", changed: "a" },
    { name: "last (in the common suffix)", keys: "abcde", to: "abcde", changed: "e" },
    { name: "middle, no other change", keys: "abcde", to: "abcde", changed: "c" },
    { name: "while the list reverses", keys: "abcde", to: "edcba", changed: "b" },
    { name: "while it moves itself", keys: "abcde", to: "bcdae", changed: "a" },
    { name: "while others are inserted and removed", keys: "abcde", to: "xbcay", changed: "a" }
  ])("$name", ({ keys, to, changed }) => {
    const { tags, item } = taggedItems()
    const list = mountKeyedList(keys.split(""), item)
    const before = list.list.children[keys.indexOf(changed)]
    tags.set(changed, "p")
    const report = list.update(to.split(""))
    const now = list.list.children[to.indexOf(changed)]
    expect(now.localName).toBe("p")
    expect(now).not.toBe(before)
    expect(report.insertions).toBe(1 + [...to].filter((k) => !keys.includes(k)).length)
  })

  it("every key changes its tag at once", () => {
    const { tags, item } = taggedItems()
    const list = mountKeyedList(["a", "b", "c"], item)
    for (const key of ["a", "b", "c"]) tags.set(key, "p")
    expect(list.update(["c", "a", "b"]).kept).toBe(0)
  })

  it("seeded reorders while random keys flip between <li> and <p>", () => {
    const seed = 7411
    const random = seededRandom(seed)
    const { tags, item } = taggedItems()
    const keys = Array.from({ length: 12 }, (_, i) => i)
    const list = mountKeyedList(keys, item)
    let replaced = 0
    for (let round = 0; round < 200; round++) {
      for (let flips = randomInt(random, 3); flips > 0; flips--) {
        const key = keys[randomInt(random, keys.length)]
        tags.set(key, tags.get(key) === "p" ? "li" : "p")
        replaced++
      }
      list.update(shuffled(random, keys), `seed=${seed} round=${round}`)
    }
    expect(replaced).toBeGreaterThan(0)
  })
})

describe("a key that changes its kind", () => {
  const Item = (props: { label: string }) => h("li", { "data-key": `component-${props.label}` }, props.label)

  it("element → keyed fragment → element keeps the siblings and replaces the changed one", () => {
    const p = createCheckedPipeline()
    const view = (b: "element" | "fragment") =>
      h("ul", null,
        keyed("li", "a"),
        b === "element" ? keyed("li", "b") : h(Fragment, { key: "b" }, keyed("li", "b1"), keyed("li", "b2")),
        keyed("li", "c"))
    p.render(view("element"))
    p.render(view("fragment"))
    expect(p.container.innerHTML).toBe('<ul><li data-key="a"></li><li data-key="b1"></li><li data-key="b2"></li><li data-key="c"></li></ul>')
    p.render(view("element"))
  })

  it("element → keyed component → element, while the list reorders", () => {
    const p = createCheckedPipeline()
    p.render(h("ul", null, keyed("li", "a"), keyed("li", "b"), keyed("li", "c")))
    const b = p.container.querySelector('[data-key="b"]')
    p.render(h("ul", null, keyed("li", "c"), h(Item, { key: "b", label: "b" }), keyed("li", "a")))
    expect(p.container.querySelector('[data-key="component-b"]')).not.toBe(b)
    p.render(h("ul", null, keyed("li", "b"), keyed("li", "a"), keyed("li", "c")))
  })
})
