/**
 * Shows a refused hot update (docs/hmr.md) in Vite's error overlay when the page runs
 * under Vite's dev server (its `vite-error-overlay` element is defined), and clears it
 * when the next update applies. Elsewhere it does nothing: `onError` has the error.
 */
const OVERLAY = "vite-error-overlay"

export function showHotError(message: string): void {
  const Overlay = globalThis.customElements?.get(OVERLAY) as (new (error: { message: string; stack: string }) => HTMLElement) | undefined
  if (Overlay === undefined || typeof document === "undefined") return
  clearHotError()
  document.body.appendChild(new Overlay({ message: `[shuttle] ${message}`, stack: "" }))
}

export function clearHotError(): void {
  if (typeof document === "undefined") return
  for (const overlay of document.querySelectorAll(OVERLAY)) overlay.remove()
}
