import type { RenderErrorKind, StateErrorKind } from "./errors.ts"
import type { CommitProfile } from "./inspect.ts"
import type { LaneName, LaneSettings } from "./lanes.ts"

/**
 * Messages between the main thread and the worker.
 *
 * Two channels per root: comlink carries the control calls (`WorkerApi`); a dedicated
 * MessagePort carries the data: dispatches, DOM events, patch buffers and their acks.
 * Keeping the data off comlink avoids its per-call bookkeeping on the hot path.
 *
 * @since 0.1.0
 */

/** A DOM event as the worker sees it: plain data, serialized on the main thread. */
export interface ShuttleEvent {
  readonly type: string
  /** Node id of the element whose handler runs. */
  readonly currentTarget: number
  /** Node id of the innermost Shuttle node the event came from. */
  readonly target: number
  readonly value?: string
  readonly checked?: boolean
  readonly key?: string
  readonly code?: string
  readonly altKey: boolean
  readonly ctrlKey: boolean
  readonly metaKey: boolean
  readonly shiftKey: boolean
  readonly button?: number
  readonly clientX?: number
  readonly clientY?: number
  readonly deltaX?: number
  readonly deltaY?: number
}

/** What one commit did, measured in the worker; the main thread adds apply time and bytes. */
/**
 * A commit's phases in the order they run, each with its milliseconds' field in CommitInfo
 * (`applyMs`, the page's, in CommitStats). The monitor and the devtools timeline read them.
 */
export const COMMIT_PHASES = [
  ["update", "updateMs"],
  ["view", "viewMs"],
  ["diff", "diffMs"],
  ["encode", "encodeMs"],
  ["apply", "applyMs"]
] as const

export interface CommitInfo {
  /** Lane number (0 sync … 4 idle). */
  readonly lane: number
  /** Messages shown for the first time by this commit. */
  readonly messages: number
  readonly updateMs: number
  readonly viewMs: number
  /** Diff, which writes the ops as it goes. */
  readonly diffMs: number
  /** Header, string section and table upkeep. */
  readonly encodeMs: number
  /** Slices the render took (1 unless sliced). */
  readonly slices: number
  /** Renders of this lane thrown away for higher-priority work before this one committed. */
  readonly interruptions: number
  /** The lane had waited past its timeout (or a flush was waiting) and rendered unsliced. */
  readonly expired: boolean
  /** The id of the page's credit this commit spent (Default, Transition and Idle commits that did not expire). */
  readonly credit?: number
  /** The worker's tables after this commit: watch them to see memory stay flat. */
  readonly worker?: WorkerTables
  /** Per-component render timing and the slowest update, while devtools have profiling on (`root.inspect({ q: "profile", on: true })`). */
  readonly profile?: CommitProfile
}

/** Sizes of one root's tables in the worker. */
export interface WorkerTables {
  /** Node ids the main thread holds. */
  readonly liveNodes: number
  /** Released ids waiting for an ack before reuse. */
  readonly waitingIds: number
  /** Interned strings. */
  readonly strings: number
  /** Patch buffers back from the main thread, ready for reuse. */
  readonly pooledBuffers: number
  /** ArrayBuffers the encoder ever allocated (flat once warm). */
  readonly bufferAllocations: number
  /** Cached resources. */
  readonly resources: number
  /** Running subscriptions. */
  readonly subscriptions: number
}

/** Main → worker, on the data port. */
export type ToWorker =
  | { readonly t: "dispatch"; readonly msg: unknown; readonly lane: number }
  /** Sent once at the end of every main-thread task that dispatched: the batch is complete. */
  | { readonly t: "tick" }
  | {
    readonly t: "event"
    readonly seq: number
    /** Handler node ids, innermost first, cut after a node that stops propagation. */
    readonly path: readonly number[]
    readonly event: Omit<ShuttleEvent, "currentTarget">
  }
  /** A port commit is applied; `buffer` is its buffer, given back for reuse. (A ring commit's ack is the ring's AppliedCommit word.) */
  | { readonly t: "ack"; readonly commitId: number; readonly buffer: ArrayBuffer }
  | { readonly t: "flush"; readonly seq: number }
  /**
   * The page can apply one Default, Transition or Idle commit before anything urgent: its
   * queue is empty and input is quiet. Void if a discrete event after `eventSeq` reached the worker.
   */
  | { readonly t: "credit"; readonly id: number; readonly eventSeq: number }
  | { readonly t: "lanes"; readonly settings: LaneSettings }
  /** A state-tools request (docs/state.md); answered by a `state` reply with the same id. */
  | { readonly t: "state"; readonly id: number; readonly request: StateRequest }

/** What the page asks of a root's state (src/root/state-client.ts; workers/runtime/state-tools.ts). */
export type StateRequest =
  | { readonly op: "snapshot" }
  | { readonly op: "restore"; readonly snapshot: unknown }
  | { readonly op: "info" }
  | { readonly op: "entries"; readonly from: number; readonly to: number }
  | { readonly op: "jump"; readonly index: number }
  | { readonly op: "resume" }
  | { readonly op: "export" }
  | { readonly op: "import"; readonly file: unknown }
  /** The model after message `index` of the history (encoded), without showing it. */
  | { readonly op: "modelAt"; readonly index: number }
  /** A devtools query about the worker's tree (workers/runtime/inspect.ts). */
  | { readonly op: "inspect"; readonly query: unknown }

/** Worker → main, on the data port. */
export type FromWorker =
  | { readonly t: "commit"; readonly buffer: ArrayBuffer; readonly info: CommitInfo }
  /**
   * Commit `commitId` is in the shared ring (protocol/ring): a doorbell for an idle page,
   * and the commit's stats. The page may have drained and applied it already.
   */
  | { readonly t: "ring"; readonly commitId: number; readonly info: CommitInfo }
  | { readonly t: "flushed"; readonly seq: number }
  /** The worker runs the program: `mount` was called (the page stops waiting for a sign of `runProgram`). */
  | { readonly t: "mounting" }
  /** A failure in the app's code; `message` names the fix, `cause` is the original error as data. */
  | { readonly t: "error"; readonly kind: RenderErrorKind; readonly message: string; readonly cause?: ErrorData }
  /** Recovery journal: messages born in the worker since the last post, and what commits settled. */
  | { readonly t: "journal"; readonly first: number; readonly entries: readonly JournalEntry[]; readonly marks: readonly JournalMark[] }
  /**
   * Recovery snapshot: the model after every settled message (the queue's base), which
   * folds in the first `dispatches` main-thread messages and the first `born` worker ones.
   */
  | { readonly t: "snapshot"; readonly model: unknown; readonly dispatches: number; readonly born: number }
  /** The model or a message could not be cloned: this root cannot be restored after a crash. */
  | { readonly t: "unrecoverable"; readonly message: string }
  /** The answer to a `state` request. */
  | { readonly t: "state"; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly t: "state"; readonly id: number; readonly ok: false; readonly kind: StateErrorKind; readonly message: string; readonly path: string }
  /** The state tools refused something nobody asked about: a message that does not decode, a stored model. */
  | { readonly t: "state-error"; readonly kind: StateErrorKind; readonly message: string; readonly path: string }
  /**
   * A hot swap (new code in this worker, docs/hmr.md) was applied (`ok`), or refused, or
   * applied from init because the model did not decode (`message` says which, for Vite's overlay).
   */
  | { readonly t: "hot"; readonly ok: boolean; readonly message: string }
  /** The program's schema hashes (once, after mounting): stored and exported with its models. */
  | { readonly t: "hashes"; readonly modelHash: string; readonly msgHash: string }

/** An error as plain data, so that it can cross to the page whatever it held. */
export interface ErrorData {
  readonly name: string
  readonly message: string
  readonly stack?: string
}

/**
 * A message born in the worker (from an event handler, a command, a component's effect or
 * a subscription), sent to the main thread so that a restarted worker can replay it.
 */
export interface JournalEntry {
  readonly msg: unknown
  readonly lane: number
  /** Main-thread messages the worker had queued before this one: where it goes in the replay. */
  readonly after: number
}

/**
 * A commit (or a render whose view threw) settled, among the first `dispatches`
 * main-thread messages and the first `born` worker messages, every pending one of lane
 * `lane` or higher priority: as shown (its commands started), or as rejected.
 */
export interface JournalMark {
  readonly lane: number
  readonly dispatches: number
  readonly born: number
  readonly rejected: boolean
}

/** A message a restarted worker folds again, in order, before its first render. */
export interface ReplayEntry {
  readonly msg: unknown
  /** A commit showed it before the crash: its commands ran then and are not run again. */
  readonly shown: boolean
  /**
   * Born in the worker: it is the worker's own value, already decoded, and goes to update as
   * it is. Otherwise it was dispatched from the page and is decoded again (the message
   * Schema). Absent in records stored before it existed: decoded.
   */
  readonly decoded?: boolean
}

/** What a restarted worker starts from: the last snapshot (or the program's init) and the messages after it. */
export interface RestoreState {
  readonly hasModel: boolean
  readonly model: unknown
  readonly replay: readonly ReplayEntry[]
  /**
   * The model comes from storage (the `persist` option), written under this model hash: the
   * worker checks it (hash, then the model Schema) and starts from init if it cannot be used.
   */
  readonly persistedHash?: string
}

/** Options sent with `mount`. */
export interface MountOptions {
  readonly rootId: number
  readonly lanes: LaneSettings
  /** The commit ring (the page is cross-origin isolated): commits that fit go through it, the rest by the port. */
  readonly ring?: SharedArrayBuffer
  /** Post snapshots and journal entries (the main thread can restart a crashed worker). */
  readonly journal?: boolean
  /** Start from this state instead of the program's init (a restart after a crash). */
  readonly restore?: RestoreState
  /** Keep the message history for time travel, up to this many bytes (0: off). */
  readonly historyBytes?: number
  /** A Web Lock the worker holds while the root lives; the main thread learns of its death when it is released. */
  readonly lifeLock?: string
}

/** What `mount` answers. */
export interface MountReply {
  /** The worker holds `lifeLock`. */
  readonly lifeLock: boolean
}

/** The control API that the worker exposes over comlink. */
export interface WorkerApi {
  mount(port: MessagePort, options: MountOptions): Promise<MountReply>
  unmount(rootId: number): Promise<void>
}

/** What one commit did: measured in the worker (update, view, diff, encode) and on the main thread (apply). */
export interface CommitStats extends CommitInfo {
  readonly commitId: number
  readonly laneName: LaneName
  readonly patchBytes: number
  /** Main-thread milliseconds to validate and apply the patch list. */
  readonly applyMs: number
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
  /** Crashed workers replaced by a new one whose first commit is on screen. */
  readonly restarts: number
  /** Messages held on this thread to replay after a crash (those after the last snapshot). */
  readonly journalLength: number
}
