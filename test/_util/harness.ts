import { createRoot, type Root, type RootOptions } from "../../src/index.ts"
import { serveProgram } from "../../workers/bootstrap.ts"
import type { Program } from "../../workers/program.ts"

/**
 * Runs a program's worker side in this thread over a MessageChannel (happy-dom has no
 * Worker) and mounts it into a fresh container. Real Workers are tested in Chromium.
 */
export function mountProgram<Model, Msg, R>(program: Program<Model, Msg, R>, options: RootOptions = {}) {
  const channel = new MessageChannel()
  const served = serveProgram(program, channel.port2)
  const container = document.createElement("div")
  document.body.appendChild(container)
  const root: Root = createRoot(container, channel.port1, options)
  const runtime = async () => {
    await root.ready
    return [...served.roots.values()][0]!
  }
  const cleanup = async () => {
    await root.unmount()
    container.remove()
    channel.port1.close()
    channel.port2.close()
  }
  return { container, root, served, runtime, cleanup }
}
