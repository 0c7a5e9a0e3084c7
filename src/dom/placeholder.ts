import { InvalidOptionError } from "../../protocol/errors.ts"

/**
 * What a root's container shows when the app's view cannot: a placeholder until the
 * worker's first commit, and an error state when the worker is gone for good.
 */

/** The Sanitizer API's safe HTML setter (Chromium 1xx+); absent from older browsers and from TypeScript's DOM types. */
interface SafeHtmlSetter {
  setHTML?(html: string, options: { sanitizer: object }): void
}

/**
 * Checks the `placeholder` option: an HTML string, a DOM Node, or a TrustedHTML. A string
 * is parsed here, once, into an inert fragment:
 * - with `setHTML` (the Sanitizer API) where the browser has it: it is no Trusted Types
 *   sink, so a string placeholder works under `require-trusted-types-for 'script'`, and it
 *   drops script, `on…` attributes and `javascript:` URLs, keeping every other element
 *   and attribute (the empty sanitizer config);
 * - else with `innerHTML` on a `<template>` (inert: nothing loads or runs until shown). A
 *   page that enforces Trusted Types refuses that: the InvalidOptionError says to pass a
 *   Node (or a TrustedHTML from the page's own policy) instead.
 */
export function checkPlaceholder(value: unknown): Node | undefined {
  if (value === undefined) return undefined
  if (typeof Node !== "undefined" && value instanceof Node) return value
  if (typeof value === "string" || isTrustedHtml(value)) return parsePlaceholder(value as string)
  throw new InvalidOptionError("placeholder", typeof value === "object" && value !== null ? "[object]" : value, "an HTML string, a DOM Node or a TrustedHTML")
}

function isTrustedHtml(value: unknown): boolean {
  const TrustedHTML = (globalThis as { TrustedHTML?: abstract new () => object }).TrustedHTML
  return TrustedHTML !== undefined && value instanceof TrustedHTML
}

function parsePlaceholder(html: string): DocumentFragment {
  const template = document.createElement("template")
  const safe = template as unknown as SafeHtmlSetter
  if (typeof html === "string" && typeof safe.setHTML === "function") {
    safe.setHTML(html, { sanitizer: {} })
    return template.content
  }
  try {
    template.innerHTML = html
  } catch (cause) {
    // Only Trusted Types makes this setter throw (a TypeError): a string needs a policy here.
    if (!(cause instanceof TypeError)) throw cause
    throw new InvalidOptionError("placeholder", html.length > 60 ? html.slice(0, 60) + "…" : html,
      "a DOM Node (e.g. one made with document.createElement) or a TrustedHTML from your own policy: this page enforces Trusted Types (require-trusted-types-for 'script') and this browser has no setHTML, so Shuttle cannot parse an HTML string")
  }
  return template.content
}

/** Replaces the container's content with the placeholder (or nothing). A fragment (a parsed string) is copied, so it can be shown again. */
export function showPlaceholder(container: Element, placeholder: string | Node | undefined): void {
  if (placeholder === undefined) container.textContent = ""
  else if (typeof placeholder === "string") showPlaceholder(container, checkPlaceholder(placeholder))
  else container.replaceChildren(placeholder.nodeType === 11 ? placeholder.cloneNode(true) : placeholder)
}

/** CSS class of the error state, as the worker's own error view has it. */
export const ERROR_STATE_CLASS = "shuttle-error"

/**
 * Replaces the container's content with a visible error: the app cannot run any more
 * (its worker failed to start, or crashed and could not be restarted).
 */
export function showErrorState(container: Element, kind: string, reason: string): void {
  const document = container.ownerDocument
  const alert = document.createElement("div")
  alert.setAttribute("role", "alert")
  alert.className = ERROR_STATE_CLASS
  alert.setAttribute("data-shuttle-error", kind)
  const title = document.createElement("strong")
  title.textContent = "This app stopped."
  alert.append(title, " ", reason)
  container.replaceChildren(alert)
}
