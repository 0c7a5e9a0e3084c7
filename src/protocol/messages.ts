import type { LaneSettings } from "./lanes.ts"

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
  | { readonly t: "ack"; readonly commitId: number; readonly buffer: ArrayBuffer }
  | { readonly t: "flush"; readonly seq: number }
  | { readonly t: "lanes"; readonly settings: LaneSettings }

/** Worker → main, on the data port. */
export type FromWorker =
  | { readonly t: "commit"; readonly buffer: ArrayBuffer; readonly info: CommitInfo }
  | { readonly t: "flushed"; readonly seq: number }
  | { readonly t: "error"; readonly kind: string; readonly message: string }

/** Options sent with `mount`. */
export interface MountOptions {
  readonly rootId: number
  readonly lanes: LaneSettings
}

/** The control API that the worker exposes over comlink. */
export interface WorkerApi {
  mount(port: MessagePort, options: MountOptions): Promise<void>
  unmount(rootId: number): Promise<void>
}
