// @vitest-environment happy-dom
import { expect, it } from "vitest"
import { h } from "../../workers/h.ts"
import { createPipeline, freshRender } from "../_util/pipeline.ts"

it("keyed reverse keeps nodes and matches a fresh render", () => {
  const p = createPipeline()
  const list = (keys: number[]) => h("ul", null, keys.map((k) => h("li", { key: k }, String(k))))
  p.render(list([1, 2, 3, 4]))
  const before = [...p.container.querySelectorAll("li")]
  p.render(list([4, 3, 2, 1]))
  expect(p.container.innerHTML).toBe(freshRender(list([4, 3, 2, 1])))
  const after = [...p.container.querySelectorAll("li")]
  expect(after).toEqual([...before].reverse())
})
