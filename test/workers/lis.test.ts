import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { longestIncreasingSubsequence } from "../../workers/diff/lis.ts"

/**
 * `longestIncreasingSubsequence` against a brute force over every subset: the result
 * must be positions (ascending, no -1 entry) whose values strictly increase, and as long
 * as the longest such subsequence.
 */

/** Longest strictly increasing subsequence length over all subsets of the non -1 entries. */
function bruteForceLength(sources: readonly number[]): number {
  const n = sources.length
  let best = 0
  for (let mask = 0; mask < 1 << n; mask++) {
    let last = -Infinity
    let length = 0
    let increasing = true
    for (let i = 0; i < n && increasing; i++) {
      if ((mask & (1 << i)) === 0) continue
      if (sources[i] === -1 || sources[i] <= last) increasing = false
      else {
        last = sources[i]
        length++
      }
    }
    if (increasing && length > best) best = length
  }
  return best
}

/** Checks that `positions` is one valid LIS of `sources` of length `expected`. */
function expectValidLis(sources: readonly number[], positions: Int32Array, expected: number): void {
  const where = JSON.stringify(sources)
  expect(positions.length, where).toBe(expected)
  for (let k = 0; k < positions.length; k++) {
    const at = positions[k]
    expect(at >= 0 && at < sources.length, `${where}: position ${at} in range`).toBe(true)
    expect(sources[at], `${where}: position ${at} is not a -1 entry`).not.toBe(-1)
    if (k > 0) {
      expect(at, `${where}: positions ascend`).toBeGreaterThan(positions[k - 1])
      expect(sources[at], `${where}: values strictly increase`).toBeGreaterThan(sources[positions[k - 1]])
    }
  }
}

function lis(sources: readonly number[]): Int32Array {
  return longestIncreasingSubsequence(Int32Array.from(sources))
}

describe("longestIncreasingSubsequence", () => {
  it.each([
    { name: "empty", sources: [], length: 0 },
    { name: "all new (-1)", sources: [-1, -1, -1], length: 0 },
    { name: "one", sources: [7], length: 1 },
    { name: "sorted", sources: [0, 1, 2, 3, 4], length: 5 },
    { name: "reversed", sources: [4, 3, 2, 1, 0], length: 1 },
    { name: "one moved left", sources: [0, 4, 1, 2, 3], length: 4 },
    { name: "one moved right", sources: [1, 2, 3, 0, 4], length: 4 },
    { name: "-1 holes between increasing values", sources: [-1, 2, -1, 5, -1, 9, -1], length: 3 },
    { name: "-1 holes in a reversed run", sources: [3, -1, 2, -1, 1], length: 1 },
    { name: "equal values do not both count", sources: [2, 2, 2], length: 1 }
  ])("$name", ({ sources, length }) => {
    expectValidLis(sources, lis(sources), length)
  })

  it("matches a brute force over every subset on random inputs with -1 entries (seeded)", () => {
    const sources = fc.array(fc.integer({ min: -1, max: 12 }), { maxLength: 12 })
    fc.assert(
      fc.property(sources, (s) => expectValidLis(s, lis(s), bruteForceLength(s))),
      { seed: 0x5eed, numRuns: 2000 }
    )
  })

  it("matches a brute force on permutations of distinct old positions, as the keyed diff passes them (seeded)", () => {
    // The diff's sources: distinct old indices, or -1 for a new node.
    const sources = fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { maxLength: 12 }).chain((values) =>
      fc.array(fc.boolean(), { minLength: values.length, maxLength: values.length }).map((isNew) =>
        values.map((v, i) => (isNew[i] ? -1 : v))
      )
    )
    fc.assert(
      fc.property(sources, (s) => expectValidLis(s, lis(s), bruteForceLength(s))),
      { seed: 0x1150, numRuns: 2000 }
    )
  })
})
