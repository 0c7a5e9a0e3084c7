import * as Comlink from "comlink"
import { Applier } from "./applier.ts"
import { CommitQueue } from "./commit-queue.ts"
import { EventDelegation } from "./events.ts"
import { defaultTuning, type LaneTuning, resolveTuning } from "./lane-options.ts"
import {
  InvalidOptionError,
  MessageNotCloneableError,
  RootUnmountedError,
  type ShuttleError,
  WorkerError
} from "./protocol/errors.ts"
import { Header } from "./protocol/opcodes.ts"
import { LANE_DEFAULT, LANE_NAMES, laneOf, type LaneName } from "./protocol/lanes.ts"
import type { CommitInfo, FromWorker, ToWorker, WorkerApi } from "./protocol/messages.ts"

/** What `createRoot` talks to: a Worker, or any MessagePort-like endpoint (tests). */
export type WorkerLike = Comlink.Endpoint & { terminate?: () => void }

/** @since 0.1.0 */
export interface RootOptions extends LaneTuning {
  /** Called with every error of this root: rejected patch lists, failed renders, worker crashes. Default: console.error. */
  readonly onError?: (error: ShuttleError) => void
  /** Called after every commit is applied, with what it did. */
  readonly onCommit?: (commit: CommitStats) => void
}

/** What one commit did: measured in the worker (update, view, diff, encode) and on the main thread (apply). */
export interface CommitStats extends CommitInfo {
  readonly commitId: number
  readonly laneName: LaneName
  readonly patchBytes: number
  /** Main-thread milliseconds to validate and apply the patch list. */
  readonly applyMs: number
}

/** @since 0.1.0 */
export interface DispatchOptions {
  /** The priority lane of this message. Default: "default". */
  readonly lane?: LaneName
}

/** What a root has done so far; read it to watch memory and patch sizes. */
export interface RootStats {
  /** Commits applied. */
  readonly commits: number
  /** Bytes of the last applied patch list. */
  readonly lastPatchBytes: number
  /** Bytes of all applied patch lists. */
  readonly totalPatchBytes: number
  /** Milliseconds the last apply took on the main thread. */
  readonly lastApplyMs: number
  /** Nodes in the main-thread node table. */
  readonly nodes: number
  /** Strings in the main-thread string table. */
  readonly strings: number
  /** Event types with a delegated listener on the container. */
  readonly listeners: number
  /** Commits received and not yet applied (waiting for a frame). */
  readonly queuedCommits: number
  /** The last applied commit, or null before the first. */
  readonly lastCommit: CommitStats | null
}

/** A mounted Shuttle app. @since 0.1.0 */
export interface Root {
  /** Sends a message to the app's `update`. Throws MessageNotCloneableError for data that cannot be sent. */
  dispatch(msg: unknown, options?: DispatchOptions): void
  /** Resolves once every message dispatched before the call is processed and its commit applied. */
  flush(): Promise<void>
  /** Empties the container, removes the listeners and releases the worker. */
  unmount(): Promise<void>
  /** Changes lane tuning at run time; throws InvalidOptionError naming the bad field (and changes nothing). */
  setLanes(tuning: LaneTuning): void
  /** Resolves when the worker has mounted the root. */
  readonly ready: Promise<void>
  readonly stats: RootStats
}

interface Control {
  readonly remote: Comlink.Remote<WorkerApi>
  roots: number
}

/** Control channels by worker: several roots on one worker share one comlink proxy. */
const controls = new WeakMap<WorkerLike, Control>()
let nextRootId = 1
/** How long unmount waits for the worker to confirm before releasing it anyway. */
const UNMOUNT_WAIT_MS = 1000

/**
 * Mounts the program served by `worker` into `container`. The container's content is
 * replaced by the app's view; the worker runs update, view and diff, and this thread
 * only applies patch lists and forwards events.
 *
 * @since 0.1.0
 * @example
 * const root = createRoot(document.getElementById("app")!, new Worker(new URL("./app.worker.js", import.meta.url), { type: "module" }))
 * root.dispatch({ type: "add" })
 * await root.flush()
 */
export function createRoot(container: Element, worker: WorkerLike, options: RootOptions = {}): Root {
  let tuning = resolveTuning(defaultTuning(), options)
  const rootId = nextRootId++
  const onError = options.onError ?? ((error: ShuttleError) => console.error(error))
  let control = controls.get(worker)
  if (control === undefined) {
    control = { remote: Comlink.wrap<WorkerApi>(worker), roots: 0 }
    controls.set(worker, control)
  }
  control.roots++

  const channel = new MessageChannel()
  const port = channel.port1
  let eventSeq = 0
  let flushSeq = 0
  const flushes = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>()
  let tickScheduled = false
  let unmounted = false
  const stats = { commits: 0, lastPatchBytes: 0, totalPatchBytes: 0, lastApplyMs: 0 }
  let lastCommit: CommitStats | null = null
  const onCommit = options.onCommit

  const post = (message: ToWorker, transfer?: Transferable[]): void => {
    port.postMessage(message, transfer ?? [])
  }
  const delegation = new EventDelegation(container, (path, event, target) => {
    const seq = ++eventSeq
    if (event.value !== undefined || event.checked !== undefined) applier.noteInput(target, seq)
    post({ t: "event", seq, path, event })
  })
  const applier = new Applier(container, delegation)
  delegation.attach(applier)
  container.textContent = ""

  const failFlushes = (error: unknown): void => {
    for (const pending of flushes.values()) pending.reject(error)
    flushes.clear()
  }

  const applyCommit = (buffer: ArrayBuffer, info: CommitInfo): void => {
    const started = performance.now()
    let commitId: number
    try {
      commitId = applier.apply(buffer)
    } catch (error) {
      onError(error as ShuttleError)
      return
    }
    const applyMs = performance.now() - started
    const patchBytes = new Uint32Array(buffer, 0, Header.Size)[Header.ByteLength]
    stats.commits++
    stats.lastApplyMs = applyMs
    stats.lastPatchBytes = patchBytes
    stats.totalPatchBytes += patchBytes
    post({ t: "ack", commitId, buffer }, [buffer])
    lastCommit = { ...info, commitId, laneName: LANE_NAMES[info.lane] ?? "default", patchBytes, applyMs }
    onCommit?.(lastCommit)
  }
  const commits = new CommitQueue(applyCommit, tuning.frameBudgetMs)

  port.onmessage = (event: MessageEvent<FromWorker>) => {
    const data = event.data
    switch (data.t) {
      case "commit":
        commits.push(data.buffer, data.info)
        break
      case "flushed":
        // Everything the flush waited for has arrived: apply it now rather than at the next frame.
        commits.drain()
        flushes.get(data.seq)?.resolve()
        flushes.delete(data.seq)
        break
      case "error":
        onError(new WorkerError(data.kind, data.message))
        break
    }
  }

  const onWorkerError = (event: Event): void => {
    const message = (event as ErrorEvent).message || "the worker failed (crashed or could not load its script)"
    const error = new WorkerError("WorkerCrashed", message)
    failFlushes(error)
    onError(error)
  }
  worker.addEventListener("error", onWorkerError as EventListener)

  const ready = control.remote.mount(Comlink.transfer(channel.port2, [channel.port2]), { rootId, lanes: tuning.settings })
  ready.catch((error: unknown) => {
    const failure = new WorkerError("MountFailed", String(error))
    failFlushes(failure)
    onError(failure)
  })

  const sendTick = (): void => {
    tickScheduled = false
    if (!unmounted) post({ t: "tick" })
  }

  return {
    ready,
    dispatch(msg: unknown, dispatchOptions?: DispatchOptions): void {
      if (unmounted) throw new RootUnmountedError("dispatch")
      let lane = LANE_DEFAULT
      if (dispatchOptions?.lane !== undefined) {
        lane = laneOf(dispatchOptions.lane)
        if (lane < 0) throw new InvalidOptionError("lane", dispatchOptions.lane, `one of ${LANE_NAMES.join(", ")}`)
      }
      try {
        post({ t: "dispatch", msg, lane })
      } catch (cause) {
        throw new MessageNotCloneableError(cause)
      }
      // Messages dispatched in one task form one batch: the worker renders at the tick.
      if (!tickScheduled) {
        tickScheduled = true
        queueMicrotask(sendTick)
      }
    },
    flush(): Promise<void> {
      if (unmounted) return Promise.reject(new RootUnmountedError("flush"))
      const seq = ++flushSeq
      return new Promise<void>((resolve, reject) => {
        flushes.set(seq, { resolve, reject })
        post({ t: "flush", seq })
      })
    },
    setLanes(next: LaneTuning): void {
      if (unmounted) throw new RootUnmountedError("setLanes")
      tuning = resolveTuning(tuning, next)
      commits.budgetMs = tuning.frameBudgetMs
      post({ t: "lanes", settings: tuning.settings })
    },
    async unmount(): Promise<void> {
      if (unmounted) return
      unmounted = true
      commits.clear()
      failFlushes(new RootUnmountedError("flush"))
      delegation.detach()
      worker.removeEventListener("error", onWorkerError as EventListener)
      port.onmessage = null
      port.close()
      container.textContent = ""
      applier.reset()
      const owner = control!
      try {
        // A crashed worker never answers: do not let unmount hang on it.
        await Promise.race([owner.remote.unmount(rootId), new Promise<void>((resolve) => setTimeout(resolve, UNMOUNT_WAIT_MS))])
      } finally {
        owner.roots--
        if (owner.roots === 0) {
          controls.delete(worker)
          owner.remote[Comlink.releaseProxy]()
          worker.terminate?.()
        }
      }
    },
    get stats(): RootStats {
      return { ...stats, nodes: applier.nodeCount, strings: applier.stringCount, listeners: delegation.types.size, queuedCommits: commits.length, lastCommit }
    }
  }
}
