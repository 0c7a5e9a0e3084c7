// Vanilla JS peer of examples/lanes: hand-written DOM updates, no library.
// Each tick rewrites every row's value cell (10,000 text nodes); the next tick is
// scheduled with setTimeout(0) after the previous one, so the event loop can serve
// keystrokes between ticks, but never during one.
//
// Page contract (read by ../../run.mjs): window.benchPage.run(ticks) starts `ticks`
// back-to-back re-renders and resolves when the last one is in the DOM.

const ROWS = 10_000

const app = document.getElementById("app")
const main = document.createElement("main")
const header = document.createElement("header")
const input = document.createElement("input")
input.id = "text"
input.placeholder = "type here while the grid renders"
const echoLine = document.createElement("p")
const echo = document.createElement("span")
echo.id = "echo"
echoLine.append("echo: ", echo)
const tickLine = document.createElement("p")
const tickSpan = document.createElement("span")
tickSpan.id = "tick"
tickLine.append("tick: ", tickSpan)
header.append(input, echoLine, tickLine)
const table = document.createElement("table")
const tbody = document.createElement("tbody")
table.append(tbody)
main.append(header, table)

let tick = 0
// The value cells' text nodes, so a tick writes nodeValue and nothing else.
const values = new Array(ROWS)
for (let i = 0; i < ROWS; i++) {
  const tr = document.createElement("tr")
  const id = document.createElement("td")
  id.className = "id"
  id.textContent = String(i)
  const value = document.createElement("td")
  value.className = "value"
  const text = document.createTextNode(String((i * 7 + tick) % 1000))
  value.append(text)
  values[i] = text
  tr.append(id, value)
  tbody.append(tr)
}
tickSpan.textContent = String(tick)
app.append(main)

input.addEventListener("input", () => {
  echo.textContent = input.value
})

function render() {
  for (let i = 0; i < ROWS; i++) values[i].nodeValue = String((i * 7 + tick) % 1000)
  tickSpan.textContent = String(tick)
}

window.benchPage = {
  run(ticks) {
    const target = tick + ticks
    return new Promise((resolve) => {
      const step = () => {
        tick++
        render()
        if (tick < target) setTimeout(step, 0)
        else resolve()
      }
      setTimeout(step, 0)
    })
  }
}
