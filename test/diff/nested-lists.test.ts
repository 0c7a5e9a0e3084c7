// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { h } from "../../workers/h.ts"
import type { Key } from "../../workers/vnode.ts"
import { createCheckedPipeline, keyed } from "../_util/checked-pipeline.ts"
import { randomInt, seededRandom, shuffled } from "../_util/keyed-list.ts"

/**
 * Keyed lists inside keyed lists: groups reorder while their items reorder, items move
 * from one group to another (a new node: keys are per parent), groups come and go.
 * `createCheckedPipeline` checks fresh-render equality and that every element that keeps
 * its key path and parent is the same DOM object.
 */

type Groups = ReadonlyArray<{ readonly key: Key; readonly items: readonly Key[] }>

const view = (groups: Groups) =>
  h("div", null, groups.map((group) => keyed("section", group.key, h("h2", null, String(group.key)), h("ul", null, group.items.map((item) => keyed("li", item, String(item)))))))

describe("nested keyed lists", () => {
  it("the outer list reverses while each inner list reverses", () => {
    const p = createCheckedPipeline()
    p.render(view([{ key: "g1", items: [1, 2, 3] }, { key: "g2", items: [4, 5, 6] }, { key: "g3", items: [7, 8] }]))
    const item5 = p.container.querySelector('[data-key="g2"] [data-key="5"]')
    p.render(view([{ key: "g3", items: [8, 7] }, { key: "g2", items: [6, 5, 4] }, { key: "g1", items: [3, 2, 1] }]))
    expect(p.container.querySelector('[data-key="g2"] [data-key="5"]')).toBe(item5)
  })

  it("an item that moves to another group is a new node there", () => {
    const p = createCheckedPipeline()
    p.render(view([{ key: "g1", items: [1, 2] }, { key: "g2", items: [3] }]))
    const item2 = p.container.querySelector('[data-key="2"]')
    p.render(view([{ key: "g2", items: [2, 3] }, { key: "g1", items: [1] }]))
    expect(p.container.querySelector('[data-key="2"]')).not.toBe(item2)
  })

  it("seeded rounds: groups and items shuffle with churn", () => {
    const seed = 90210
    const random = seededRandom(seed)
    let counter = 0
    const freshItems = () => Array.from({ length: randomInt(random, 6) }, () => `i${counter++}`)
    let groups: Groups = Array.from({ length: 4 }, (_, g) => ({ key: `g${g}`, items: freshItems() }))
    let nextGroup = 4
    const p = createCheckedPipeline()
    p.render(view(groups))
    for (let round = 0; round < 150; round++) {
      const previous = groups
      groups = shuffled(random, groups)
        .filter(() => random() > 0.1)
        .map((group) => ({ key: group.key, items: churnItems(random, group.items, () => `i${counter++}`) }))
      if (random() < 0.3) groups = [...groups, { key: `g${nextGroup++}`, items: freshItems() }]
      p.render(view(groups), `seed=${seed} round=${round}: ${JSON.stringify(previous)} → ${JSON.stringify(groups)}`)
    }
    expect(nextGroup).toBeGreaterThan(4)
  })
})

function churnItems(random: () => number, items: readonly Key[], fresh: () => Key): Key[] {
  const kept = items.filter(() => random() > 0.2)
  for (let added = randomInt(random, 3); added > 0; added--) kept.splice(randomInt(random, kept.length + 1), 0, fresh())
  return random() < 0.5 ? shuffled(random, kept) : kept
}
