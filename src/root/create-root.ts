import { Applier } from "../dom/applier.ts"
import { EventDelegation } from "../dom/event-delegation.ts"
import { checkPlaceholder, showErrorState, showPlaceholder } from "../dom/placeholder.ts"
import {
  InvalidOptionError,
  MessageNotCloneableError,
  RootUnmountedError,
  type ShuttleError,
  StateError,
  WorkerError,
  type WorkerErrorKind
} from "../../protocol/errors.ts"
import { eventLane, LANE_DEFAULT, LANE_NAMES, LANE_SYNC, laneOf } from "../../protocol/lanes.ts"
import type { ErrorData, RestoreState, StateRequest, ToWorker } from "../../protocol/messages.ts"
import { CommitPipeline } from "./commit-pipeline.ts"
import { CreditGate } from "./credit-gate.ts"
import { commitRingSupported, createCommitRing } from "../../protocol/ring/ring-layout.ts"
import { FlushRegistry } from "./flush-registry.ts"
import { defaultTuning, type LaneTuning, resolveTuning } from "./lane-options.ts"
import { RecoveryLog, resolveRecovery } from "./recovery.ts"
import { RestartPolicy } from "./restart-policy.ts"
import type { Cloneable, CommitStats, DispatchOptions, Root, RootOptions, RootStats, WorkerSource } from "./root-api.ts"
import { resolveMountTimeout, type SessionMessage, type SessionOwner, WorkerSession } from "./worker-session.ts"
import { resolveHistory, StateClient } from "./state-client.ts"
import { clearHotError, showHotError } from "./hot-overlay.ts"
import { hmrHandoff } from "../state/hmr-handoff.ts"
import { moveAside, PersistWriter, type PersistedRecord, readPersisted, resolvePersist } from "../state/persistence.ts"
import type { HistoryEntry, HistoryFile, HistoryInfo, Snapshot } from "../../protocol/state.ts"

let nextRootId = 1
/** Data bytes of a root's commit ring: a 1,000-row create (about 425 kB) fits; bigger lists go by the port. */
const RING_BYTES = 1 << 20

const LIVE = 0
const FAILED = 1
const UNMOUNTED = 2

/** A failure of the root's worker, on its way to a restart or the error state. */
interface Failure {
  readonly kind: WorkerErrorKind
  /** What happened and what to do, as a clause. */
  readonly reason: string
  readonly cause?: unknown
}

/**
 * Mounts the program served by `worker` into `container`. The container's content is
 * replaced by the app's view (after `placeholder`, if given); the worker runs update,
 * view and diff, and this thread only applies patch lists and forwards events.
 *
 * Give a function that starts the worker to have a crashed worker restarted from the
 * last snapshot (see `recover`); with a Worker object, a crash ends in the error state.
 * Name the app's message type to have `dispatch` check it: `createRoot<Msg>(…)`.
 *
 * @since 0.1.0
 * @example
 * type Msg = { type: "add" } | { type: "remove"; id: number }
 * const root = createRoot<Msg>(document.getElementById("app")!, () => new Worker(new URL("./app.worker.js", import.meta.url), { type: "module" }), {
 *   placeholder: "<p>Loading…</p>"
 * })
 * root.dispatch({ type: "add" })
 * await root.flush()
 */
export function createRoot<Msg = Cloneable>(container: Element, worker: WorkerSource, options: RootOptions<Msg> = {}): Root<Msg> {
  let tuning = resolveTuning(defaultTuning(), options)
  const recovery = resolveRecovery(options.recover)
  const policy = new RestartPolicy(recovery)
  const mountTimeoutMs = resolveMountTimeout(options.mountTimeoutMs)
  const placeholder = checkPlaceholder(options.placeholder)
  const historyBytes = resolveHistory(options.history)
  const rootId = nextRootId++
  // Under the shuttle-ui/vite dev server, a root without `persist` hands its model over a reload (docs/hmr.md).
  const handoff = options.persist === undefined ? hmrHandoff(rootId) : null
  const persist = resolvePersist(options.persist) ?? handoff?.persist ?? null
  /** Read the stored model before the first worker starts (not for a handoff after a reload by hand). */
  const readStored = handoff === null || handoff.restore
  const hasFactory = typeof worker === "function"
  const onError = options.onError ?? ((error: ShuttleError) => console.error(error))
  /** Snapshot and journal, kept only when a crashed worker can be replaced. */
  // Persistence writes it too: the last snapshot and the messages after it.
  let log = (hasFactory && recovery !== null) || persist !== null ? new RecoveryLog() : null
  const flushes = new FlushRegistry()

  let session: WorkerSession | null = null
  let state = LIVE
  /** The error the root ended with (state FAILED). */
  let failure: WorkerError | null = null
  /** Some worker mounted the root once: its script works, so a crash may be worth a restart. */
  let everMounted = false
  let eventSeq = 0
  let tickScheduled = false
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
  const post = (message: ToWorker, transfer?: Transferable[]): boolean => {
    if (session !== null) return session.post(message, transfer)
    // The stored model is being read: what the app sends meanwhile goes to the first worker.
    if (early === null) return false
    early.push(message)
    return true
  }
  /** Messages posted before the first session starts (while `persist` reads), or null. */
  let early: ToWorker[] | null = persist === null ? null : []
  /** The stored model the first worker starts from, until it takes or refuses it. */
  let persisted: PersistedRecord | null = null
  /** Writes the model (its snapshots) to storage, with the `persist` option. */
  let writer: PersistWriter | null = null
  let modelHash = ""
  const stateRequests = new StateClient(post)
  /** `observeCommits` listeners (a monitor, devtools). */
  const commitListeners = new Set<(commit: CommitStats) => void>()
  const delegation = new EventDelegation(container, (path, event, target) => {
    // After a crash the DOM on screen is the old worker's: its node ids mean nothing to the new one.
    if (session === null || !pipeline.committed) return
    const seq = ++eventSeq
    if (event.value !== undefined || event.checked !== undefined) applier.noteInput(target, seq)
    post({ t: "event", seq, path, event })
    const discrete = eventLane(event.type, tuning.settings.eventLanes) === LANE_SYNC
    // The user acts: heavy commits wait until input is quiet (the worker voids the credit too).
    if (discrete) credits.inputSent()
    // Text entry's answer is awaited briefly (answerWaitMs), to show with the typed character.
    const waitsInHandler = discrete && tuning.answerWaitEvents.has(event.type)
    const answered = waitsInHandler && pipeline.awaitAnswer(seq, tuning.answerWaitMs)
    // Whatever the ring holds is applied now, not after the frames and input queued before
    // its message; an answer not there yet is polled for at the next frames. (After
    // noteInput: a commit rendered before this keystroke must not set the input's value.)
    pipeline.pump()
    // A discrete event that did not wait in its handler has its first frame wait instead (once).
    if (!answered) pipeline.expectAnswer(seq, discrete && !waitsInHandler ? tuning.answerWaitMs : 0)
  })
  // Refused unsafe values (docs/safety.md) are reported as UnsafeValueError; the rest of the commit applies.
  const applier = new Applier(container, delegation, onError)
  delegation.attach(applier)
  showPlaceholder(container, placeholder)
  const pipeline = new CommitPipeline({
    apply: (buffer) => applier.apply(buffer),
    resetView: () => {
      delegation.detach()
      applier.reset()
      container.textContent = ""
      delegation.attach(applier)
    },
    ack: (commitId, buffer) => {
      // A ring copy's ack is the ring's AppliedCommit word, which the worker reads before it renders.
      if (buffer !== null) post({ t: "ack", commitId, buffer }, [buffer])
      credits.offerAfterRender()
    },
    arrived: (info, applied) => {
      credits.received(info)
      // Applied before its doorbell: its ack offered while the gate still counted its credit.
      if (applied) credits.offerAfterRender()
    },
    ringBroken: (error) => failed({ kind: "WorkerCrashed", reason: `the commit ring was corrupted (${error.message}); the worker is replaced`, cause: error }),
    onCommit: (commit) => {
      options.onCommit?.(commit)
      for (const listener of commitListeners) listener(commit)
    },
    onError
  }, tuning.frameBudgetMs)
  const credits = new CreditGate({
    canApply: () => session !== null && pipeline.committed && pipeline.length === 0,
    grant: (id, seq) => void post({ t: "credit", id, eventSeq: seq }),
    eventSeq: () => eventSeq,
    now: () => performance.now()
  }, tuning.inputQuietMs)

  const owner: SessionOwner = {
    received(from, data) {
      if (from === session) receive(data)
    },
    mounted() {
      everMounted = true
      if (!readySettled) {
        readySettled = true
        resolveReady()
      }
    },
    failed(from, sessionFailure) {
      if (from === session) failed(sessionFailure)
    }
  }

  const receive = (data: SessionMessage): void => {
    switch (data.t) {
      case "commit":
        pipeline.receive(data.buffer, data.info)
        break
      case "ring":
        pipeline.doorbell(data.commitId, data.info)
        break
      case "flushed":
        // Everything the flush waited for has arrived: apply it now rather than at the next frame.
        pipeline.drain()
        flushes.resolve(data.seq)
        break
      case "error":
        onError(new WorkerError(data.kind, data.message, { cause: reviveCause(data.cause) }))
        break
      case "journal":
        log?.journal(data.first, data.entries, data.marks)
        writer?.changed(undefined, modelHash)
        break
      case "snapshot":
        log?.snapshot(data.model, data.dispatches, data.born)
        writer?.changed(undefined, modelHash)
        // The worker got past its replay and committed: a later crash may restart it again.
        policy.proved()
        break
      case "state":
        stateRequests.answer(data)
        break
      case "state-error":
        if (data.kind !== "MessageRejected" && persisted !== null && persist !== null) {
          // The worker could not use the stored model: keep it aside, not silently lost.
          const record = persisted
          persisted = null
          void moveAside(persist, record, data.message).then((error) => {
            if (error !== null) onError(error)
          })
        }
        onError(new StateError(data.kind, data.message, { path: data.path }))
        break
      case "hot":
        // The worker took new code (docs/hmr.md), or kept the old: a refusal's RenderError reached onError already.
        if (data.ok) clearHotError()
        else showHotError(data.message)
        break
      case "hashes":
        modelHash = data.modelHash
        // The worker took the stored model, or refused it just before.
        persisted = null
        break
      case "unrecoverable":
        if (log !== null) {
          log = null
          // Nothing is left to save: the writer's source reads the log.
          writer?.stop()
          writer = null
          onError(new WorkerError("SnapshotFailed", data.message))
        }
        break
    }
  }

  const startSession = (restore: RestoreState | undefined, restarted: boolean): void => {
    // A cross-origin isolated page shares a commit ring with each worker it starts.
    const ring = options.ring !== false && commitRingSupported() ? createCommitRing(RING_BYTES) : undefined
    const current = new WorkerSession({ source: worker, rootId, lanes: tuning.settings, journal: log !== null, restore, restarted, mountTimeoutMs, ring, historyBytes }, owner)
    session = current
    pipeline.startWorker(current.restored, ring ?? null)
    credits.reset()
    // Messages posted before the worker listens wait in the port.
    if (early !== null) {
      for (const message of early) current.post(message)
      early = null
    }
    flushes.sendWaiting((seq) => current.post({ t: "flush", seq }))
    current.start()
  }

  /**
   * The one failure path: the worker of the running session is gone or never came up.
   * Report it, then restart from the last snapshot or give up (the error state).
   */
  const failed = (cause: Failure): void => {
    if (state !== LIVE) return
    const current = session
    if (current !== null) {
      // Commits that arrived before the failure match the DOM on screen: show them.
      pipeline.drain()
      current.release()
      session = null
    }
    const recoverable = hasFactory && recovery !== null && log !== null && everMounted
    const decision = policy.onFailure(recoverable, () => {
      if (state === LIVE && log !== null) startSession(log.restoreState(), true)
    })
    if (decision.restart) {
      const error = new WorkerError(cause.kind, `${cause.reason}. Restarting it from the last snapshot`, { cause: cause.cause })
      flushes.rejectAll(error)
      stateRequests.rejectAll(error)
      onError(error)
      return
    }
    const gaveUp = decision.tried === null
      ? notRestartable(cause.kind, hasFactory, recovery === null, log === null)
      : `. Gave up after ${decision.tried} restart${decision.tried === 1 ? "" : "s"} in a row`
    end(new WorkerError(cause.kind, `${cause.reason}${gaveUp}`, { cause: cause.cause }))
  }

  /** Nothing can run this root's app any more: visible, reported, and every waiter told. */
  const end = (error: WorkerError): void => {
    state = FAILED
    failure = error
    writer?.stop()
    writer = null
    credits.stop()
    pipeline.clear()
    flushes.rejectAll(error)
    stateRequests.rejectAll(error)
    delegation.detach()
    applier.reset()
    showErrorState(container, error.kind, error.reason)
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

  /** Sends a state request to the running worker (docs/state.md). */
  const ask = <T>(request: StateRequest, action: string): Promise<T> => {
    if (state === UNMOUNTED) return Promise.reject(new RootUnmountedError(action))
    if (failure !== null) return Promise.reject(failure)
    return stateRequests.request<T>(request, () => new WorkerError("WorkerCrashed", `no worker runs this root right now (it is being restarted), so it cannot ${action}; try again once root.flush() resolves`))
  }
  const history = {
    info: () => ask<HistoryInfo>({ op: "info" }, "read its history"),
    entries: (from: number, to: number) => ask<HistoryEntry[]>({ op: "entries", from, to }, "read its history"),
    jumpTo: (index: number) => askThenShow({ op: "jump", index }, "travel in its history"),
    resume: () => askThenShow({ op: "resume" }, "resume"),
    export: () => ask<HistoryFile>({ op: "export" }, "export its history"),
    import: (file: HistoryFile) => askThenShow({ op: "import", file }, "import a history"),
    modelAt: (index: number) => ask<unknown>({ op: "modelAt", index }, "read its history")
  }
  /** Waits until what the worker sent so far is on screen (a flush, which travel cannot hold: it asks after the answer). */
  const drainNow = (): Promise<void> => flushes.request((seq) => post({ t: "flush", seq }))
  /** A request whose answer is a commit (a jump, a restore): resolves once that commit is on screen. */
  const askThenShow = async (request: StateRequest, action: string): Promise<void> => {
    await ask<null>(request, action)
    await drainNow()
  }

  if (persist === null) startSession(undefined, false)
  else {
    // The stored model first, so the first commit shows it (no flash of the init view).
    void (readStored ? readPersisted(persist) : Promise.resolve({ record: null, error: null })).then(({ record, error }) => {
      if (error !== null) onError(error)
      if (state !== LIVE) return
      persisted = record
      const replay = record?.replay ?? []
      log?.replayed(replay)
      startSession(record === null ? undefined : { hasModel: true, model: record.model, replay, persistedHash: record.modelHash }, false)
      // Writes pull the freshest state when they happen: at pagehide, the messages the worker has not snapshotted yet are in it.
      writer = new PersistWriter(persist, onError, undefined, () => log === null || !log.hasSnapshot ? null : { model: log.model, modelHash, replay: log.replay() })
    })
  }

  return {
    container,
    history,
    snapshot: () => ask<Snapshot>({ op: "snapshot" }, "take a snapshot"),
    observeCommits(listener: (commit: CommitStats) => void): () => void {
      const own = (commit: CommitStats): void => listener(commit)
      commitListeners.add(own)
      return () => commitListeners.delete(own)
    },
    inspect: (query: unknown) => ask<unknown>({ op: "inspect", query }, "answer a devtools query"),
    restore: (snapshot: Snapshot) => askThenShow({ op: "restore", snapshot }, "restore a snapshot"),
    ready,
    dispatch(msg: Msg, dispatchOptions?: DispatchOptions): void {
      if (state === UNMOUNTED) throw new RootUnmountedError("dispatch")
      if (failure !== null) throw failure
      let lane = LANE_DEFAULT
      if (dispatchOptions?.lane !== undefined) {
        lane = laneOf(dispatchOptions.lane)
        if (lane < 0) throw new InvalidOptionError("lane", dispatchOptions.lane, `one of ${LANE_NAMES.join(", ")}`)
      }
      try {
        // The journal keeps its own copy: what the worker got, whatever the caller does with `msg` later.
        if (log !== null) log.dispatched(structuredClone(msg), lane)
        writer?.changed(undefined, modelHash)
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
      if (failure !== null) return Promise.reject(failure)
      return drainNow()
    },
    setLanes(next: LaneTuning): void {
      if (state === UNMOUNTED) throw new RootUnmountedError("setLanes")
      tuning = resolveTuning(tuning, next)
      pipeline.budgetMs = tuning.frameBudgetMs
      credits.quietMs = tuning.inputQuietMs
      post({ t: "lanes", settings: tuning.settings })
    },
    async unmount(): Promise<void> {
      if (state === UNMOUNTED) return
      state = UNMOUNTED
      policy.cancel()
      credits.stop()
      pipeline.clear()
      flushes.rejectAll(new RootUnmountedError("flush"))
      stateRequests.rejectAll(new RootUnmountedError("answer a state request"))
      delegation.detach()
      container.textContent = ""
      applier.reset()
      const current = session
      session = null
      early = null
      // What the page holds (the last snapshot and the messages after it) is saved before the root goes.
      const saving = writer
      writer = null
      if (saving !== null) await saving.flushNow().finally(() => saving.stop())
      await current?.unmount()
    },
    get stats(): RootStats {
      return {
        ...pipeline.counters,
        nodes: applier.nodeCount,
        strings: applier.stringCount,
        listeners: delegation.types.size,
        queuedCommits: pipeline.length,
        lastCommit: pipeline.lastCommit,
        journalLength: log?.length ?? 0
      }
    }
  }
}

/** Why a failed worker was not restarted, and how to have it restarted next time. */
function notRestartable(kind: WorkerErrorKind, hasFactory: boolean, recoveryOff: boolean, noLog: boolean): string {
  // A worker that never mounted fails the same way each time: its reason already says what to fix.
  if (kind !== "WorkerCrashed") return ""
  if (!hasFactory) return ". To have a crashed worker restarted, give createRoot a function that starts it, () => new Worker(…)"
  if (recoveryOff) return ". It was not restarted: recover is false"
  if (noLog) return ". It was not restarted: the model or a message cannot be structured-cloned (see the SnapshotFailed error), so keep them plain data"
  return ""
}

/** The worker's error as an Error on this thread, for `cause`. */
function reviveCause(data: ErrorData | undefined): Error | undefined {
  if (data === undefined) return undefined
  const error = new Error(data.message)
  error.name = data.name
  if (data.stack !== undefined) error.stack = data.stack
  return error
}
