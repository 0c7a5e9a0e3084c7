/**
 * Notes demo, main thread: mounts the notes app with its model kept in IndexedDB across
 * page loads (`persist`) and a message history for time travel (`history`).
 *
 * For the browser test (test/browser/state.test.ts) the page takes two URL parameters:
 * `?storage=quota` keeps the model in a storage whose every write fails as a full disk
 * does, and `?schema=v2` (passed on to the worker) runs the app's next deploy, whose
 * model Schema the records saved by this one no longer fit. `window.notesDemo` exposes
 * the root, the errors onError reported and the writes the full storage refused.
 */
import { createRoot, type PersistStorage, type Root, type ShuttleError } from "shuttle-ui"

interface ReportedError {
  readonly _tag: string
  readonly kind: string
  readonly path: string
  readonly message: string
}

declare global {
  interface Window {
    notesDemo?: { readonly root: Root; readonly errors: ReportedError[]; refusedWrites: number }
  }
}

const params = new URLSearchParams(location.search)
const container = document.getElementById("app")
if (container === null) throw new Error("index.html must contain an element with id 'app'")

const errors: ReportedError[] = []
/** Reads nothing, and refuses every write as a full disk does. */
const fullStorage: PersistStorage = {
  get: () => Promise.resolve(undefined),
  set: () => {
    demo.refusedWrites++
    return Promise.reject(new DOMException("full", "QuotaExceededError"))
  },
  delete: () => Promise.resolve()
}

const root = createRoot(container, new Worker(`./app.worker.js${location.search}`, { type: "module" }), {
  history: true,
  persist: params.get("storage") === "quota" ? { key: "notes", storage: fullStorage } : { key: "notes" },
  onError(error: ShuttleError) {
    const fields = error as Partial<Record<"kind" | "path", unknown>>
    errors.push({ _tag: error._tag, kind: String(fields.kind ?? ""), path: String(fields.path ?? ""), message: error.message })
    // A warning, not an error: a storage problem leaves the app working.
    console.warn(error)
  }
})
const demo = { root, errors, refusedWrites: 0 }
window.notesDemo = demo
