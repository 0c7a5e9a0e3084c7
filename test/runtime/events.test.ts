// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import type { CommitStats } from "../../src/index.ts"
import { h } from "../../workers/h.ts"
import { holdWorkerPosts, useRoots } from "../_util/harness.ts"
import { until } from "../_util/wait.ts"

/**
 * Events through the whole pipeline (delegation on the main thread, handlers in the
 * worker, commits back): the flags the main thread must decide synchronously follow the
 * view, and a commit rendered before the user's latest keystroke never overwrites it.
 */
const { mount } = useRoots()

describe("handler flags follow the view", () => {
  interface Model {
    readonly prevent: boolean
    readonly stop: boolean
    readonly submits: number
    readonly clicks: number
  }
  type Msg = "submit" | "click" | "toggle-prevent" | "toggle-stop"
  const update = (m: Model, msg: Msg): Model => {
    switch (msg) {
      case "submit":
        return { ...m, submits: m.submits + 1 }
      case "click":
        return { ...m, clicks: m.clicks + 1 }
      case "toggle-prevent":
        return { ...m, prevent: !m.prevent }
      case "toggle-stop":
        return { ...m, stop: !m.stop }
    }
  }
  const view = (m: Model) =>
    h<unknown>("form", { onSubmit: { msg: "submit", preventDefault: m.prevent } },
      h<unknown>("span", { id: "inner", onClick: { msg: "click", stopPropagation: m.stop } }, `${m.submits}/${m.clicks}`))

  it("preventDefault turned off and on again by updates: the main thread follows each time, and the handler still runs", async () => {
    const { container, root } = mount({ init: { prevent: true, stop: false, submits: 0, clicks: 0 }, update, view })
    await root.flush()
    const submit = (): boolean => {
      const event = new Event("submit", { bubbles: true, cancelable: true })
      container.querySelector("form")!.dispatchEvent(event)
      return event.defaultPrevented
    }
    const seen: boolean[] = [submit()]
    for (let i = 0; i < 4; i++) {
      root.dispatch("toggle-prevent")
      await root.flush()
      seen.push(submit())
    }
    expect(seen).toEqual([true, false, true, false, true])
    await root.flush()
    expect(container.querySelector("#inner")!.textContent).toBe("5/0")
  })

  it("stopPropagation turned on and off by updates: the main thread follows each time", async () => {
    const { container, root } = mount({ init: { prevent: true, stop: false, submits: 0, clicks: 0 }, update, view })
    await root.flush()
    const reachesDocument = (): boolean => {
      let reached = false
      const listener = () => { reached = true }
      document.addEventListener("click", listener)
      ;(container.querySelector("#inner") as HTMLElement).click()
      document.removeEventListener("click", listener)
      return reached
    }
    const seen: boolean[] = [reachesDocument()]
    for (let i = 0; i < 4; i++) {
      root.dispatch("toggle-stop")
      await root.flush()
      seen.push(reachesDocument())
    }
    expect(seen).toEqual([true, false, true, false, true])
    await root.flush()
    expect(container.querySelector("#inner")!.textContent).toBe("0/5")
  })
})

describe("typing while a commit is on its way", () => {
  it("a commit rendered before the user's latest keystroke does not overwrite the input; the next commit catches up", async () => {
    const commits: CommitStats[] = []
    // The model upper-cases what is typed: every commit sets the input's value back.
    const { container, root, runtime } = mount({
      init: "",
      update: (_: string, text: string) => text.toUpperCase(),
      view: (text: string) => h("div", null, h<string>("input", { value: text, onInput: (e) => e.value }), h("p", null, text))
      // Held port messages stand for a commit on its way: the ring would bypass them.
    }, { onCommit: (commit) => commits.push(commit), ring: false })
    await root.flush()
    const input = container.querySelector("input")!
    const type = (value: string) => {
      input.value = value
      input.dispatchEvent(new Event("input", { bubbles: true }))
    }
    const held = holdWorkerPosts(await runtime())

    type("a")
    // The worker renders the first keystroke ("A") and sends it: held on its way.
    await until(() => held.commits >= 1, "the commit of the first keystroke")
    // The user types on before it arrives.
    type("ab")
    const applied = commits.length
    while (!["commit", "ring"].includes(held.releaseOne().t)) { /* let through what came before it */ }
    await until(() => commits.length > applied, "the stale commit to be applied")
    expect(container.querySelector("p")!.textContent).toBe("A")
    expect(input.value, "the stale commit overwrote what the user typed").toBe("ab")

    held.releaseAll()
    await root.flush()
    expect(container.querySelector("p")!.textContent).toBe("AB")
    expect(input.value).toBe("AB")
    // The model can still set the input: the guard lasts only until a commit rendered after the keystroke.
    root.dispatch("set by the model")
    await root.flush()
    expect(input.value).toBe("SET BY THE MODEL")
  })
})
