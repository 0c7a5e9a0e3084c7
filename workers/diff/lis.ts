/**
 * Longest increasing subsequence of `sources`, ignoring entries of -1 (new nodes).
 * Returns the positions (indices into `sources`) of one LIS, ascending. Nodes at those
 * positions stay in place during a keyed reorder; every other kept node moves, so the
 * number of moves is the minimum: kept − LIS.
 *
 * O(n log n): `tails[k]` is the position of the smallest tail of an increasing run of
 * length k + 1, and `prev` links each position to its predecessor in its run.
 */
export function longestIncreasingSubsequence(sources: Int32Array): Int32Array {
  const n = sources.length
  const prev = new Int32Array(n)
  const tails = new Int32Array(n)
  let length = 0
  for (let i = 0; i < n; i++) {
    const value = sources[i]
    if (value === -1) continue
    let lo = 0
    let hi = length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (sources[tails[mid]] < value) lo = mid + 1
      else hi = mid
    }
    prev[i] = lo > 0 ? tails[lo - 1] : -1
    tails[lo] = i
    if (lo === length) length++
  }
  const result = new Int32Array(length)
  for (let k = length - 1, at = length > 0 ? tails[length - 1] : -1; k >= 0; k--) {
    result[k] = at
    at = prev[at]
  }
  return result
}
