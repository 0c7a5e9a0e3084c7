// @vitest-environment happy-dom
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { StateError } from "../../protocol/errors.ts"
import type { HistoryFile } from "../../protocol/state.ts"
import { h } from "../../workers/h.ts"
import { withCommand } from "../../workers/program.ts"
import { useRoots } from "../_util/harness.ts"

/**
 * Snapshots, restore, the message history, time travel, export and import, through the
 * whole pipeline (worker runtime in this thread, page root, applier): what the page shows
 * at each point is exactly what a fresh render of that model shows.
 */
const { mount } = useRoots()

interface Model {
  readonly items: readonly string[]
  readonly commands: number
}
type Msg = { readonly type: "add"; readonly text: string } | { readonly type: "remove" } | { readonly type: "ran" }

/** Every "add" also runs a command (counted in the model): restore, travel and import must run none. */
let commandsRun = 0
const update = (model: Model, msg: Msg): Model | ReturnType<typeof withCommand<Model, Msg>> => {
  switch (msg.type) {
    case "add":
      return withCommand<Model, Msg>({ ...model, items: [...model.items, msg.text] }, Effect.sync(() => {
        commandsRun++
      }))
    case "remove":
      return { ...model, items: model.items.slice(1) }
    case "ran":
      return { ...model, commands: model.commands + 1 }
  }
}
const view = (model: Model) => h("ul", null, model.items.map((text, i) => h("li", { key: `${i}:${text}` }, text)))
const init: Model = { items: [], commands: 0 }

/** The model after the first `n` messages of `msgs`, folded by hand. */
function modelAfter(msgs: readonly Msg[], n: number): Model {
  let model = init
  for (let i = 0; i < n; i++) {
    const next = update(model, msgs[i])
    model = "model" in next && !("items" in next) ? next.model : next as Model
  }
  return model
}

/** What a fresh root shows for `model`. */
async function freshRender(model: Model): Promise<string> {
  const { container, root } = mount({ init: model, update, view })
  await root.flush()
  return container.innerHTML
}

const script: Msg[] = [
  { type: "add", text: "a" }, { type: "add", text: "b" }, { type: "add", text: "c" }, { type: "remove" },
  { type: "add", text: "d" }, { type: "add", text: "e" }, { type: "remove" }, { type: "add", text: "f" }
]

async function recorded() {
  const mounted = mount({ init, update, view }, { history: true })
  for (const msg of script) {
    mounted.root.dispatch(msg)
    await mounted.root.flush()
  }
  return mounted
}

describe("time travel", () => {
  it("jumpTo shows exactly what a fresh render of that point's model shows; resume returns to the present", async () => {
    const { container, root } = await recorded()
    const present = container.innerHTML
    const info = await root.history.info()
    expect(info).toMatchObject({ start: 0, end: script.length, traveling: null })
    const ran = commandsRun
    for (let i = -1; i < script.length; i++) {
      await root.history.jumpTo(i)
      expect(container.innerHTML, `after message ${i}`).toBe(await freshRender(modelAfter(script, i + 1)))
    }
    expect((await root.history.info()).traveling).toBe(script.length - 1)
    await root.history.resume()
    expect(container.innerHTML).toBe(present)
    expect(commandsRun, "travel ran no command").toBe(ran)
  })

  it("dispatches while travelling are held, then applied after resume; DOM events on the past are dropped", async () => {
    const { container, root } = await recorded()
    await root.history.jumpTo(0)
    root.dispatch({ type: "add", text: "held" })
    await root.flush()
    expect(container.innerHTML).toBe(await freshRender(modelAfter(script, 1)))
    await root.history.resume()
    await root.flush()
    expect([...container.querySelectorAll("li")].map((li) => li.textContent)).toEqual([...modelAfter(script, script.length).items, "held"])
  })

  it("entries lists the messages with their lanes", async () => {
    const { root } = await recorded()
    const entries = await root.history.entries(2, 5)
    expect(entries.map((e) => e.index)).toEqual([2, 3, 4])
    expect(entries.map((e) => e.msg)).toEqual(script.slice(2, 5))
    expect(entries.every((e) => e.lane === 2)).toBe(true)
  })

  it("without the history option, history requests are refused with HistoryUnavailable", async () => {
    const { root } = mount({ init, update, view })
    await root.flush()
    const refused = await root.history.info().catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(StateError)
    expect(refused).toMatchObject({ kind: "HistoryUnavailable" })
    expect((refused as Error).message).toContain("history: true")
  })
})

describe("snapshots", () => {
  it("a snapshot restored into another root shows the same DOM, and runs no command of the past", async () => {
    const { root, container } = await recorded()
    const snapshot = await root.snapshot()
    expect(snapshot).toMatchObject({ format: "shuttle-snapshot", version: 1, modelHash: "", msgHash: "", index: script.length })
    const other = mount({ init, update, view })
    await other.root.flush()
    const ran = commandsRun
    await other.root.restore(JSON.parse(JSON.stringify(snapshot)))
    expect(other.container.innerHTML).toBe(container.innerHTML)
    expect(commandsRun).toBe(ran)
    // The restored root goes on from there.
    other.root.dispatch({ type: "remove" })
    await other.root.flush()
    expect(other.container.querySelectorAll("li")).toHaveLength(modelAfter(script, script.length).items.length - 1)
  })

  it("refuses what is not a snapshot, and one from a program with another model schema, changing nothing", async () => {
    const { root, container } = await recorded()
    const before = container.innerHTML
    await expect(root.restore({ format: "nope" } as never)).rejects.toMatchObject({ _tag: "StateError", kind: "HistoryIncompatible" })
    const snapshot = await root.snapshot()
    await expect(root.restore({ ...snapshot, modelHash: "0badc0de" })).rejects.toMatchObject({ kind: "HistoryIncompatible", message: expect.stringContaining("0badc0de") })
    await root.flush()
    expect(container.innerHTML).toBe(before)
  })
})

describe("export and import", () => {
  it("an exported history imported into a fresh root: same present, same points, no command run", async () => {
    const { root, container } = await recorded()
    const file = JSON.parse(JSON.stringify(await root.history.export())) as HistoryFile
    expect(file).toMatchObject({ format: "shuttle-history", version: 1, start: 0 })
    expect(file.msgs).toEqual(script)
    const other = mount({ init, update, view }, { history: true })
    await other.root.flush()
    const ran = commandsRun
    await other.root.history.import(file)
    expect(other.container.innerHTML).toBe(container.innerHTML)
    await other.root.history.jumpTo(2)
    expect(other.container.innerHTML).toBe(await freshRender(modelAfter(script, 3)))
    await other.root.history.resume()
    expect(commandsRun).toBe(ran)
  })

  it("a file from a program with other schemas is refused, saying what differs, and the root is unchanged", async () => {
    const { root } = await recorded()
    const file = await root.history.export()
    const other = mount({ init, update, view }, { history: true })
    await other.root.flush()
    const before = other.container.innerHTML
    await expect(other.root.history.import({ ...file, msgHash: "1234abcd" })).rejects.toMatchObject({ kind: "HistoryIncompatible", message: expect.stringContaining("message schema") })
    await expect(other.root.history.import({ ...file, modelHash: "1234abcd" })).rejects.toMatchObject({ kind: "HistoryIncompatible", message: expect.stringContaining("model schema") })
    await expect(other.root.history.import({ format: "shuttle-history" } as never)).rejects.toMatchObject({ kind: "HistoryIncompatible" })
    expect(other.container.innerHTML).toBe(before)
  })
})
