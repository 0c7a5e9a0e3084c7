/**
 * The devtools demo's main thread. index.html: the table app with its message history,
 * exposed to devtools panels with `exposeRoots`, and the panel mounted beside it.
 * panel.html: only the panel, which attaches over the BroadcastChannel to the app page
 * open in another tab of the same origin.
 *
 * For the browser tests only, the app's root is `window.shuttleRoot` and the panel's
 * `window.devtoolsRoot`.
 */
import { createRoot, type Root } from "shuttle-ui"
import { exposeRoots, mountDevtools } from "shuttle-ui/devtools"

declare global {
  interface Window {
    shuttleRoot?: Root
    devtoolsRoot?: Root
  }
}

function element(id: string): HTMLElement {
  const found = document.getElementById(id)
  if (found === null) throw new Error(`the page must contain an element with id '${id}'`)
  return found
}

const startPanel = (): Worker => new Worker(new URL("./panel.worker.ts", import.meta.url), { type: "module" })

if (!location.pathname.endsWith("/panel.html")) {
  const app = element("app")
  const root = createRoot(app, new Worker(new URL("./app.worker.tsx", import.meta.url), { type: "module" }), { history: true })
  exposeRoots({ table: root })
  window.shuttleRoot = root
}
window.devtoolsRoot = mountDevtools(element("devtools"), startPanel)
