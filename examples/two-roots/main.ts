/**
 * Two independent roots on one page, each with its own worker, and a button outside
 * both that unmounts root A.
 *
 * For the browser tests only: `window.shuttleRoots` holds both roots, and
 * `document.body.dataset.unmountedA` becomes "done" (or "failed: <error>") once the
 * unmount button's `unmount()` has settled.
 */
import { createRoot, type Root } from "shuttle-ui"

declare global {
  interface Window {
    shuttleRoots?: { readonly a: Root; readonly b: Root }
  }
}

function mount(id: string): Root {
  const container = document.getElementById(id)
  if (container === null) throw new Error(`index.html must contain an element with id '${id}'`)
  return createRoot(container, new Worker(new URL("./app.worker.tsx", import.meta.url), { type: "module" }))
}

const a = mount("root-a")
const b = mount("root-b")
window.shuttleRoots = { a, b }

document.getElementById("unmount-a")!.addEventListener("click", () => {
  a.unmount().then(
    () => { document.body.dataset.unmountedA = "done" },
    (error: unknown) => { document.body.dataset.unmountedA = `failed: ${String(error)}` }
  )
})
