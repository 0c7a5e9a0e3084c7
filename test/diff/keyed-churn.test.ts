// @vitest-environment happy-dom
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Key } from "../../workers/vnode.ts"
import { mountKeyedList, randomInt, seededRandom, shuffled } from "../_util/keyed-list.ts"

/**
 * Seeded shuffles with churn: each round removes some keys, adds new ones and reorders
 * the rest (a full shuffle, a reverse, or a few local moves, so that both the LIS path
 * and the prefix/suffix paths run). `mountKeyedList` checks fresh-render equality,
 * identity and moves ≤ kept − LIS after every round; a failure names N, the seed, the
 * round and the two key lists, which replay as a single `update`.
 */

const SEED = 20240611

const CASES = [
  { n: 0, rounds: 20 },
  { n: 1, rounds: 200 },
  { n: 2, rounds: 300 },
  { n: 5, rounds: 300 },
  { n: 10, rounds: 300 },
  { n: 50, rounds: 150 },
  { n: 200, rounds: 60 }
]

/** The next key list: old keys minus some, plus new ones, reordered. */
function churn(random: () => number, old: readonly Key[], n: number, fresh: () => Key): Key[] {
  const removeRate = [0, 0.1, 0.5, 1][randomInt(random, 4)]
  const kept = old.filter(() => random() >= removeRate)
  const spread = Math.ceil(n / 5)
  const target = Math.max(0, n - spread + randomInt(random, 2 * spread + 1))
  const added: Key[] = []
  while (kept.length + added.length < target) added.push(fresh())
  // New keys go in at random positions among the kept ones.
  const next = kept.slice()
  for (const key of added) next.splice(randomInt(random, next.length + 1), 0, key)
  return reorder(random, next)
}

function reorder(random: () => number, keys: Key[]): Key[] {
  switch (randomInt(random, 4)) {
    case 0:
      return shuffled(random, keys)
    case 1:
      return keys.reverse()
    case 2: {
      // A few moves of one key each.
      for (let m = randomInt(random, 4); m >= 0 && keys.length > 1; m--) {
        const [key] = keys.splice(randomInt(random, keys.length), 1)
        keys.splice(randomInt(random, keys.length + 1), 0, key)
      }
      return keys
    }
    default:
      return keys
  }
}

describe("keyed shuffles with churn", () => {
  it.each(CASES)(`N = $n, $rounds rounds (seed ${SEED})`, ({ n, rounds }) => {
    const random = seededRandom(SEED + n)
    let counter = 0
    const fresh = (): Key => `k${counter++}`
    const initial = Array.from({ length: n }, fresh)
    const list = mountKeyedList(initial)
    let moved = 0
    let minimum = 0
    for (let round = 0; round < rounds; round++) {
      const next = churn(random, list.keys, n, fresh)
      const report = list.update(next, `N=${n} seed=${SEED + n} round=${round}`)
      moved += report.moves
      minimum += report.minMoves
    }
    // No correct patch moves fewer than the minimum, so the bound is met exactly; and for
    // N ≥ 2 the rounds did need moves, so the trace was not vacuous.
    expect(moved).toBe(minimum)
    if (n >= 2) expect(minimum).toBeGreaterThan(0)
  })

  it("any old key list to any new key list (fast-check, seeded, shrinks to a minimal pair)", () => {
    const keys = fc.uniqueArray(fc.integer({ min: 0, max: 24 }), { maxLength: 16 })
    fc.assert(
      fc.property(keys, keys, (from, to) => {
        const list = mountKeyedList(from)
        list.update(to)
        list.update(from, "and back")
      }),
      { seed: 0xd1ff, numRuns: 1000 }
    )
  })
})
