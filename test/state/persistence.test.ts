// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { InvalidOptionError, StateError } from "../../protocol/errors.ts"
import {
  DEFAULT_DEBOUNCE_MS,
  moveAside,
  persistedRecord,
  type PersistedRecord,
  PersistWriter,
  readPersisted,
  rejectedKey,
  type ResolvedPersist,
  resolvePersist
} from "../../src/state/persistence.ts"
import { indexedDbStorage, memoryStorage, type PersistStorage } from "../../src/state/storage.ts"

/**
 * The storage layer of model persistence, with fake storages: the debounced writer
 * (coalescing, newest wins, no overlap, pagehide and hidden pages, quota and other
 * failures, stop), reading a record (absent, corrupt, failing), keeping refused records
 * aside, and the option's checks. IndexedDB itself is tested in Chromium.
 */

/** A Map-backed storage that logs every call, with switches for failures and slow writes. */
class FakeStorage implements PersistStorage {
  readonly values = new Map<string, unknown>()
  readonly calls: string[] = []
  /** Set: every `set` rejects with this. */
  setError: unknown = null
  /** Set: every `get` rejects with this. */
  getError: unknown = null
  /** Set: `set` waits for `release()` before it stores. */
  hold = false
  inFlight = 0
  maxInFlight = 0
  private held: Array<() => void> = []

  get(key: string): Promise<unknown> {
    this.calls.push(`get ${key}`)
    if (this.getError !== null) return Promise.reject(this.getError)
    return Promise.resolve(this.values.get(key))
  }

  async set(key: string, value: unknown): Promise<void> {
    this.calls.push(`set ${key}`)
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve))
      if (this.setError !== null) throw this.setError
      this.values.set(key, structuredClone(value))
    } finally {
      this.inFlight--
    }
  }

  delete(key: string): Promise<void> {
    this.calls.push(`delete ${key}`)
    this.values.delete(key)
    return Promise.resolve()
  }

  release(): void {
    const held = this.held
    this.held = []
    for (const resolve of held) resolve()
  }

  sets(): number {
    return this.calls.filter((call) => call.startsWith("set ")).length
  }
}

const quotaError = () => new DOMException("The quota has been exceeded.", "QuotaExceededError")

function persistOn(storage: PersistStorage, debounceMs = DEFAULT_DEBOUNCE_MS): ResolvedPersist {
  const resolved = resolvePersist({ key: "app", storage, debounceMs })
  if (resolved === null) throw new Error("persist resolved to off")
  return resolved
}

function stored(storage: FakeStorage, key = "app"): PersistedRecord {
  return storage.values.get(key) as PersistedRecord
}

describe("PersistWriter", () => {
  let writers: PersistWriter[] = []
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 })
  })
  afterEach(() => {
    for (const writer of writers) writer.stop()
    writers = []
    vi.useRealTimers()
  })

  function writer(storage: FakeStorage, errors: StateError[] = [], debounceMs = DEFAULT_DEBOUNCE_MS): PersistWriter {
    const made = new PersistWriter(persistOn(storage, debounceMs), (error) => errors.push(error))
    writers.push(made)
    return made
  }

  it("coalesces 100 changes into one write of the last model, debounceMs after the last change", async () => {
    const storage = new FakeStorage()
    const persist = writer(storage)
    for (let i = 1; i <= 100; i++) {
      persist.changed({ count: i }, "hash-a")
      await vi.advanceTimersByTimeAsync(10)
    }
    expect(storage.sets()).toBe(0)
    await vi.advanceTimersByTimeAsync(DEFAULT_DEBOUNCE_MS - 11)
    expect(storage.sets()).toBe(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(storage.calls).toEqual(["set app"])
    expect(stored(storage)).toEqual({ format: "shuttle-model", version: 1, modelHash: "hash-a", savedAt: Date.now(), model: { count: 100 }, replay: [] })
    expect(persist.writes).toBe(1)
    await vi.advanceTimersByTimeAsync(10 * DEFAULT_DEBOUNCE_MS)
    expect(storage.sets()).toBe(1)
  })

  it("writes under changes that never pause, once the oldest is 10 debounce periods old", async () => {
    const storage = new FakeStorage()
    const persist = writer(storage, [], 100)
    for (let i = 1; i <= 250; i++) {
      persist.changed(i, "h")
      await vi.advanceTimersByTimeAsync(50)
    }
    // Changes every 50 ms for 12.5 s, debounce 100 ms: a write every 1,000 ms or so, each of a then-current model.
    expect(storage.sets()).toBeGreaterThanOrEqual(11)
    expect(storage.sets()).toBeLessThanOrEqual(13)
    expect(stored(storage).model).toBeGreaterThan(230)
  })

  it("writes at once on pagehide, and when the page is hidden", async () => {
    const storage = new FakeStorage()
    const persist = writer(storage)
    persist.changed("first", "h")
    window.dispatchEvent(new Event("pagehide"))
    await vi.advanceTimersByTimeAsync(0)
    expect(storage.calls).toEqual(["set app"])
    expect(stored(storage).model).toBe("first")

    persist.changed("second", "h")
    Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true })
    document.dispatchEvent(new Event("visibilitychange"))
    await vi.advanceTimersByTimeAsync(0)
    expect(storage.sets()).toBe(1)
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true })
    document.dispatchEvent(new Event("visibilitychange"))
    await vi.advanceTimersByTimeAsync(0)
    expect(storage.sets()).toBe(2)
    expect(stored(storage).model).toBe("second")
    // The debounce timer was cancelled by the flush: nothing more to write.
    await vi.advanceTimersByTimeAsync(DEFAULT_DEBOUNCE_MS * 2)
    expect(storage.sets()).toBe(2)
    Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true })
  })

  it("never overlaps writes, and writes only the newest model after the one in flight", async () => {
    const storage = new FakeStorage()
    storage.hold = true
    const persist = writer(storage)
    persist.changed("a", "h")
    await vi.advanceTimersByTimeAsync(DEFAULT_DEBOUNCE_MS)
    expect(storage.inFlight).toBe(1)
    for (const model of ["b", "c", "d"]) {
      persist.changed(model, "h")
      await vi.advanceTimersByTimeAsync(DEFAULT_DEBOUNCE_MS)
    }
    const flushed = persist.flushNow()
    persist.changed("e", "h")
    await vi.advanceTimersByTimeAsync(DEFAULT_DEBOUNCE_MS)
    expect(storage.sets()).toBe(1)
    storage.hold = false
    storage.release()
    await flushed
    expect(storage.maxInFlight).toBe(1)
    // "a" in flight, then only the newest: "e" (b, c and d were never written).
    expect(storage.calls).toEqual(["set app", "set app"])
    expect(stored(storage).model).toBe("e")
    expect(persist.busy).toBe(false)
  })

  it("reports a full storage as PersistQuota, once per run, and the last good record stays", async () => {
    const storage = new FakeStorage()
    const errors: StateError[] = []
    const persist = writer(storage, errors)
    persist.changed({ rows: 1 }, "h")
    await persist.flushNow()
    const good = stored(storage)

    storage.setError = quotaError()
    persist.changed({ rows: 2 }, "h")
    await persist.flushNow()
    persist.changed({ rows: 3 }, "h")
    await persist.flushNow()
    expect(errors.map((error) => error.kind)).toEqual(["PersistQuota"])
    expect(errors[0]).toBeInstanceOf(StateError)
    expect(errors[0].message).toMatch(/^PersistQuota: The storage is full, so the model was not saved under "app"/)
    expect(errors[0].cause).toBe(storage.setError)
    expect(stored(storage)).toEqual(good)
    expect(persist.failures).toBe(2)

    // A legacy code-22 error is a quota error too; after a success, a new run is reported again.
    storage.setError = null
    persist.changed({ rows: 4 }, "h")
    await persist.flushNow()
    storage.setError = Object.assign(new Error("full"), { code: 22 })
    persist.changed({ rows: 5 }, "h")
    await persist.flushNow()
    expect(errors.map((error) => error.kind)).toEqual(["PersistQuota", "PersistQuota"])
    expect(stored(storage).model).toEqual({ rows: 4 })
  })

  it("reports other write failures as PersistFailed, a storage that throws included", async () => {
    const errors: StateError[] = []
    const throwing: PersistStorage = {
      get: () => Promise.resolve(undefined),
      set: () => { throw new TypeError("not today") },
      delete: () => Promise.resolve()
    }
    const persist = new PersistWriter(persistOn(throwing), (error) => errors.push(error))
    writers.push(persist)
    persist.changed(1, "h")
    await persist.flushNow()
    expect(errors.map((error) => [error.kind, error.cause])).toEqual([["PersistFailed", expect.any(TypeError)]])
    expect(errors[0].message).toContain("(not today)")

    // A model that cannot be cloned fails in the storage, not in the writer.
    const memory = new PersistWriter(persistOn(memoryStorage()), (error) => errors.push(error))
    writers.push(memory)
    memory.changed({ run: () => 1 }, "h")
    await memory.flushNow()
    expect(errors.map((error) => error.kind)).toEqual(["PersistFailed", "PersistFailed"])
    expect(memory.writes).toBe(0)
  })

  it("writes nothing after stop(), and removes its listeners", async () => {
    const storage = new FakeStorage()
    const removed = vi.spyOn(window, "removeEventListener")
    const removedOnDocument = vi.spyOn(document, "removeEventListener")
    const persist = writer(storage)
    persist.changed("pending", "h")
    persist.stop()
    expect(removed.mock.calls.map((call) => call[0])).toEqual(["pagehide"])
    expect(removedOnDocument.mock.calls.map((call) => call[0])).toEqual(["visibilitychange"])
    removed.mockRestore()
    removedOnDocument.mockRestore()

    await vi.advanceTimersByTimeAsync(DEFAULT_DEBOUNCE_MS * 20)
    window.dispatchEvent(new Event("pagehide"))
    persist.changed("after stop", "h")
    await persist.flushNow()
    await vi.advanceTimersByTimeAsync(DEFAULT_DEBOUNCE_MS * 20)
    expect(storage.calls).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })

  it("lets a write in flight at stop() end and report, and starts none after it", async () => {
    const storage = new FakeStorage()
    storage.hold = true
    storage.setError = quotaError()
    const errors: StateError[] = []
    const persist = writer(storage, errors)
    persist.changed("a", "h")
    const flushed = persist.flushNow()
    persist.changed("b", "h")
    void persist.flushNow()
    persist.stop()
    storage.release()
    await flushed
    expect(storage.calls).toEqual(["set app"])
    expect(errors.map((error) => error.kind)).toEqual(["PersistQuota"])
  })
})

describe("readPersisted", () => {
  it("returns nothing and no error when nothing is stored", async () => {
    const storage = new FakeStorage()
    expect(await readPersisted(persistOn(storage))).toEqual({ record: null, error: null })
    expect(storage.calls).toEqual(["get app"])
  })

  it("returns a stored record as it is", async () => {
    const storage = new FakeStorage()
    const record = persistedRecord({ todos: ["a"] }, "hash-1", 1234)
    storage.values.set("app", record)
    expect(await readPersisted(persistOn(storage))).toEqual({ record, error: null })
    expect(storage.calls).toEqual(["get app"])
  })

  it.each([
    ["a string", "garbage", /the stored value is "garbage", not a record/],
    ["null", null, /the stored value is null, not a record/],
    ["another format", { format: "other", version: 1, modelHash: "h", savedAt: 5, model: 1 }, /its format is "other"/],
    ["a newer version", { format: "shuttle-model", version: 2, modelHash: "h", savedAt: 5, model: 1 }, /its version is number 2/],
    ["no hash", { format: "shuttle-model", version: 1, savedAt: 5, model: 1 }, /its modelHash is undefined/],
    ["no model", { format: "shuttle-model", version: 1, modelHash: "h", savedAt: 5 }, /it has no model/]
  ])("keeps %s aside under the rejected key, deletes the key and reports PersistCorrupt", async (_name, garbage, problem) => {
    const storage = new FakeStorage()
    storage.values.set("app", garbage)
    const { record, error } = await readPersisted(persistOn(storage), () => 777)
    expect(record).toBeNull()
    expect(error).toBeInstanceOf(StateError)
    expect(error?.kind).toBe("PersistCorrupt")
    expect(error?.message).toMatch(problem)
    const savedAt = typeof garbage === "object" && garbage !== null ? 5 : 777
    const aside = rejectedKey("app", savedAt)
    expect(aside).toBe(`app:rejected:${savedAt}`)
    expect(error?.message).toContain(`it is kept under "${aside}"`)
    expect(storage.calls).toEqual(["get app", `set ${aside}`, "delete app"])
    expect(storage.values.has("app")).toBe(false)
    expect(storage.values.get(aside)).toEqual(garbage)
  })

  it("reports a corrupt record it could not keep aside, and leaves it under its key", async () => {
    const storage = new FakeStorage()
    storage.values.set("app", 42)
    storage.setError = quotaError()
    const { record, error } = await readPersisted(persistOn(storage), () => 9)
    expect(record).toBeNull()
    expect(error?.kind).toBe("PersistCorrupt")
    expect(error?.message).toContain("it could not be kept aside")
    expect((error?.cause as StateError).kind).toBe("PersistQuota")
    expect(storage.values.get("app")).toBe(42)
    expect(storage.calls).toEqual(["get app", "set app:rejected:9"])
  })

  it("reports a storage that fails to read as PersistFailed, and touches nothing", async () => {
    const storage = new FakeStorage()
    storage.values.set("app", persistedRecord(1, "h", 1))
    storage.getError = new DOMException("The connection was lost.", "UnknownError")
    const { record, error } = await readPersisted(persistOn(storage))
    expect(record).toBeNull()
    expect(error?.kind).toBe("PersistFailed")
    expect(error?.message).toContain("(The connection was lost)")
    expect(error?.cause).toBe(storage.getError)
    expect(storage.calls).toEqual(["get app"])
  })
})

describe("moveAside", () => {
  it("keeps a record the program refused under its savedAt, and deletes the key", async () => {
    const storage = new FakeStorage()
    const record = persistedRecord({ old: true }, "old-hash", 4242)
    storage.values.set("app", record)
    expect(await moveAside(persistOn(storage), record, "ModelRejected: no field old")).toBeNull()
    expect(storage.values.get("app:rejected:4242")).toEqual(record)
    expect(storage.values.has("app")).toBe(false)
  })

  it("reports a failed delete as PersistFailed; the record is kept under both keys", async () => {
    const storage = new FakeStorage()
    storage.delete = () => Promise.reject(new Error("locked"))
    storage.values.set("app", "x")
    const error = await moveAside(persistOn(storage), "x", "not a record", () => 3)
    expect(error?.kind).toBe("PersistFailed")
    expect(error?.message).toContain("could not delete it (locked)")
    expect(storage.values.get("app:rejected:3")).toBe("x")
    expect(storage.values.get("app")).toBe("x")
  })
})

describe("resolvePersist", () => {
  it("is off for undefined and false, and fills in the defaults", () => {
    expect(resolvePersist(undefined)).toBeNull()
    expect(resolvePersist(false)).toBeNull()
    const storage = memoryStorage()
    expect(resolvePersist({ key: "k", storage })).toEqual({ key: "k", storage, debounceMs: 500 })
    expect(resolvePersist({ key: "k", storage, debounceMs: 0 })?.debounceMs).toBe(0)
  })

  it.each([
    [null, "persist"],
    ["todos", "persist"],
    [{}, "persist.key"],
    [{ key: "" }, "persist.key"],
    [{ key: 7 }, "persist.key"],
    [{ key: "k", storage: {} }, "persist.storage"],
    [{ key: "k", storage: { get() {}, set() {} } }, "persist.storage"],
    [{ key: "k", debounceMs: -1 }, "persist.debounceMs"],
    [{ key: "k", debounceMs: Number.NaN }, "persist.debounceMs"],
    [{ key: "k", debounceMs: "500" }, "persist.debounceMs"],
    [{ key: "k", debounce: 5 }, "persist.debounce"]
  ])("refuses %j, naming %s", (value, field) => {
    let thrown: unknown = null
    try {
      resolvePersist(value)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError)
    expect((thrown as InvalidOptionError).field).toBe(field)
    expect((thrown as InvalidOptionError).message).toMatch(new RegExp(`^Invalid option ${field.replace(".", "\\.")}: `))
  })
})

describe("storages", () => {
  it("memoryStorage stores copies, and get of a missing key is undefined", async () => {
    const storage = memoryStorage()
    const value = { list: [1, 2], at: new Date(5) }
    await storage.set("k", value)
    value.list.push(3)
    const read = await storage.get("k") as typeof value
    expect(read).toEqual({ list: [1, 2], at: new Date(5) })
    read.list.push(4)
    expect(await storage.get("k")).toEqual({ list: [1, 2], at: new Date(5) })
    await storage.delete("k")
    expect(await storage.get("k")).toBeUndefined()
    await expect(storage.set("f", () => 1)).rejects.toHaveProperty("name", "DataCloneError")
  })

  it("indexedDbStorage and the default storage do not touch indexedDB until a method is called", async () => {
    const touched: string[] = []
    const fake = new Proxy({}, { get: (_target, name) => { touched.push(String(name)); throw new Error("touched") } })
    vi.stubGlobal("indexedDB", fake)
    try {
      const storage = indexedDbStorage({ database: "d", store: "s" })
      const resolved = resolvePersist({ key: "k" })
      expect(typeof resolved?.storage.get).toBe("function")
      expect(touched).toEqual([])
      await expect(storage.get("k")).rejects.toThrow("touched")
      expect(touched).toEqual(["open"])
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it("indexedDbStorage without IndexedDB rejects with what to do, and its options are checked", async () => {
    vi.stubGlobal("indexedDB", undefined)
    try {
      await expect(indexedDbStorage().set("k", 1)).rejects.toThrow(/IndexedDB is not available here.*memoryStorage/)
    } finally {
      vi.unstubAllGlobals()
    }
    expect(() => indexedDbStorage({ database: "" })).toThrow(InvalidOptionError)
    expect(() => indexedDbStorage({ store: 3 as unknown as string })).toThrow(/indexedDbStorage\.store/)
  })
})
