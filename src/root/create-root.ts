import * as Comlink from "comlink"
import { Applier } from "../dom/applier.ts"
import { CommitQueue } from "./commit-queue.ts"
import { EventDelegation } from "../dom/event-delegation.ts"
import { defaultTuning, type LaneTuning, resolveTuning } from "./lane-options.ts"
import {
  InvalidOptionError,
  MessageNotCloneableError,
  RootUnmountedError,
  type ShuttleError,
  WorkerError
} from "../../protocol/errors.ts"
import { Header } from "../../protocol/opcodes.ts"
import { LANE_DEFAULT, LANE_NAMES, laneOf, type LaneName } from "../../protocol/lanes.ts"
import type { CommitInfo, FromWorker, MountOptions, MountReply, RestoreState, ToWorker } from "../../protocol/messages.ts"
import { checkPlaceholder, showErrorState, showPlaceholder } from "../dom/placeholder.ts"
import { RecoveryLog, resolveRecovery } from "./recovery.ts"
import type { CommitStats, DispatchOptions, Root, RootOptions, RootStats, WorkerLike, WorkerSource } from "./root-api.ts"
import { acquireControl, type Control, releaseControl } from "./worker-control.ts"


/** One worker serving a root: the first, or one started after a crash. */
interface Session {
  readonly worker: WorkerLike
  readonly control: Control
  readonly port: MessagePort
  /** It replaces a crashed worker: its first commit replaces the whole DOM. */
  readonly restored: boolean
  /** The main thread's place in the queue for the worker's life lock; aborted on unmount. */
  lock: AbortController | null
  mounted: boolean
  /** Its first commit is applied: the DOM and the node ids on screen are this worker's. */
  committed: boolean
  dead: boolean
  readonly onWorkerError: (event: Event) => void
}

let nextRootId = 1
let nextLockId = 1
/** Names the life locks of this page apart from another tab's (same origin, same lock manager). */
const LOCK_PREFIX = `shuttle-life-${Math.random().toString(36).slice(2)}-`
/** How long unmount waits for the worker to confirm before releasing it anyway. */
const UNMOUNT_WAIT_MS = 1000

const LIVE = 0
const FAILED = 1
const UNMOUNTED = 2

/**
 * Mounts the program served by `worker` into `container`. The container's content is
 * replaced by the app's view (after `placeholder`, if given); the worker runs update,
 * view and diff, and this thread only applies patch lists and forwards events.
 *
 * Give a function that starts the worker to have a crashed worker restarted from the
 * last snapshot (see `recover`); with a Worker object, a crash ends in the error state.
 *
 * @since 0.1.0
 * @example
 * const root = createRoot(document.getElementById("app")!, () => new Worker(new URL("./app.worker.js", import.meta.url), { type: "module" }), {
 *   placeholder: "<p>Loading…</p>"
 * })
 * root.dispatch({ type: "add" })
 * await root.flush()
 */
export function createRoot(container: Element, worker: WorkerSource, options: RootOptions = {}): Root {
  let tuning = resolveTuning(defaultTuning(), options)
  const recovery = resolveRecovery(options.recover)
  const placeholder = checkPlaceholder(options.placeholder)
  const factory = typeof worker === "function" ? worker : null
  const rootId = nextRootId++
  const onError = options.onError ?? ((error: ShuttleError) => console.error(error))
  const onCommit = options.onCommit
  /** Snapshot and journal, kept only when a crashed worker can be replaced. */
  let log = factory !== null && recovery !== null ? new RecoveryLog() : null

  let session: Session | null = null
  let state = LIVE
  let failure: WorkerError | null = null
  let everMounted = false
  /** Restarts since the last one that proved healthy (its first snapshot arrived). */
  let failedRestarts = 0
  let restartTimer: ReturnType<typeof setTimeout> | null = null
  /** The first commit of a new worker: the DOM is reset right before it is applied. */
  let resetBefore: ArrayBuffer | null = null
  let eventSeq = 0
  let flushSeq = 0
  const flushes = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>()
  /** Flushes asked for while no worker runs (between a crash and the restart). */
  const waitingFlushes: number[] = []
  let tickScheduled = false
  const stats = { commits: 0, lastPatchBytes: 0, totalPatchBytes: 0, lastApplyMs: 0, restarts: 0 }
  let lastCommit: CommitStats | null = null
  let readySettled = false
  let resolveReady!: () => void
  let rejectReady!: (error: unknown) => void
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve
    rejectReady = reject
  })
  // `ready` may reject with nobody waiting: onError has the error already.
  ready.catch(() => undefined)

  /** Posts to the running worker; dropped while none runs (the journal keeps dispatches). */
  const post = (message: ToWorker, transfer?: Transferable[]): void => {
    const current = session
    if (current !== null && !current.dead) current.port.postMessage(message, transfer ?? [])
  }
  const delegation = new EventDelegation(container, (path, event, target) => {
    // After a crash the DOM on screen is the old worker's: its node ids mean nothing to the new one.
    const current = session
    if (current === null || current.dead || !current.committed) return
    const seq = ++eventSeq
    if (event.value !== undefined || event.checked !== undefined) applier.noteInput(target, seq)
    post({ t: "event", seq, path, event })
  })
  const applier = new Applier(container, delegation)
  delegation.attach(applier)
  showPlaceholder(container, placeholder)

  const failFlushes = (error: unknown): void => {
    for (const pending of flushes.values()) pending.reject(error)
    flushes.clear()
    waitingFlushes.length = 0
  }

  /** Forgets every node, string and listener and empties the container: a new worker's first commit builds the DOM anew. */
  const resetView = (): void => {
    delegation.detach()
    applier.reset()
    container.textContent = ""
    delegation.attach(applier)
  }

  const applyCommit = (buffer: ArrayBuffer, info: CommitInfo): void => {
    if (buffer === resetBefore) {
      resetBefore = null
      resetView()
      if (session !== null) {
        session.committed = true
        if (session.restored) stats.restarts++
      }
    }
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

  const receive = (current: Session, data: FromWorker): void => {
    if (current !== session || current.dead) return
    switch (data.t) {
      case "commit":
        if (!current.committed && resetBefore === null) resetBefore = data.buffer
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
      case "journal":
        log?.journal(data.first, data.entries, data.marks)
        break
      case "snapshot":
        log?.snapshot(data.model, data.dispatches, data.born)
        // The worker got past its replay and committed: a later crash may restart it again.
        failedRestarts = 0
        break
      case "unrecoverable":
        if (log !== null) {
          log = null
          onError(new WorkerError("SnapshotFailed", data.message))
        }
        break
    }
  }

  const startSession = (restore: RestoreState | undefined): void => {
    let target: WorkerLike
    try {
      target = factory !== null ? factory() : worker as WorkerLike
    } catch (cause) {
      crashedBeforeStart(`the function given to createRoot could not start a worker: ${describe(cause)}`)
      return
    }
    const control = acquireControl(target)
    const channel = new MessageChannel()
    const current: Session = {
      worker: target,
      control,
      port: channel.port1,
      restored: restore !== undefined,
      lock: null,
      mounted: false,
      committed: false,
      dead: false,
      onWorkerError: (event: Event) => {
        // Reported through onError: keep the browser from reporting it a second time.
        event.preventDefault()
        const message = (event as ErrorEvent).message
        crashed(current, event.type === "messageerror" ? "a message from the worker could not be read" : message || "the worker failed (crashed, or its script could not be loaded)")
      }
    }
    session = current
    resetBefore = null
    target.addEventListener("error", current.onWorkerError as EventListener)
    target.addEventListener("messageerror", current.onWorkerError as EventListener)
    current.port.onmessage = (event: MessageEvent<FromWorker>) => receive(current, event.data)
    current.port.onmessageerror = () => crashed(current, "a message from the worker could not be read")
    // Messages posted before the worker listens wait in the port.
    for (let i = 0; i < waitingFlushes.length; i++) current.port.postMessage({ t: "flush", seq: waitingFlushes[i] })
    waitingFlushes.length = 0

    // happy-dom has `navigator.locks` as null.
    const locks = typeof navigator === "undefined" ? undefined : (navigator as { locks?: LockManager | null }).locks ?? undefined
    const lifeLock = locks === undefined ? undefined : `${LOCK_PREFIX}${nextLockId++}`
    const mountOptions: MountOptions = { rootId, lanes: tuning.settings, journal: log !== null, restore, lifeLock }
    current.control.remote.mount(Comlink.transfer(channel.port2, [channel.port2]), mountOptions).then(
      (reply: MountReply) => {
        if (!readySettled) {
          readySettled = true
          resolveReady()
        }
        everMounted = true
        if (current.dead || current !== session) return
        current.mounted = true
        if (reply.lifeLock && locks !== undefined && lifeLock !== undefined) {
          const abort = new AbortController()
          current.lock = abort
          // Granted only when the worker lets go: it unmounted (we abort first) or it died.
          locks.request(lifeLock, { signal: abort.signal }, () => crashed(current, "the worker stopped (it was terminated, or the browser killed it)")).catch(() => undefined)
        }
      },
      (error: unknown) => crashed(current, `the worker could not mount the root: ${describe(error)}`)
    )
  }

  /** Detaches this root from a worker; terminates it if no other root uses it. */
  const release = (current: Session): void => {
    current.dead = true
    current.lock?.abort()
    current.worker.removeEventListener("error", current.onWorkerError as EventListener)
    current.worker.removeEventListener("messageerror", current.onWorkerError as EventListener)
    current.port.onmessage = null
    current.port.onmessageerror = null
    current.port.close()
  }

  const crashedBeforeStart = (reason: string): void => {
    handleFailure("MountFailed", reason)
  }

  /** The worker of `current` is gone (or never came up): report it, then restart or give up. */
  const crashed = (current: Session, reason: string): void => {
    if (current.dead || current !== session || state !== LIVE) return
    // Commits that arrived before the crash match the DOM on screen: show them.
    commits.drain()
    release(current)
    releaseControl(current.worker, current.control)
    session = null
    handleFailure(current.mounted ? "WorkerCrashed" : "MountFailed", current.mounted ? reason : `the worker failed before it mounted the root (${reason})`)
  }

  const handleFailure = (kind: string, reason: string): void => {
    // A worker that never mounted the root fails the same way each time: no restart.
    const restartable = factory !== null && recovery !== null && log !== null && everMounted
    if (restartable && failedRestarts < recovery.retries) {
      const error = new WorkerError(kind, `${reason}. Restarting it from the last snapshot.`)
      failFlushes(error)
      onError(error)
      const delay = recovery.backoffMs * 2 ** failedRestarts
      failedRestarts++
      restartTimer = setTimeout(() => {
        restartTimer = null
        if (state === LIVE && log !== null) startSession(log.restoreState())
      }, delay)
      return
    }
    const gaveUp = restartable ? ` Gave up after ${failedRestarts} restart${failedRestarts === 1 ? "" : "s"} in a row.` : ""
    fail(new WorkerError(kind, `${reason}.${gaveUp}`), `${reason}.${gaveUp}`)
  }

  /** The end: nothing can run this root's app any more. Visible, reported, and every waiter told. */
  const fail = (error: WorkerError, reason: string): void => {
    state = FAILED
    failure = error
    commits.clear()
    failFlushes(error)
    delegation.detach()
    applier.reset()
    showErrorState(container, error.kind, reason)
    if (!readySettled) {
      readySettled = true
      rejectReady(error)
    }
    onError(error)
  }

  const sendTick = (): void => {
    tickScheduled = false
    if (state === LIVE) post({ t: "tick" })
  }

  startSession(undefined)

  return {
    ready,
    dispatch(msg: unknown, dispatchOptions?: DispatchOptions): void {
      if (state === UNMOUNTED) throw new RootUnmountedError("dispatch")
      if (state === FAILED) throw failure!
      let lane = LANE_DEFAULT
      if (dispatchOptions?.lane !== undefined) {
        lane = laneOf(dispatchOptions.lane)
        if (lane < 0) throw new InvalidOptionError("lane", dispatchOptions.lane, `one of ${LANE_NAMES.join(", ")}`)
      }
      try {
        // The journal keeps its own copy: what the worker got, whatever the caller does with `msg` later.
        if (log !== null) log.dispatched(structuredClone(msg), lane)
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
      if (state === UNMOUNTED) return Promise.reject(new RootUnmountedError("flush"))
      if (state === FAILED) return Promise.reject(failure)
      const seq = ++flushSeq
      return new Promise<void>((resolve, reject) => {
        flushes.set(seq, { resolve, reject })
        const current = session
        if (current !== null && !current.dead) current.port.postMessage({ t: "flush", seq })
        else waitingFlushes.push(seq)
      })
    },
    setLanes(next: LaneTuning): void {
      if (state === UNMOUNTED) throw new RootUnmountedError("setLanes")
      tuning = resolveTuning(tuning, next)
      commits.budgetMs = tuning.frameBudgetMs
      post({ t: "lanes", settings: tuning.settings })
    },
    async unmount(): Promise<void> {
      if (state === UNMOUNTED) return
      state = UNMOUNTED
      if (restartTimer !== null) clearTimeout(restartTimer)
      restartTimer = null
      commits.clear()
      failFlushes(new RootUnmountedError("flush"))
      delegation.detach()
      container.textContent = ""
      applier.reset()
      const current = session
      session = null
      if (current === null || current.dead) return
      release(current)
      try {
        // A crashed worker never answers: do not let unmount hang on it.
        await Promise.race([current.control.remote.unmount(rootId), new Promise<void>((resolve) => setTimeout(resolve, UNMOUNT_WAIT_MS))])
      } finally {
        releaseControl(current.worker, current.control)
      }
    },
    get stats(): RootStats {
      return {
        ...stats,
        nodes: applier.nodeCount,
        strings: applier.stringCount,
        listeners: delegation.types.size,
        queuedCommits: commits.length,
        lastCommit,
        journalLength: log?.length ?? 0
      }
    }
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}
