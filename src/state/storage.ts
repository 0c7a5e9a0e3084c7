import { InvalidOptionError } from "../../protocol/errors.ts"

/**
 * Where a persisted model is kept (`createRoot`'s `persist.storage`). Values go in and
 * come out as structured-clone copies, as with IndexedDB: later changes to the caller's
 * object must not reach the stored one. Every method may reject; the persistence layer
 * turns a rejection into a `StateError` and never lets it escape.
 *
 * @since 0.1.0
 */
export interface PersistStorage {
  /** The value under `key`, or `undefined` when there is none. */
  get(key: string): Promise<unknown>
  /** Stores `value` under `key`; resolves once it is stored (durably, where the storage can say). */
  set(key: string, value: unknown): Promise<void>
  /** Removes `key`; resolves also when it was absent. */
  delete(key: string): Promise<void>
}

/** Where `indexedDbStorage` keeps values. */
export interface IndexedDbStorageOptions {
  /** Database name. Default "shuttle". */
  readonly database?: string
  /** Object store name (created when missing). Default "models". */
  readonly store?: string
}

/**
 * A storage in the page's IndexedDB: one database and object store, values stored by
 * structured clone (so a model may hold Maps, Dates, typed arrays…, not functions).
 * Nothing touches `indexedDB` until the first `get`, `set` or `delete`; the connection
 * opened then is reused, closed when another tab upgrades the database, and opened
 * again on the next call. Writes resolve when their transaction completes.
 *
 * @since 0.1.0
 * @example
 * createRoot(app, startWorker, { persist: { key: "todos", storage: indexedDbStorage({ database: "my-app" }) } })
 */
export function indexedDbStorage(options: IndexedDbStorageOptions = {}): PersistStorage {
  const database = options.database ?? "shuttle"
  const store = options.store ?? "models"
  if (typeof database !== "string" || database === "") throw new InvalidOptionError("indexedDbStorage.database", database, "a non-empty string")
  if (typeof store !== "string" || store === "") throw new InvalidOptionError("indexedDbStorage.store", store, "a non-empty string")
  return new IndexedDbStorage(database, store)
}

/**
 * A storage in this page's memory (a Map of structured-clone copies): for tests, for
 * server rendering, and for a page that wants the writer's behaviour without keeping
 * anything across loads.
 *
 * @since 0.1.0
 */
export function memoryStorage(): PersistStorage {
  return new MemoryStorage()
}

class MemoryStorage implements PersistStorage {
  private readonly values = new Map<string, unknown>()

  get(key: string): Promise<unknown> {
    try {
      return Promise.resolve(this.values.has(key) ? structuredClone(this.values.get(key)) : undefined)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  set(key: string, value: unknown): Promise<void> {
    try {
      // Cloned now, as IndexedDB does: a value that cannot be cloned fails here (DataCloneError).
      this.values.set(key, structuredClone(value))
      return Promise.resolve()
    } catch (error) {
      return Promise.reject(error)
    }
  }

  delete(key: string): Promise<void> {
    this.values.delete(key)
    return Promise.resolve()
  }
}

class IndexedDbStorage implements PersistStorage {
  /** The connection, opening or open; null before the first call and after it closed. */
  private connection: Promise<IDBDatabase> | null = null

  private readonly database: string
  private readonly store: string

  constructor(database: string, store: string) {
    this.database = database
    this.store = store
  }

  get(key: string): Promise<unknown> {
    return this.run("readonly", (store) => store.get(key))
  }

  set(key: string, value: unknown): Promise<void> {
    return this.run("readwrite", (store) => store.put(value, key)).then(ignore)
  }

  delete(key: string): Promise<void> {
    return this.run("readwrite", (store) => store.delete(key)).then(ignore)
  }

  /** One request in its own transaction; resolves with its result when the transaction completes. */
  private run(mode: IDBTransactionMode, request: (store: IDBObjectStore) => IDBRequest): Promise<unknown> {
    return this.open().then((db) => new Promise<unknown>((resolve, reject) => {
      let transaction: IDBTransaction
      let pending: IDBRequest
      try {
        transaction = db.transaction(this.store, mode)
        pending = request(transaction.objectStore(this.store))
        // One request per transaction: commit it now rather than when the task ends, so a
        // write made at `pagehide` is sent before the page goes.
        transaction.commit?.()
      } catch (error) {
        // The browser closed the connection under us (InvalidStateError): open a new one next time.
        this.forget(db)
        reject(error)
        return
      }
      transaction.oncomplete = () => resolve(pending.result)
      // A quota failure arrives here as the transaction's error (QuotaExceededError).
      transaction.onabort = () => reject(transaction.error ?? pending.error ?? new DOMException("The transaction was aborted.", "AbortError"))
    }))
  }

  private open(): Promise<IDBDatabase> {
    if (this.connection === null) {
      const opening = openDatabase(this.database, this.store).then((db) => {
        // Another tab wants a newer version: let it, and reopen on our next call.
        db.onversionchange = () => this.forget(db)
        db.onclose = () => this.forget(db)
        return db
      })
      opening.catch(() => {
        if (this.connection === opening) this.connection = null
      })
      this.connection = opening
    }
    return this.connection
  }

  private forget(db: IDBDatabase): void {
    db.close()
    const current = this.connection
    if (current !== null) current.then((open) => { if (open === db && this.connection === current) this.connection = null }, ignore)
  }
}

/** Opens `name` with `store` in it; a database without the store is upgraded to one version more. */
function openDatabase(name: string, store: string, version?: number): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === "undefined") {
      reject(new Error("IndexedDB is not available here, so give persist.storage another storage (memoryStorage() or your own)"))
      return
    }
    let settled = false
    const request = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version)
    request.onupgradeneeded = () => {
      const db = request.result
      if (!db.objectStoreNames.contains(store)) db.createObjectStore(store)
    }
    request.onsuccess = () => {
      // Refused as blocked already: do not hold a connection nobody uses.
      if (settled) request.result.close()
      else resolve(request.result)
      settled = true
    }
    request.onerror = () => {
      settled = true
      reject(request.error)
    }
    // Another tab holds the database open and does not close it for our upgrade: fail now
    // rather than leave the root waiting for its stored model.
    request.onblocked = () => {
      settled = true
      reject(new DOMException(`IndexedDB database "${name}" is held open by another tab at an older version, so close that tab`, "BlockedError"))
    }
  }).then((db) => {
    if (db.objectStoreNames.contains(store)) return db
    const next = db.version + 1
    db.close()
    return openDatabase(name, store, next)
  })
}

function ignore(): void {}
