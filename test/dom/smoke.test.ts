// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { h } from "../../workers/h.ts"
import { mountProgram } from "../_util/harness.ts"

describe("pipeline in one thread", () => {
  it("renders, handles a click and updates", async () => {
    const { container, root, cleanup } = mountProgram({
      init: { count: 0 },
      update: (model: { count: number }, msg: "inc") => (msg === "inc" ? { count: model.count + 1 } : model),
      view: (model) => h("div", null, h<"inc">("button", { onClick: () => "inc" }, `count ${model.count}`))
    })
    await root.flush()
    expect(container.innerHTML).toBe("<div><button>count 0</button></div>")
    const button = container.querySelector("button")!
    button.click()
    await root.flush()
    expect(container.innerHTML).toBe("<div><button>count 1</button></div>")
    expect(container.querySelector("button")).toBe(button)
    root.dispatch("inc")
    root.dispatch("inc")
    await root.flush()
    expect(container.textContent).toBe("count 3")
    await cleanup()
    expect(container.innerHTML).toBe("")
  })
})
