// The React 19 peers of examples/lanes, shared by ../react (plain setState) and
// ../react-transition (startTransition for the ticks). Only how a tick is scheduled differs.
//
// The grid is a memo component, as React's own docs write it for transitions: a keystroke
// re-renders the header only, not 10,000 rows. Ticks are chained after each commit: a
// useEffect on `tick` schedules the next one with setTimeout(0).
//
// Page contract (read by ../../run.mjs): window.benchPage.run(ticks) starts `ticks`
// back-to-back re-renders and resolves when the last one is committed.
import { memo, startTransition, useEffect, useState } from "react"
import { createRoot } from "react-dom/client"

const ROWS = 10_000

const Grid = memo(function Grid({ tick }) {
  const rows = new Array(ROWS)
  for (let i = 0; i < ROWS; i++) {
    rows[i] = (
      <tr key={i}>
        <td className="id">{i}</td>
        <td className="value">{(i * 7 + tick) % 1000}</td>
      </tr>
    )
  }
  return (
    <table>
      <tbody>{rows}</tbody>
    </table>
  )
})

/** Between the page contract and the component: the run in progress, if any. */
const control = { target: 0, resolve: null, next: null }

function App({ transition }) {
  const [tick, setTick] = useState(0)
  const [text, setText] = useState("")

  useEffect(() => {
    const advance = () => setTick((t) => t + 1)
    control.next = transition ? () => startTransition(advance) : advance
    // Published once mounted, so the driver's readiness check means the app can run.
    window.benchPage = { run }
  }, [])

  useEffect(() => {
    if (control.resolve === null) return
    if (tick < control.target) {
      setTimeout(control.next, 0)
    } else {
      const resolve = control.resolve
      control.resolve = null
      resolve()
    }
  }, [tick])

  return (
    <main>
      <header>
        <input id="text" value={text} onChange={(e) => setText(e.target.value)} placeholder="type here while the grid renders" />
        <p>echo: <span id="echo">{text}</span></p>
        <p>tick: <span id="tick">{tick}</span></p>
      </header>
      <Grid tick={tick} />
    </main>
  )
}

function run(ticks) {
  const current = Number(document.getElementById("tick").textContent)
  control.target = current + ticks
  return new Promise((resolve) => {
    control.resolve = resolve
    setTimeout(control.next, 0)
  })
}

export function mount({ transition }) {
  createRoot(document.getElementById("app")).render(<App transition={transition} />)
}
