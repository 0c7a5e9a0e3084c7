import { InvalidOptionError } from "../../protocol/errors.ts"

/**
 * What a root's container shows when the app's view cannot: a placeholder until the
 * worker's first commit, and an error state when the worker is gone for good.
 */

/** Checks the `placeholder` option: an HTML string or a DOM Node. */
export function checkPlaceholder(value: unknown): string | Node | undefined {
  if (value === undefined || typeof value === "string") return value
  if (typeof Node !== "undefined" && value instanceof Node) return value
  throw new InvalidOptionError("placeholder", typeof value === "object" && value !== null ? "[object]" : value, "an HTML string or a DOM Node")
}

/** Replaces the container's content with the placeholder (or nothing). */
export function showPlaceholder(container: Element, placeholder: string | Node | undefined): void {
  if (placeholder === undefined) container.textContent = ""
  else if (typeof placeholder === "string") container.innerHTML = placeholder
  else container.replaceChildren(placeholder)
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
