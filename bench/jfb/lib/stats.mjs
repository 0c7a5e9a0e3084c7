// Small statistics over samples.

export function median(values) {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export function summarize(values) {
  if (values.length === 0) return { n: 0, median: NaN, min: NaN, max: NaN, mean: NaN }
  let min = Infinity
  let max = -Infinity
  let sum = 0
  for (const v of values) {
    if (v < min) min = v
    if (v > max) max = v
    sum += v
  }
  return { n: values.length, median: median(values), min, max, mean: sum / values.length }
}

/** Geometric mean of positive numbers; NaN if there are none. */
export function geomean(values) {
  const usable = values.filter((v) => Number.isFinite(v) && v > 0)
  if (usable.length === 0) return NaN
  return Math.exp(usable.reduce((acc, v) => acc + Math.log(v), 0) / usable.length)
}
