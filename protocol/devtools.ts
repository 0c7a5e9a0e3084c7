/**
 * The devtools channel's messages (docs/devtools.md, "The devtools panel"): what a panel
 * asks and what the page's host answers and pushes, over a BroadcastChannel. Plain data,
 * shared by the host (src/devtools/expose.ts) and the panel's worker (workers/devtools/).
 *
 * @since 0.1.0
 */
import type { CommitProfile, InspectNodeInfo } from "./inspect.ts"
import type { RootStats, WorkerTables } from "./messages.ts"
import type { HistoryFile } from "./state.ts"

/** The channel name panels and hosts use unless told otherwise. */
export const DEFAULT_DEVTOOLS_CHANNEL = "shuttle-devtools"
/** Marks on the channel's messages, so other users of the same channel name are ignored. */
export const PANEL_SOURCE = "shuttle-devtools/panel"
export const HOST_SOURCE = "shuttle-devtools/host"

/** What a panel asks. `root` names one of the exposed roots. */
export type DevtoolsRequest =
  | { readonly op: "hello" }
  | { readonly op: "tree"; readonly root: string; readonly limit?: number }
  | { readonly op: "node"; readonly root: string; readonly id: number }
  | { readonly op: "stats"; readonly root: string }
  | { readonly op: "pick"; readonly on: boolean }
  /** Starts (clearing what was recorded) or stops recording commits, with per-component profiling on every root. */
  | { readonly op: "profile"; readonly on: boolean }
  /** The recorded commits as a JSON text (`ProfileFile`). */
  | { readonly op: "profileExport" }
  | { readonly op: "historyInfo"; readonly root: string }
  | { readonly op: "historyEntries"; readonly root: string; readonly from: number; readonly to: number }
  | { readonly op: "modelAt"; readonly root: string; readonly index: number }
  | { readonly op: "jumpTo"; readonly root: string; readonly index: number }
  | { readonly op: "resume"; readonly root: string }
  | { readonly op: "historyExport"; readonly root: string }
  | { readonly op: "historyImport"; readonly root: string; readonly file: HistoryFile }

/** A panel's message on the channel. `panel` tells panels apart: replies carry it back. */
export interface PanelMessage {
  readonly source: typeof PANEL_SOURCE
  readonly panel: string
  readonly id: number
  readonly request: DevtoolsRequest
}

/** One commit as the panel sees it: CommitStats flattened to plain data, with its root and time. */
export interface CommitRecord {
  readonly root: string
  readonly commitId: number
  readonly lane: number
  readonly laneName: string
  readonly messages: number
  readonly updateMs: number
  readonly viewMs: number
  readonly diffMs: number
  readonly encodeMs: number
  readonly applyMs: number
  readonly patchBytes: number
  readonly slices: number
  readonly interruptions: number
  readonly expired: boolean
  /** performance.now() on the page when the commit was applied. */
  readonly time: number
  readonly worker?: WorkerTables
  readonly profile?: CommitProfile
}

/** A root's counters as the inspector shows them (RootStats without its last commit). */
export type StatsSummary = Omit<RootStats, "lastCommit"> & { readonly worker: WorkerTables | null }

export interface RootSummary {
  readonly name: string
  readonly pickable: boolean
}

/** What the host pushes to every panel. */
export type DevtoolsEvent =
  | { readonly type: "roots"; readonly roots: readonly RootSummary[]; readonly picking: boolean; readonly recording: boolean }
  /** `recorded`: the host keeps it in the profile being recorded (the panel lists the same commits). */
  | { readonly type: "commit"; readonly commit: CommitRecord; readonly recorded: boolean }
  | { readonly type: "picked"; readonly root: string; readonly node: InspectNodeInfo | null; readonly stats: StatsSummary }
  | { readonly type: "pick"; readonly on: boolean }
  | { readonly type: "recording"; readonly on: boolean }
  | { readonly type: "closed" }

export type HostMessage =
  | {
    readonly source: typeof HOST_SOURCE
    readonly kind: "reply"
    readonly panel: string
    readonly id: number
    readonly request: DevtoolsRequest
    readonly ok: boolean
    readonly value?: unknown
    readonly error?: string
  }
  | { readonly source: typeof HOST_SOURCE; readonly kind: "event"; readonly event: DevtoolsEvent }

/** The JSON that "export" gives in the profiler. */
export interface ProfileFile {
  readonly format: "shuttle-profile"
  readonly version: 1
  readonly exportedAt: number
  readonly commits: readonly CommitRecord[]
}
