// @vitest-environment happy-dom
import * as Schema from "effect/Schema"
import { describe, expect, it } from "vitest"
import { type ShuttleError, StateError } from "../../protocol/errors.ts"
import { persistedRecord, rejectedKey } from "../../src/state/persistence.ts"
import { memoryStorage, type PersistStorage } from "../../src/state/storage.ts"
import { h } from "../../workers/h.ts"
import type { Program } from "../../workers/program.ts"
import { withSchemas } from "../../workers/state/schemas.ts"
import { useRoots } from "../_util/harness.ts"
import { until } from "../_util/wait.ts"

/**
 * The `persist` option through the whole root (worker runtime in this thread, page root,
 * a storage): the model comes back before the first commit, and a stored record that
 * cannot be used is reported, kept aside, and the app starts from init. IndexedDB itself
 * is proven in Chromium (test/browser/state.test.ts).
 */
const { mount } = useRoots()

interface Model {
  readonly count: number
}
type Msg = { readonly type: "inc" }
const program: Program<Model, Msg> = {
  init: { count: 0 },
  update: (model) => ({ count: model.count + 1 }),
  view: (model) => h("p", null, `count ${model.count}`)
}

/** Mounts `app` with persistence on `storage`; records every commit's DOM and every error. */
function mountPersisted(storage: PersistStorage, app: Program<Model, Msg> = program) {
  const shown: string[] = []
  const errors: ShuttleError[] = []
  const mounted = mount(app, {
    persist: { key: "counter", storage, debounceMs: 0 },
    onCommit: () => shown.push(mounted.container.textContent ?? ""),
    onError: (error) => errors.push(error)
  })
  return { ...mounted, shown, errors }
}

async function countTo(storage: PersistStorage, n: number): Promise<void> {
  const first = mountPersisted(storage)
  for (let i = 0; i < n; i++) first.root.dispatch({ type: "inc" })
  await first.root.flush()
  // Unmount saves the last snapshot.
  await first.root.unmount()
}

describe("persist", () => {
  it("the model comes back in the next root before its first commit: no flash of init", async () => {
    const storage = memoryStorage()
    await countTo(storage, 3)
    // The last snapshot, and the messages after it that the worker had not snapshotted yet.
    const record = await storage.get("counter") as { model: Model; replay: Array<{ msg: Msg }> }
    expect(record).toMatchObject({ format: "shuttle-model", version: 1, modelHash: "" })
    expect(record.model.count + record.replay.filter((entry) => entry.msg.type === "inc").length).toBe(3)
    const second = mountPersisted(storage)
    await second.root.flush()
    expect(second.shown[0]).toBe("count 3")
    expect(second.errors).toEqual([])
  })

  it("messages the worker had not snapshotted when the page went are stored with the model, and folded again (no command runs twice)", async () => {
    const storage = memoryStorage()
    const first = mountPersisted(storage)
    await first.root.flush()
    // Many messages at once: the worker's next snapshot is up to 250 ms away when the root goes.
    for (let i = 0; i < 5; i++) first.root.dispatch({ type: "inc" })
    await first.root.flush()
    await first.root.unmount()
    const record = await storage.get("counter") as { replay: unknown[] }
    expect(record.replay.length).toBeGreaterThan(0)
    const second = mountPersisted(storage)
    await second.root.flush()
    expect(second.shown[0]).toBe("count 5")
  })

  it("a dispatch made while the stored model is read is not lost", async () => {
    const storage = memoryStorage()
    await countTo(storage, 2)
    const second = mountPersisted(storage)
    second.root.dispatch({ type: "inc" })
    await second.root.flush()
    expect(second.container.textContent).toBe("count 3")
  })

  it("a record Shuttle did not write: PersistCorrupt, kept aside, the app starts from init", async () => {
    const storage = memoryStorage()
    await storage.set("counter", { some: "garbage" })
    const root = mountPersisted(storage)
    await root.root.flush()
    expect(root.shown[0]).toBe("count 0")
    expect(root.errors).toHaveLength(1)
    expect(root.errors[0]).toMatchObject({ _tag: "StateError", kind: "PersistCorrupt" })
    expect(await storage.get("counter")).toBeUndefined()
  })

  it("a model from a program with another model schema: refused, kept aside, init; the app goes on", async () => {
    const storage = memoryStorage()
    const savedAt = 1_700_000_000_000
    await storage.set("counter", persistedRecord({ count: 41 }, "0badc0de", savedAt))
    const root = mountPersisted(storage)
    await root.root.flush()
    expect(root.shown[0]).toBe("count 0")
    await until(() => root.errors.length > 0, "the refusal")
    expect(root.errors[0]).toBeInstanceOf(StateError)
    expect(root.errors[0]).toMatchObject({ kind: "HistoryIncompatible", message: expect.stringContaining("0badc0de") })
    let aside: unknown
    await until(() => {
      void storage.get(rejectedKey("counter", savedAt)).then((value) => (aside = value))
      return aside !== undefined
    }, "the record kept aside")
    expect(aside).toMatchObject({ model: { count: 41 } })
    root.root.dispatch({ type: "inc" })
    await root.root.flush()
    expect(root.container.textContent).toBe("count 1")
  })

  it("with a model Schema, a stored model that does not decode is refused with its path", async () => {
    const storage = memoryStorage()
    await storage.set("counter", persistedRecord({ count: "many" }, "0badc0de", 1))
    const checked = withSchemas(program, { model: Schema.Struct({ count: Schema.Number }) })
    const root = mountPersisted(storage, checked)
    await root.root.flush()
    expect(root.shown[0]).toBe("count 0")
    await until(() => root.errors.length > 0, "the refusal")
    expect(root.errors[0]).toMatchObject({ kind: "ModelRejected", path: "[\"count\"]" })
  })

  it("a storage out of room: PersistQuota once, the app keeps working", async () => {
    const full: PersistStorage = {
      get: () => Promise.resolve(undefined),
      set: () => Promise.reject(new DOMException("full", "QuotaExceededError")),
      delete: () => Promise.resolve()
    }
    const root = mountPersisted(full)
    root.root.dispatch({ type: "inc" })
    await root.root.flush()
    await until(() => root.errors.length > 0, "the quota error")
    expect(root.errors[0]).toMatchObject({ kind: "PersistQuota" })
    root.root.dispatch({ type: "inc" })
    await root.root.flush()
    expect(root.container.textContent).toBe("count 2")
  })
})

describe("checked messages", () => {
  it("a dispatched message that does not decode is refused with its path; the model is untouched and later messages apply", async () => {
    const errors: ShuttleError[] = []
    const checked = withSchemas(program, { msg: Schema.Struct({ type: Schema.Literal("inc") }) })
    const { root, container } = mount(checked, { onError: (error) => errors.push(error) })
    root.dispatch({ type: "inc" })
    root.dispatch({ type: "incc" } as never)
    root.dispatch({ type: "inc" })
    await root.flush()
    expect(container.textContent).toBe("count 2")
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ _tag: "StateError", kind: "MessageRejected", path: "[\"type\"]" })
  })
})
