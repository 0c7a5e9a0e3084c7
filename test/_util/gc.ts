import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

/**
 * A full garbage collection from inside a test, without starting Node with --expose-gc:
 * the flag is set at run time and `gc` taken from a fresh context.
 */
setFlagsFromString("--expose-gc")
const collect = runInNewContext("gc") as () => void

/** Collects, lets FinalizationRegistry callbacks run, and collects again. */
export async function fullGc(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    collect()
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
}

/** Counts how many registered objects were collected. */
export function collectedCounter() {
  let collected = 0
  let tracked = 0
  const registry = new FinalizationRegistry<void>(() => {
    collected++
  })
  return {
    track(target: object) {
      tracked++
      registry.register(target, undefined)
    },
    get tracked() {
      return tracked
    },
    get collected() {
      return collected
    }
  }
}
