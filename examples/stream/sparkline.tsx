/** Loaded lazily by app.worker.tsx: a small SVG chart. */
import type { VNode } from "shuttle-ui/worker"

export default function Sparkline(props: { points: readonly number[] }): VNode {
  const max = Math.max(...props.points)
  const step = 100 / (props.points.length - 1)
  const path = props.points.map((p, i) => `${i === 0 ? "M" : "L"}${(i * step).toFixed(1)},${(30 - (p / max) * 28).toFixed(1)}`).join(" ")
  return (
    <svg id="sparkline" width="200" height="60" viewBox="0 0 100 30" preserveAspectRatio="none">
      <path d={path} fill="none" stroke="#337ab7" stroke-width="1.5" />
    </svg>
  )
}
