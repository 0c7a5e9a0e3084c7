import { afterEach } from "vitest"
import type { FromWorker } from "../../protocol/messages.ts"
import { createRoot, type Root, type RootOptions, type ShuttleError, type WorkerSource } from "../../src/index.ts"
import { serveProgram } from "../../workers/bootstrap.ts"
import type { Program } from "../../workers/program.ts"
import type { DataPort, RootRuntime } from "../../workers/runtime/root.ts"

/**
 * Runs a program's worker side in this thread over a MessageChannel (happy-dom has no
 * Worker) and mounts it into a fresh container. Real Workers are tested in Chromium.
 * Prefer `useRoots().mount`, which also unmounts after the test.
 */
export function mountProgram<Model, Msg, R>(program: Program<Model, Msg, R>, options: RootOptions = {}) {
  const channel = new MessageChannel()
  const served = serveProgram(program, channel.port2)
  const container = document.createElement("div")
  document.body.appendChild(container)
  let root: Root
  try {
    // The worker side runs on this thread: it cannot answer while the page waits for it
    // (answerWaitMs), so by default the page does not wait; a test can still ask it to.
    root = createRoot(container, channel.port1, { answerWaitMs: 0, ...options })
  } catch (error) {
    // Bad options throw at once: leave nothing behind.
    container.remove()
    channel.port1.close()
    channel.port2.close()
    throw error
  }
  const runtime = async (): Promise<RootRuntime<Model, Msg, R>> => {
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

/**
 * The set-up every runtime test file needs, in one place: call it at the top of a file
 * (or a describe); roots mounted through it are unmounted after each test, the last
 * one first, whether the test passed or not.
 *
 * - `mount(program, options)`: the program served in this thread (see mountProgram).
 * - `mountOn(worker, options)`: createRoot on a worker stand-in (test/_util/fake-worker.ts)
 *   or a factory of them; errors reported by the root are collected in `errors`.
 */
export function useRoots() {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!()
  })
  return {
    mount<Model, Msg, R>(program: Program<Model, Msg, R>, options: RootOptions = {}) {
      const mounted = mountProgram(program, options)
      cleanups.push(mounted.cleanup)
      return mounted
    },
    mountOn(worker: WorkerSource, options: RootOptions = {}) {
      const container = document.createElement("div")
      document.body.appendChild(container)
      const errors: ShuttleError[] = []
      const root: Root = createRoot(container, worker, { onError: (error) => errors.push(error), ...options })
      cleanups.push(async () => {
        await root.unmount()
        container.remove()
      })
      return { container, root, errors }
    }
  }
}

/**
 * Holds back what a root's worker side posts to the main thread (commits, flush answers,
 * errors), in order, until the test lets it through: to put the main thread in a state
 * a slow transfer or a busy frame would, e.g. the user typing while a commit is on its way.
 */
export function holdWorkerPosts<Model, Msg, R>(runtime: RootRuntime<Model, Msg, R>) {
  const port = (runtime as unknown as { port: DataPort }).port
  const post = port.postMessage.bind(port)
  const held: Array<{ message: FromWorker; transfer: Transferable[] | undefined }> = []
  let holding = true
  port.postMessage = (message, transfer) => {
    if (holding) held.push({ message, transfer })
    else post(message, transfer)
  }
  const releaseOne = (): FromWorker => {
    const next = held.shift()
    if (next === undefined) throw new Error("nothing is held")
    post(next.message, next.transfer)
    return next.message
  }
  return {
    /**
     * Commits held so far (not yet let through): on the port, or announced on it after
     * going through the commit ring (a cross-origin isolated page drains the ring itself,
     * at its next delegated event or frame, whatever is held here).
     */
    get commits(): number {
      return held.filter((entry) => entry.message.t === "commit" || (entry.message.t as string) === "ring").length
    },
    /** Lets the oldest held message through; returns it. */
    releaseOne,
    /** Lets every held message through, in order, and stops holding. */
    releaseAll(): void {
      holding = false
      while (held.length > 0) releaseOne()
    }
  }
}
