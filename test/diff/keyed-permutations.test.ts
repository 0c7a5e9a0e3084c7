// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { mountKeyedList, permutations, seededRandom, shuffled } from "../_util/keyed-list.ts"

/**
 * Every permutation of N = 1..6 keyed children, reached from a start order and back.
 * Every pair of orders (720² for N = 6) is too many, so the start is the identity and
 * then a seeded random order; for N ≤ 4 every order goes to every other one.
 * `mountKeyedList` checks fresh-render equality, identity and moves ≤ kept − LIS.
 */

const SIZES = [1, 2, 3, 4, 5, 6]
const SEED = 0xc0ffee

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)

describe("keyed permutations", () => {
  it.each(SIZES)("N = %i: from the identity to every permutation and back", (n) => {
    const identity = range(n)
    const list = mountKeyedList(identity)
    let patches = 0
    for (const order of permutations(identity)) {
      list.update(order, `N=${n} from identity`)
      list.update(identity, `N=${n} back to identity`)
      patches += 2
    }
    expect(patches).toBe(2 * factorial(n))
  })

  it.each(SIZES)(`N = %i: from a seeded random order (seed ${SEED}) to every permutation and back`, (n) => {
    const start = shuffled(seededRandom(SEED + n), range(n))
    const list = mountKeyedList(start)
    let patches = 0
    for (const order of permutations(range(n))) {
      list.update(order, `N=${n} from ${JSON.stringify(start)}`)
      list.update(start, `N=${n} back to ${JSON.stringify(start)}`)
      patches += 2
    }
    expect(patches).toBe(2 * factorial(n))
  })

  it.each([1, 2, 3, 4])("N = %i: from every permutation to every other one", (n) => {
    const orders = permutations(range(n))
    let patches = 0
    for (const from of orders) {
      const list = mountKeyedList(from)
      for (const to of orders) {
        list.update(to, `N=${n}`)
        list.update(from, `N=${n} back`)
        patches++
      }
    }
    expect(patches).toBe(orders.length ** 2)
  })
})

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1)
}
