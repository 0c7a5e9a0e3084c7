/**
 * Safety demo, main thread (docs/safety.md): two roots whose workers send XSS vectors (see
 * app.worker.ts), on a page served with a strict CSP and Trusted Types (examples/serve.mjs).
 *
 * The page keeps score, for the browser test (test/browser/safety.test.ts) and for a
 * person reading it:
 * - `safety.ran`: labels of payloads that ran (each posts "xss:<label>" to the page);
 * - `safety.violations`: CSP and Trusted Types violations (`securitypolicyviolation`);
 * - `safety.errors`: what each root reported to onError (refusals are UnsafeValueError).
 */
import { createRoot, type Root, type ShuttleError } from "shuttle-ui"

interface Reported {
  readonly root: "app" | "hostile"
  readonly tag: string
  readonly kind?: string
  readonly element?: string
  readonly attribute?: string
  readonly value?: string
  readonly message: string
}

interface Safety {
  readonly roots: { readonly app: Root; readonly hostile: Root }
  readonly ran: string[]
  readonly violations: string[]
  readonly errors: Reported[]
  /** Every iframe of the page has fired `load` (a frame that would run script has run it by then). */
  framesLoaded(): boolean
  /** Both roots have mounted and shown their first commit. */
  ready: boolean
}

declare global {
  interface Window {
    safety?: Safety
  }
}

/** The Trusted Types API, where the browser has it (not in TypeScript's DOM types). */
interface TrustedTypesApi {
  createPolicy(name: string, rules: { createScriptURL(url: string): string }): { createScriptURL(url: string): unknown }
}

const ran: string[] = []
const violations: string[] = []
const errors: Reported[] = []
const output = (id: string, value: number): void => {
  document.getElementById(id)!.textContent = String(value)
}

addEventListener("message", (event) => {
  if (typeof event.data === "string" && event.data.startsWith("xss:")) {
    ran.push(event.data.slice(4))
    output("ran", ran.length)
  }
})
document.addEventListener("securitypolicyviolation", (event) => {
  violations.push(`${event.effectiveDirective}: ${event.blockedURI} ${event.sample}`)
  output("violations", violations.length)
})

const loaded = new WeakSet<EventTarget>()
document.addEventListener("load", (event) => {
  if (event.target instanceof HTMLIFrameElement) loaded.add(event.target)
}, true)

// A form whose action was refused has none, and would submit to this page (reloading it):
// stop only those. A form with an action, had one slipped through, still submits.
document.addEventListener("submit", (event) => {
  const form = event.target as HTMLFormElement
  const submitter = event.submitter
  if (!form.hasAttribute("action") && !(submitter?.hasAttribute("formaction") ?? false)) event.preventDefault()
}, true)

// Under Trusted Types, `new Worker(url)` is the page's own sink (not Shuttle's): a policy
// that lets exactly this demo's worker script through.
const workerUrl = new URL("./app.worker.js", import.meta.url).href
const trustedTypes = (globalThis as { trustedTypes?: TrustedTypesApi }).trustedTypes
const policy = trustedTypes?.createPolicy("shuttle-safety-demo", {
  createScriptURL(url) {
    if (url.startsWith(workerUrl + "?")) return url
    throw new TypeError(`Not the demo's worker script: ${url}`)
  }
})

function mount(mode: "app" | "hostile"): Root {
  const url = `${workerUrl}?mode=${mode}`
  return createRoot(document.getElementById(mode)!, () => new Worker((policy?.createScriptURL(url) ?? url) as string, { type: "module" }), {
    // A string placeholder: parsed with setHTML where the browser has it, so even this needs no Trusted Types policy.
    placeholder: '<p class="loading">Loading…</p>',
    onError(error: ShuttleError) {
      errors.push(error._tag === "UnsafeValueError"
        ? { root: mode, tag: error._tag, kind: error.kind, element: error.tag, attribute: error.attribute, value: error.value, message: error.message }
        : { root: mode, tag: error._tag, message: error.message })
      output("refused", errors.filter((e) => e.tag === "UnsafeValueError").length)
    }
  })
}

const safety: Safety = {
  roots: { app: mount("app"), hostile: mount("hostile") },
  ran,
  violations,
  errors,
  framesLoaded: () => [...document.querySelectorAll("iframe")].every((frame) => loaded.has(frame)),
  ready: false
}
window.safety = safety

Promise.all([safety.roots.app.ready, safety.roots.hostile.ready])
  .then(() => Promise.all([safety.roots.app.flush(), safety.roots.hostile.flush()]))
  .then(() => {
    safety.ready = true
    document.getElementById("status")!.textContent = ran.length === 0 ? "Nothing ran." : "Script ran!"
  })
