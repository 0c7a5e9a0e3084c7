import { clause, InvalidOptionError, StateError, type StateErrorKind } from "../../protocol/errors.ts"
import type { StateRequest, ToWorker } from "../../protocol/messages.ts"
import { DEFAULT_HISTORY_BYTES } from "../../protocol/state.ts"

/** A `state` answer from the worker (protocol/messages.ts). */
export type StateAnswer =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly kind: StateErrorKind; readonly message: string; readonly path: string }

/**
 * The page's end of a root's state requests (snapshot, restore, history, time travel;
 * the worker's end is workers/runtime/state-tools.ts): each request gets an id, and its
 * promise settles with the answer of that id. When the worker goes (a crash, unmount) the
 * requests in flight are rejected with the reason; none is sent again.
 */
export class StateClient {
  private readonly send: (message: ToWorker) => boolean
  private nextId = 1
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>()

  /** `send` posts to the running worker; false when none runs. */
  constructor(send: (message: ToWorker) => boolean) {
    this.send = send
  }

  /** Asks the worker; rejects with `StateError` for what it refuses, with `unavailable` when no worker runs. */
  request<T>(request: StateRequest, unavailable: () => Error): Promise<T> {
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject })
      let sent: boolean
      try {
        sent = this.send({ t: "state", id, request })
      } catch (cause) {
        this.waiting.delete(id)
        reject(new StateError("HistoryIncompatible", `the ${request.op} request cannot be sent to the worker (${clause(cause)}): give plain, structured-cloneable data`, { cause }))
        return
      }
      if (!sent) {
        this.waiting.delete(id)
        reject(unavailable())
      }
    })
  }

  /** The worker answered. */
  answer(data: StateAnswer): void {
    const waiter = this.waiting.get(data.id)
    if (waiter === undefined) return
    this.waiting.delete(data.id)
    if (data.ok) waiter.resolve(data.value)
    else waiter.reject(new StateError(data.kind, data.message, { path: data.path }))
  }

  /** The worker is gone: every request in flight fails with `error`. */
  rejectAll(error: Error): void {
    const waiting = [...this.waiting.values()]
    this.waiting.clear()
    for (const waiter of waiting) waiter.reject(error)
  }
}

/** Default cap of the `history` option: 8 MB. */

/** Checks the `history` option: off (0), `true` (the default cap) or `{ maxBytes }`. Throws InvalidOptionError naming the field. */
export function resolveHistory(value: unknown): number {
  if (value === undefined || value === false) return 0
  if (value === true) return DEFAULT_HISTORY_BYTES
  if (typeof value !== "object" || value === null) throw new InvalidOptionError("history", value, "true, false or { maxBytes }")
  for (const key of Object.keys(value)) {
    if (key !== "maxBytes") throw new InvalidOptionError(`history.${key}`, key, "maxBytes")
  }
  const maxBytes = (value as { maxBytes?: unknown }).maxBytes ?? DEFAULT_HISTORY_BYTES
  if (typeof maxBytes !== "number" || !Number.isFinite(maxBytes) || maxBytes < 1024) {
    throw new InvalidOptionError("history.maxBytes", maxBytes, "a finite number of bytes ≥ 1024")
  }
  return Math.floor(maxBytes)
}
