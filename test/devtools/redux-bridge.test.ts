// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { StateError } from "../../protocol/errors.ts"
import {
  actionToMessage,
  connectReduxDevTools,
  estimateJsonBytes,
  messageToAction,
  type ReduxDevToolsBridge,
  type ReduxDevToolsMessage
} from "../../src/devtools/redux-bridge.ts"
import { h } from "../../workers/h.ts"
import { useRoots } from "../_util/harness.ts"

/**
 * The Redux DevTools bridge against a fake extension (it records connect, init and send
 * and lets the test deliver the extension's messages), through a whole root in happy-dom
 * (worker runtime in this thread, page root, applier).
 */
const { mount } = useRoots()

interface Model {
  readonly items: readonly string[]
  readonly blob: string
}
type Msg = { readonly type: "add"; readonly text: string } | { readonly type: "remove" } | { readonly type: "big"; readonly size: number }

const update = (model: Model, msg: Msg): Model => {
  switch (msg.type) {
    case "add":
      return { ...model, items: [...model.items, msg.text] }
    case "remove":
      return { ...model, items: model.items.slice(1) }
    case "big":
      return { ...model, blob: "x".repeat(msg.size) }
  }
}
const view = (model: Model) => h("ul", { "data-blob": String(model.blob.length) }, model.items.map((text, i) => h("li", { key: `${i}:${text}` }, text)))
const init: Model = { items: [], blob: "" }

function modelAfter(msgs: readonly Msg[], n: number): Model {
  return msgs.slice(0, n).reduce(update, init)
}

async function freshRender(model: Model): Promise<string> {
  const { container, root } = mount({ init: model, update, view })
  await root.flush()
  return container.innerHTML
}

const script: Msg[] = [
  { type: "add", text: "a" }, { type: "add", text: "b" }, { type: "add", text: "c" }, { type: "remove" }, { type: "add", text: "d" }
]

interface Sent { readonly action: Record<string, unknown>; readonly state: unknown }

/** A stand-in for window.__REDUX_DEVTOOLS_EXTENSION__ that records what the page tells it. */
function fakeExtension() {
  const record = {
    connects: [] as unknown[],
    inits: [] as unknown[],
    sends: [] as Sent[],
    listeners: new Set<(message: ReduxDevToolsMessage) => void>(),
    unsubscribed: 0,
    deliver(message: ReduxDevToolsMessage): void {
      for (const listener of record.listeners) listener(message)
    },
    /** What the extension would export (its lifted state) after the last init: action 0 is the init state. */
    lifted() {
      const states = [record.inits.at(-1), ...record.sends.map((sent) => sent.state)]
      const actionsById: Record<string, { action: unknown; timestamp: number }> = { 0: { action: { type: "@@INIT" }, timestamp: 0 } }
      record.sends.forEach((sent, i) => { actionsById[String(i + 1)] = { action: sent.action, timestamp: 1000 + i } })
      return { actionsById, computedStates: states.map((state) => ({ state })), stagedActionIds: states.map((_, i) => i), skippedActionIds: [], nextActionId: states.length, currentStateIndex: states.length - 1 }
    }
  }
  const extension = {
    connect(options: unknown) {
      record.connects.push(options)
      return {
        init(state: unknown) {
          record.inits.push(state)
          record.sends.length = 0
        },
        send(action: Record<string, unknown>, state: unknown) {
          record.sends.push({ action, state })
        },
        subscribe(listener: (message: ReduxDevToolsMessage) => void) {
          record.listeners.add(listener)
          return () => {
            record.unsubscribed++
            record.listeners.delete(listener)
          }
        }
      }
    }
  }
  return { extension, record }
}

type Fake = ReturnType<typeof fakeExtension>["record"]
let fake: Fake
const bridges: ReduxDevToolsBridge[] = []
const errors: Error[] = []

beforeEach(() => {
  const made = fakeExtension()
  fake = made.record
  ;(window as unknown as Record<string, unknown>).__REDUX_DEVTOOLS_EXTENSION__ = made.extension
  errors.length = 0
})
afterEach(() => {
  while (bridges.length > 0) bridges.pop()!.disconnect()
  delete (window as unknown as Record<string, unknown>).__REDUX_DEVTOOLS_EXTENSION__
})

async function connected(msgs: readonly Msg[] = script, options: { maxStateBytes?: number; maxAge?: number } = {}) {
  const mounted = mount({ init, update, view }, { history: true })
  await mounted.root.flush()
  const bridge = await connectReduxDevTools(mounted.root, { name: "test app", onError: (error) => errors.push(error), ...options })
  bridges.push(bridge)
  for (const msg of msgs) {
    mounted.root.dispatch(msg)
    await mounted.root.flush()
  }
  await bridge.flush()
  return { ...mounted, bridge }
}

/** Delivers an extension message and waits until the bridge and the root carried it out. */
async function deliver(bridge: ReduxDevToolsBridge, root: { flush(): Promise<void> }, message: ReduxDevToolsMessage) {
  fake.deliver(message)
  await bridge.flush()
  await root.flush()
}

describe("sending", () => {
  it("connects with the name and features, inits with the model, and sends every message in order with the model after it", async () => {
    const { bridge } = await connected()
    expect(bridge.connected).toBe(true)
    expect(fake.connects).toEqual([{ name: "test app", maxAge: 50, features: expect.objectContaining({ jump: true, import: "custom", dispatch: true, skip: false, reorder: false }) }])
    expect(fake.inits).toEqual([init])
    expect(fake.sends.map((sent) => sent.action)).toEqual(script.map((msg) => ({ ...msg, "shuttle/lane": "default" })))
    expect(fake.sends.map((sent) => sent.state)).toEqual(script.map((_, i) => modelAfter(script, i + 1)))
    expect(errors).toEqual([])
  })

  it("a root connected late lists the messages it already holds; a dispatch on another lane says so", async () => {
    const mounted = mount({ init, update, view }, { history: true })
    for (const msg of script.slice(0, 3)) mounted.root.dispatch(msg)
    await mounted.root.flush()
    const bridge = await connectReduxDevTools(mounted.root, { onError: (error) => errors.push(error) })
    bridges.push(bridge)
    expect(fake.inits).toEqual([init])
    expect(fake.sends.map((sent) => sent.state)).toEqual([1, 2, 3].map((n) => modelAfter(script, n)))
    mounted.root.dispatch({ type: "remove" }, { lane: "transition" })
    await mounted.root.flush()
    await bridge.flush()
    expect(fake.sends.at(-1)).toEqual({ action: { type: "remove", "shuttle/lane": "transition" }, state: modelAfter(script, 4) })
  })

  it("with more messages than maxAge, inits with the model before the last maxAge − 1", async () => {
    const mounted = mount({ init, update, view }, { history: true })
    for (const msg of script) mounted.root.dispatch(msg)
    await mounted.root.flush()
    bridges.push(await connectReduxDevTools(mounted.root, { maxAge: 3 }))
    expect(fake.inits).toEqual([modelAfter(script, 3)])
    expect(fake.sends.map((sent) => sent.state)).toEqual([4, 5].map((n) => modelAfter(script, n)))
  })

  it("states over maxStateBytes are sent as a placeholder; smaller ones whole", async () => {
    const msgs: Msg[] = [{ type: "big", size: 10_000 }, { type: "big", size: 10 }]
    await connected(msgs, { maxStateBytes: 5_000 })
    const [big, small] = fake.sends
    expect(big!.state).toEqual({ "shuttle/omitted": true, bytes: expect.any(Number) })
    expect((big!.state as { bytes: number }).bytes).toBeGreaterThan(5_000)
    expect(small!.state).toEqual(modelAfter(msgs, 2))
  })
})

describe("travelling from the extension", () => {
  it("JUMP_TO_ACTION shows that point's DOM; JUMP_TO_STATE by index too; jumping to the last resumes", async () => {
    const { root, container, bridge } = await connected()
    const present = container.innerHTML
    for (let actionId = 0; actionId < script.length; actionId++) {
      await deliver(bridge, root, { type: "DISPATCH", payload: { type: "JUMP_TO_ACTION", actionId }, state: "{}" })
      expect(container.innerHTML, `action ${actionId}`).toBe(await freshRender(modelAfter(script, actionId)))
      expect((await root.history.info()).traveling).toBe(actionId - 1)
    }
    await deliver(bridge, root, { type: "DISPATCH", payload: { type: "JUMP_TO_STATE", index: 2 } })
    expect(container.innerHTML).toBe(await freshRender(modelAfter(script, 2)))
    await deliver(bridge, root, { type: "DISPATCH", payload: { type: "JUMP_TO_ACTION", actionId: script.length } })
    expect((await root.history.info()).traveling).toBe(null)
    expect(container.innerHTML).toBe(present)
    expect(errors).toEqual([])
  })

  it("a message dispatched while the extension shows the past is sent once the user returns to the last state", async () => {
    const { root, container, bridge } = await connected()
    await deliver(bridge, root, { type: "DISPATCH", payload: { type: "JUMP_TO_ACTION", actionId: 1 } })
    root.dispatch({ type: "add", text: "held" })
    await root.flush()
    await bridge.flush()
    expect(fake.sends).toHaveLength(script.length)
    await deliver(bridge, root, { type: "DISPATCH", payload: { type: "JUMP_TO_ACTION", actionId: script.length } })
    await root.flush()
    await bridge.flush()
    expect(fake.sends).toHaveLength(script.length + 1)
    expect(fake.sends.at(-1)!.action).toEqual({ type: "add", text: "held", "shuttle/lane": "default" })
    expect([...container.querySelectorAll("li")].map((li) => li.textContent)).toEqual([...modelAfter(script, script.length).items, "held"])
  })

  it("with maxAge exceeded, JUMP_TO_STATE's index counts from the first state the extension keeps", async () => {
    const { root, container, bridge } = await connected(script, { maxAge: 3 })
    // 5 sent, the extension keeps 3 states: after actions 3, 4, 5 (messages 2, 3, 4).
    await deliver(bridge, root, { type: "DISPATCH", payload: { type: "JUMP_TO_STATE", index: 0 } })
    expect((await root.history.info()).traveling).toBe(2)
    expect(container.innerHTML).toBe(await freshRender(modelAfter(script, 3)))
  })

  it("a jump to an action never sent is reported and changes nothing", async () => {
    const { root, container, bridge } = await connected()
    const before = container.innerHTML
    await deliver(bridge, root, { type: "DISPATCH", payload: { type: "JUMP_TO_ACTION", actionId: 99 } })
    expect(errors.map((error) => error.message)).toEqual([expect.stringContaining("action 99")])
    expect(container.innerHTML).toBe(before)
    expect((await root.history.info()).traveling).toBe(null)
  })
})

describe("COMMIT, ROLLBACK, RESET", () => {
  it("COMMIT starts the extension's list at the present and keeps Shuttle's history; ROLLBACK restores the committed model", async () => {
    const { root, container, bridge } = await connected()
    await deliver(bridge, root, { type: "DISPATCH", payload: { type: "JUMP_TO_ACTION", actionId: 1 } })
    await deliver(bridge, root, { type: "DISPATCH", payload: { type: "COMMIT" } })
    expect((await root.history.info()).traveling).toBe(null)
    expect(fake.inits.at(-1)).toEqual(modelAfter(script, script.length))
    expect(fake.sends).toEqual([])
    expect(await root.history.info()).toMatchObject({ start: 0, end: script.length })
    const committed = container.innerHTML
    root.dispatch({ type: "add", text: "later" })
    await root.flush()
    await bridge.flush()
    expect(fake.sends.map((sent) => sent.action)).toEqual([{ type: "add", text: "later", "shuttle/lane": "default" }])
    await deliver(bridge, root, { type: "DISPATCH", payload: { type: "ROLLBACK" }, state: "{}" })
    expect(container.innerHTML).toBe(committed)
    expect(fake.inits.at(-1)).toEqual(modelAfter(script, script.length))
    expect(fake.sends).toEqual([])
    // The app goes on from the restored model, and the bridge with it.
    root.dispatch({ type: "remove" })
    await root.flush()
    await bridge.flush()
    expect(fake.sends.map((sent) => sent.state)).toEqual([update(modelAfter(script, script.length), { type: "remove" })])
    expect(errors).toEqual([])
  })

  it("RESET restores the oldest model the history holds", async () => {
    const { root, container, bridge } = await connected()
    await deliver(bridge, root, { type: "DISPATCH", payload: { type: "RESET" } })
    expect(container.innerHTML).toBe(await freshRender(init))
    expect(fake.inits.at(-1)).toEqual(init)
    expect(await root.history.info()).toMatchObject({ start: 0, end: 0 })
    expect(errors).toEqual([])
  })
})

describe("IMPORT_STATE and typed actions", () => {
  it("the extension's lifted state imported into another root: same present, its points reachable, the extension lists them", async () => {
    const first = await connected()
    const lifted = JSON.parse(JSON.stringify(fake.lifted())) as unknown
    const firstDom = first.container.innerHTML
    first.bridge.disconnect() // the fake is one extension window: only the second root listens to it now
    const second = await connected([])
    await deliver(second.bridge, second.root, { type: "DISPATCH", payload: { type: "IMPORT_STATE", nextLiftedState: lifted } })
    expect(errors).toEqual([])
    expect(second.container.innerHTML).toBe(firstDom)
    expect(await second.root.history.export()).toMatchObject({ msgs: script, lanes: script.map(() => 2) })
    expect(fake.inits.at(-1)).toEqual(init)
    expect(fake.sends.map((sent) => sent.state)).toEqual(script.map((_, i) => modelAfter(script, i + 1)))
    await deliver(second.bridge, second.root, { type: "DISPATCH", payload: { type: "JUMP_TO_ACTION", actionId: 2 } })
    expect(second.container.innerHTML).toBe(await freshRender(modelAfter(script, 2)))
  })

  it("a Shuttle history file imported through the extension is given to root.history.import", async () => {
    const first = await connected()
    const file = JSON.parse(JSON.stringify(await first.root.history.export())) as unknown
    first.bridge.disconnect()
    const second = await connected([{ type: "add", text: "other" }])
    await deliver(second.bridge, second.root, { type: "DISPATCH", payload: { type: "IMPORT_STATE", nextLiftedState: file } })
    expect(errors).toEqual([])
    expect(second.container.innerHTML).toBe(first.container.innerHTML)
    expect(fake.sends.map((sent) => sent.action)).toEqual(script.map((msg) => ({ ...msg, "shuttle/lane": "default" })))
  })

  it("a lifted state whose first model was omitted for its size is refused, and the root is unchanged", async () => {
    const { root, container, bridge } = await connected([{ type: "add", text: "x" }])
    const lifted = { actionsById: { 0: { action: { type: "@@INIT" } } }, computedStates: [{ state: { "shuttle/omitted": true, bytes: 10_010 } }], stagedActionIds: [0] }
    const before = container.innerHTML
    await deliver(bridge, root, { type: "DISPATCH", payload: { type: "IMPORT_STATE", nextLiftedState: lifted } })
    expect(errors).toEqual([expect.any(StateError)])
    expect(errors[0]!.message).toContain("root.history.export()")
    expect(container.innerHTML).toBe(before)
  })

  it("ACTION dispatches the typed JSON as a message; text that is not JSON is reported, never run", async () => {
    const { root, container, bridge } = await connected([])
    await deliver(bridge, root, { type: "ACTION", payload: "{\"type\": \"add\", \"text\": \"typed\"}" })
    await bridge.flush()
    expect([...container.querySelectorAll("li")].map((li) => li.textContent)).toEqual(["typed"])
    expect(fake.sends.map((sent) => sent.action)).toEqual([{ type: "add", text: "typed", "shuttle/lane": "default" }])
    await deliver(bridge, root, { type: "ACTION", payload: "{ type: 'remove' }" })
    expect(errors.map((error) => error.message)).toEqual([expect.stringContaining("not JSON")])
    expect(container.querySelectorAll("li")).toHaveLength(1)
  })
})

describe("connecting and disconnecting", () => {
  it("disconnect unsubscribes from the extension and the root, and resumes the present it left", async () => {
    const { root, container, bridge } = await connected()
    const present = container.innerHTML
    await deliver(bridge, root, { type: "DISPATCH", payload: { type: "JUMP_TO_ACTION", actionId: 1 } })
    bridge.disconnect()
    expect(fake.unsubscribed).toBe(1)
    expect(fake.listeners.size).toBe(0)
    await root.flush()
    expect((await root.history.info()).traveling).toBe(null)
    expect(container.innerHTML).toBe(present)
    const sent = fake.sends.length
    root.dispatch({ type: "remove" })
    await root.flush()
    await bridge.flush()
    expect(fake.sends).toHaveLength(sent)
  })

  it("a root without the history option is refused with a message naming it", async () => {
    const { root } = mount({ init, update, view })
    await root.flush()
    const refused = await connectReduxDevTools(root).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(StateError)
    expect(refused).toMatchObject({ kind: "HistoryUnavailable", message: expect.stringContaining("history: true") })
    expect(fake.connects).toEqual([])
  })

  it("without the extension: a bridge that does nothing, said once with console.info", async () => {
    delete (window as unknown as Record<string, unknown>).__REDUX_DEVTOOLS_EXTENSION__
    const info = vi.spyOn(console, "info").mockImplementation(() => {})
    try {
      const { root } = mount({ init, update, view })
      const first = await connectReduxDevTools(root)
      const second = await connectReduxDevTools(root)
      expect(first.connected).toBe(false)
      expect(second.connected).toBe(false)
      expect(info).toHaveBeenCalledTimes(1)
      expect(String(info.mock.calls[0]![0])).toContain("Redux DevTools extension is not on this page")
      first.disconnect()
    } finally {
      info.mockRestore()
    }
  })
})

describe("actions and sizes", () => {
  it("messageToAction and actionToMessage round-trip every kind of message", () => {
    const msgs: unknown[] = [{ type: "add", text: "a" }, { text: "untyped" }, "tick", 42, null, true, [1, 2], { type: 3, lane: "mine" }]
    for (const msg of msgs) {
      const action = messageToAction(msg, 3)
      expect(action.type).toBeDefined()
      expect(action["shuttle/lane"]).toBe("transition")
      expect(actionToMessage(JSON.parse(JSON.stringify(action)))).toEqual(msg)
    }
    expect(messageToAction("tick", 2).type).toBe("tick")
    expect(messageToAction({ text: "x" }, 2).type).toBe("message")
  })

  it("estimateJsonBytes is close to JSON's length for plain data, stops past the limit, and ends cycles", () => {
    const data = { rows: Array.from({ length: 100 }, (_, i) => ({ id: i, label: `row ${i}`, done: i % 2 === 0 })) }
    const json = JSON.stringify(data).length
    const estimate = estimateJsonBytes(data, Infinity)
    expect(estimate).toBeGreaterThan(json * 0.7)
    expect(estimate).toBeLessThan(json * 1.5)
    expect(estimateJsonBytes({ a: "x".repeat(1000), b: "y".repeat(1000) }, 100)).toBeLessThan(1100)
    const cyclic: Record<string, unknown> = { name: "loop" }
    cyclic.self = cyclic
    expect(estimateJsonBytes(cyclic, Infinity)).toBeGreaterThan(0)
  })
})
