/**
 * Waits until `condition()` holds, checking every few milliseconds, and fails naming
 * `what` if it still does not after `timeoutMs`. For things that happen in their own
 * time (a resource, a stream, a finalizer): the test waits for the thing itself, never
 * for a fixed delay. The timeout only bounds a failing test; no assertion is made on it.
 *
 * A negative check ("nothing else happened") cannot be written with `until`: wait for a
 * signal that the work is over (a flush, a finalizer, fake timers advanced past every
 * deadline), then assert.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** A promise with its resolve at hand: a gate the test opens (a resource, a module load). */
export function gate<T = void>(): { readonly promise: Promise<T>; open(value: T): void; readonly opened: boolean } {
  let resolve!: (value: T) => void
  let opened = false
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return {
    promise,
    open(value: T) {
      opened = true
      resolve(value)
    },
    get opened() {
      return opened
    }
  }
}
