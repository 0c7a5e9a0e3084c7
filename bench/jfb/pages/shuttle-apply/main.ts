/**
 * The applier alone, in Chromium's real DOM: for each js-framework-benchmark op, the time
 * of `Applier.apply` on the op's patch list beside the time of the same DOM calls made
 * directly (bench/micro/direct-dom.ts), both on a table in the page, from the op's starting
 * state. No worker, no style or layout (the page never yields to rendering inside a
 * measurement): what decoding, validation and the node table cost on top of the DOM calls.
 *
 * The patch lists come from the worker-side Renderer run here, on the main thread, before
 * any timing (bench/micro/jfb-patches.ts). The driver calls `window.shuttleApply.run`.
 */
import { Applier, type EventTypeListener } from "../../../../src/dom/applier.ts"
import { directOp, directTable, setupRows } from "../../../micro/direct-dom.ts"
import { jfbOps, opPatches } from "../../../micro/jfb-patches.ts"

interface OpResult {
  readonly op: string
  readonly title: string
  readonly applyMs: number[]
  readonly directMs: number[]
  readonly patchBytes: number
}

declare global {
  interface Window {
    shuttleApply?: { run(reps: number): Promise<OpResult[]> }
  }
}

const noEvents: EventTypeListener = { listen() {}, unlisten() {} }
const app = document.getElementById("app")!
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

function freshContainer(): HTMLElement {
  app.textContent = ""
  const container = document.createElement("div")
  app.appendChild(container)
  return container
}

window.shuttleApply = {
  async run(reps) {
    const results: OpResult[] = []
    for (const op of jfbOps()) {
      const { setup, patch } = opPatches(op)
      const direct = directOp(document, op)
      const result: OpResult = { op: op.id, title: op.title, applyMs: [], directMs: [], patchBytes: patch.byteLength }
      // A 10,000-row op costs seconds per repetition on a busy 2-core machine.
      const count = op.id === "create10k" ? Math.min(reps, 3) : reps
      for (let r = 0; r < count; r++) {
        const applier = new Applier(freshContainer(), noEvents)
        for (const buffer of setup) applier.apply(buffer)
        await nextTask()
        let t = performance.now()
        applier.apply(patch)
        result.applyMs.push(performance.now() - t)
        await nextTask()
        if (direct !== undefined) {
          const tbody = directTable(document, freshContainer(), setupRows(op))
          await nextTask()
          t = performance.now()
          direct(tbody)
          result.directMs.push(performance.now() - t)
          await nextTask()
        }
      }
      app.textContent = ""
      results.push(result)
    }
    return results
  }
}
