import * as Effect from "effect/Effect"
import { type Command, withCommand } from "../program.ts"
import type { CommitRecord, DevtoolsRequest, HostMessage, RootSummary, StatsSummary } from "../../protocol/devtools.ts"
import type { InspectNodeInfo, InspectTree } from "../../protocol/inspect.ts"
import type { HistoryEntry, HistoryInfo } from "../../protocol/state.ts"
import { clause } from "../../protocol/errors.ts"
import { diffModels, type ModelDiff } from "./model-diff.ts"

/**
 * The devtools panel's model and update: what the panel knows of the page's roots (from
 * the host's replies and events) and what the user chose. Requests to the host are
 * commands; the host's answers come back as `{ type: "host" }` messages.
 *
 * @since 0.1.0
 */

export type Tab = "components" | "inspector" | "profiler" | "state"

/** Commits the profiler keeps, newest last. */
export const MAX_COMMITS = 2000
/** Messages the State view lists (the newest). */
export const MAX_ENTRIES = 300
/** At most one refresh of the tree or history per this many ms while the app commits. */
export const REFRESH_MS = 250

export interface Picked {
  readonly root: string
  readonly node: InspectNodeInfo | null
  readonly stats: StatsSummary
}

export interface PanelModel {
  readonly connected: boolean
  readonly roots: readonly RootSummary[]
  readonly root: string | null
  readonly tab: Tab
  readonly error: string | null
  /** A throttled refresh is waiting (REFRESH_MS). */
  readonly refreshing: boolean
  // Components
  readonly tree: InspectTree | null
  readonly expandAll: boolean
  /** Tree paths opened or closed by hand, over the default. */
  readonly opened: Readonly<Record<string, boolean>>
  readonly selectedPath: string | null
  // Inspector
  readonly picking: boolean
  readonly picked: Picked | null
  // Profiler
  readonly recording: boolean
  readonly commits: readonly CommitRecord[]
  readonly selectedCommit: number | null
  readonly budgetMs: number
  readonly profileJson: string | null
  // State
  readonly historyInfo: HistoryInfo | null
  readonly entries: readonly HistoryEntry[]
  readonly selectedEntry: number | null
  readonly modelBefore: { readonly index: number; readonly value: unknown } | null
  readonly modelAfter: { readonly index: number; readonly value: unknown } | null
  readonly diff: ModelDiff | null
  readonly historyJson: string | null
  readonly importText: string
}

export type PanelMsg =
  | { readonly type: "host"; readonly message: HostMessage }
  | { readonly type: "tab"; readonly tab: Tab }
  | { readonly type: "selectRoot"; readonly root: string }
  | { readonly type: "refresh" }
  | { readonly type: "toggleNode"; readonly path: string; readonly open: boolean }
  | { readonly type: "expandAll"; readonly on: boolean }
  | { readonly type: "selectNode"; readonly path: string }
  | { readonly type: "pick"; readonly on: boolean }
  | { readonly type: "record"; readonly on: boolean }
  | { readonly type: "exportProfile" }
  | { readonly type: "selectCommit"; readonly index: number }
  | { readonly type: "budget"; readonly value: string }
  | { readonly type: "selectEntry"; readonly index: number }
  | { readonly type: "jump"; readonly index: number }
  | { readonly type: "resume" }
  | { readonly type: "exportHistory" }
  | { readonly type: "importText"; readonly text: string }
  | { readonly type: "importHistory" }
  | { readonly type: "dismiss" }

export const initPanel: PanelModel = {
  connected: false,
  roots: [],
  root: null,
  tab: "components",
  error: null,
  refreshing: false,
  tree: null,
  expandAll: false,
  opened: {},
  selectedPath: null,
  picking: false,
  picked: null,
  recording: false,
  commits: [],
  selectedCommit: null,
  budgetMs: 16,
  profileJson: null,
  historyInfo: null,
  entries: [],
  selectedEntry: null,
  modelBefore: null,
  modelAfter: null,
  diff: null,
  historyJson: null,
  importText: ""
}

export type PanelResult = PanelModel | Command<PanelModel, PanelMsg>

/** The update, given how to send a request to the host. */
export function makePanelUpdate(send: (request: DevtoolsRequest) => void): (model: PanelModel, msg: PanelMsg) => PanelResult {
  const request = (model: PanelModel, ...requests: DevtoolsRequest[]): PanelResult =>
    requests.length === 0 ? model : withCommand<PanelModel, PanelMsg>(model, Effect.sync(() => {
      for (const r of requests) send(r)
    }))

  /** What the current tab needs from the host now. */
  const refreshRequests = (model: PanelModel): DevtoolsRequest[] => {
    if (model.root === null || !model.connected) return []
    if (model.tab === "components") return [{ op: "tree", root: model.root }]
    if (model.tab === "state") return [{ op: "historyInfo", root: model.root }]
    return []
  }

  const withDiff = (model: PanelModel): PanelModel => {
    const { modelBefore, modelAfter, selectedEntry } = model
    if (selectedEntry === null || modelBefore === null || modelAfter === null) return model
    if (modelAfter.index !== selectedEntry || modelBefore.index !== selectedEntry - 1) return model
    return { ...model, diff: diffModels(modelBefore.value, modelAfter.value) }
  }

  const onReply = (model: PanelModel, message: Extract<HostMessage, { kind: "reply" }>): PanelResult => {
    const r = message.request
    if (!message.ok) return { ...model, error: `${r.op}: ${message.error ?? "failed"}` }
    const value = message.value
    switch (r.op) {
      case "tree":
        return r.root === model.root ? { ...model, tree: value as InspectTree } : model
      case "historyInfo": {
        if (r.root !== model.root) return model
        const info = value as HistoryInfo
        return request({ ...model, historyInfo: info }, { op: "historyEntries", root: r.root, from: Math.max(info.start, info.end - MAX_ENTRIES), to: info.end })
      }
      case "historyEntries":
        return r.root === model.root ? { ...model, entries: value as HistoryEntry[] } : model
      case "modelAt": {
        if (r.root !== model.root || model.selectedEntry === null) return model
        if (r.index === model.selectedEntry) return withDiff({ ...model, modelAfter: { index: r.index, value } })
        if (r.index === model.selectedEntry - 1) return withDiff({ ...model, modelBefore: { index: r.index, value } })
        return model
      }
      case "jumpTo":
      case "resume":
      case "historyImport":
        return request(model, { op: "historyInfo", root: r.root })
      case "historyExport":
        return { ...model, historyJson: JSON.stringify(value, null, 2) }
      case "profileExport":
        return { ...model, profileJson: String(value) }
      case "profile":
        return { ...model, recording: value === true }
      case "pick":
        return { ...model, picking: value === true }
      default:
        return model
    }
  }

  const onEvent = (model: PanelModel, message: Extract<HostMessage, { kind: "event" }>): PanelResult => {
    const event = message.event
    switch (event.type) {
      case "roots": {
        const root = model.root !== null && event.roots.some((r) => r.name === model.root) ? model.root : event.roots[0]?.name ?? null
        const next: PanelModel = { ...model, connected: true, roots: event.roots, root, picking: event.picking, recording: event.recording }
        return request(next, ...refreshRequests(next))
      }
      case "commit": {
        let next = model
        if (event.recorded) {
          const commits = model.commits.length >= MAX_COMMITS ? model.commits.slice(model.commits.length - MAX_COMMITS + 1) : model.commits
          next = { ...next, commits: [...commits, event.commit] }
        }
        if (!next.connected) next = { ...next, connected: true }
        if (next.refreshing || event.commit.root !== next.root || (next.tab !== "components" && next.tab !== "state")) return next
        return withCommand({ ...next, refreshing: true }, Effect.map(Effect.sleep(REFRESH_MS), (): PanelMsg => ({ type: "refresh" })))
      }
      case "picked":
        return { ...model, picked: { root: event.root, node: event.node, stats: event.stats }, picking: false, tab: "inspector" }
      case "pick":
        return { ...model, picking: event.on }
      case "recording":
        return event.on === model.recording ? model : event.on
          ? { ...model, recording: true, commits: [], selectedCommit: null, profileJson: null }
          : { ...model, recording: false }
      case "closed":
        return { ...model, connected: false, picking: false, recording: false }
    }
  }

  return (model, msg) => {
    switch (msg.type) {
      case "host":
        return msg.message.kind === "reply" ? onReply(model, msg.message) : onEvent(model, msg.message)
      case "tab": {
        const next = { ...model, tab: msg.tab }
        return request(next, ...refreshRequests(next))
      }
      case "selectRoot": {
        const next: PanelModel = { ...model, root: msg.root, tree: null, historyInfo: null, entries: [], selectedEntry: null, modelBefore: null, modelAfter: null, diff: null, opened: {}, selectedPath: null }
        return request(next, ...refreshRequests(next))
      }
      case "refresh":
        return request({ ...model, refreshing: false }, ...refreshRequests(model))
      case "toggleNode":
        return { ...model, opened: { ...model.opened, [msg.path]: msg.open } }
      case "expandAll":
        return { ...model, expandAll: msg.on, opened: {} }
      case "selectNode":
        return { ...model, selectedPath: msg.path === model.selectedPath ? null : msg.path }
      case "pick":
        return request({ ...model, picking: msg.on }, { op: "pick", on: msg.on })
      case "record": {
        const next = msg.on ? { ...model, recording: true, commits: [], selectedCommit: null, profileJson: null } : { ...model, recording: false }
        return request(next, { op: "profile", on: msg.on })
      }
      case "exportProfile":
        return request(model, { op: "profileExport" })
      case "selectCommit":
        return { ...model, selectedCommit: msg.index }
      case "budget": {
        const budgetMs = Number(msg.value)
        return Number.isFinite(budgetMs) && budgetMs > 0 ? { ...model, budgetMs } : model
      }
      case "selectEntry": {
        if (model.root === null) return model
        const next: PanelModel = { ...model, selectedEntry: msg.index, modelBefore: null, modelAfter: null, diff: null }
        return request(next, { op: "modelAt", root: model.root, index: msg.index }, { op: "modelAt", root: model.root, index: msg.index - 1 })
      }
      case "jump":
        return model.root === null ? model : request(model, { op: "jumpTo", root: model.root, index: msg.index })
      case "resume":
        return model.root === null ? model : request(model, { op: "resume", root: model.root })
      case "exportHistory":
        return model.root === null ? model : request(model, { op: "historyExport", root: model.root })
      case "importText":
        return { ...model, importText: msg.text }
      case "importHistory": {
        if (model.root === null) return model
        let file: unknown
        try {
          file = JSON.parse(model.importText)
        } catch (error) {
          return { ...model, error: `import: not JSON (${clause(error)})` }
        }
        if (typeof file !== "object" || file === null || (file as { format?: unknown }).format !== "shuttle-history") {
          return { ...model, error: "import: not a history file (format \"shuttle-history\"; export one from the State tab)" }
        }
        return request({ ...model, error: null }, { op: "historyImport", root: model.root, file: file as never })
      }
      case "dismiss":
        return { ...model, error: null }
    }
  }
}
