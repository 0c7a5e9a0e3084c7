import type { CommitStats, Root, RootStats } from "../root/root-api.ts"
import { NODE_ID } from "../dom/node-table.ts"
import type { InspectNodeInfo } from "../../protocol/inspect.ts"
import { type CommitRecord, DEFAULT_DEVTOOLS_CHANNEL, type DevtoolsEvent, type DevtoolsRequest, type HostMessage, HOST_SOURCE, type PanelMessage, PANEL_SOURCE, type ProfileFile, type StatsSummary } from "../../protocol/devtools.ts"

export * from "../../protocol/devtools.ts"

/**
 * The page's side of the devtools panel (docs/devtools.md, "The devtools panel"): a host
 * that answers panels over a BroadcastChannel, in this page or in another tab of the same
 * origin, about the roots it was given. Main thread only, and no Effect: it is a small
 * dispatcher from requests to the `Root` API (`inspect`, `history`, `stats`,
 * `observeCommits`), plus the pick mode, which needs the roots' containers.
 *
 * @since 0.1.0
 */

/** A root with the element it is mounted in: the pick mode needs the container to tell its nodes. */
export interface ExposedRoot {
  readonly root: Root<never>
  readonly container: Element
}

export interface ExposeOptions {
  /** BroadcastChannel name. Default "shuttle-devtools". */
  readonly channel?: string
  /** Commits kept while recording; the oldest go first. Default 5,000. */
  readonly maxRecorded?: number
}

export interface DevtoolsHost {
  /** Stops answering, removes the listeners and tells the panels. */
  close(): void
}

type AnyRoot = Root<never>

/** The `data` of a MessageEvent when it is a panel's request. */
function asPanelMessage(data: unknown): PanelMessage | null {
  if (typeof data !== "object" || data === null) return null
  const message = data as Partial<PanelMessage>
  if (message.source !== PANEL_SOURCE || typeof message.panel !== "string" || typeof message.id !== "number") return null
  if (typeof message.request !== "object" || message.request === null) return null
  return message as PanelMessage
}

function isExposed(entry: AnyRoot | ExposedRoot): entry is ExposedRoot {
  return "root" in entry && "container" in entry
}

/** The commit as plain, cloneable data. */
export function commitRecord(root: string, commit: CommitStats, time: number): CommitRecord {
  return {
    root,
    commitId: commit.commitId,
    lane: commit.lane,
    laneName: commit.laneName,
    messages: commit.messages,
    updateMs: commit.updateMs,
    viewMs: commit.viewMs,
    diffMs: commit.diffMs,
    encodeMs: commit.encodeMs,
    applyMs: commit.applyMs,
    patchBytes: commit.patchBytes,
    slices: commit.slices,
    interruptions: commit.interruptions,
    expired: commit.expired,
    time,
    ...(commit.worker === undefined ? {} : { worker: commit.worker }),
    ...(commit.profile === undefined ? {} : { profile: commit.profile })
  }
}

function statsSummary(stats: RootStats): StatsSummary {
  return {
    commits: stats.commits,
    lastPatchBytes: stats.lastPatchBytes,
    totalPatchBytes: stats.totalPatchBytes,
    lastApplyMs: stats.lastApplyMs,
    nodes: stats.nodes,
    strings: stats.strings,
    listeners: stats.listeners,
    queuedCommits: stats.queuedCommits,
    restarts: stats.restarts,
    journalLength: stats.journalLength,
    worker: stats.lastCommit?.worker ?? null
  }
}

/** The worker id of `target` or of its nearest ancestor that has one, inside `container`. */
function shuttleIdOf(target: EventTarget | null, container: Element): number | null {
  let node = target as Node | null
  while (node !== null && node !== container) {
    const id = (node as unknown as Record<string, unknown>)[NODE_ID]
    if (typeof id === "number") return id
    node = node.parentNode
  }
  return null
}

/**
 * Lets devtools panels on the channel inspect `roots` (by the names given here): their
 * trees, picked nodes, commits, profiles and message history, and pick mode: a click in
 * a root's container (`root.container`, or the one given as `{ root, container }`) names
 * the node instead of reaching the app.
 *
 * ```ts
 * const root = createRoot(app, new Worker(…), { history: true })
 * const host = exposeRoots({ table: root })
 * // later: host.close()
 * ```
 *
 * @since 0.1.0
 */
export function exposeRoots(roots: Readonly<Record<string, AnyRoot | ExposedRoot>>, options: ExposeOptions = {}): DevtoolsHost {
  const channel = new BroadcastChannel(options.channel ?? DEFAULT_DEVTOOLS_CHANNEL)
  const maxRecorded = options.maxRecorded ?? 5000
  const entries = new Map<string, { root: AnyRoot; container: Element | null }>()
  for (const [name, entry] of Object.entries(roots)) {
    entries.set(name, isExposed(entry) ? { root: entry.root, container: entry.container } : { root: entry, container: (entry as Partial<AnyRoot>).container ?? null })
  }
  let picking = false
  let recording = false
  const recorded: CommitRecord[] = []
  let closed = false

  const post = (message: HostMessage): void => {
    if (!closed) channel.postMessage(message)
  }
  const emit = (event: DevtoolsEvent): void => post({ source: HOST_SOURCE, kind: "event", event })
  const rootsEvent = (): DevtoolsEvent => ({
    type: "roots",
    roots: [...entries].map(([name, entry]) => ({ name, pickable: entry.container !== null })),
    picking,
    recording
  })

  const rootNamed = (name: string): AnyRoot => {
    const entry = entries.get(name)
    if (entry === undefined) throw new Error(`no root named "${name}" is exposed (there are: ${[...entries.keys()].join(", ")})`)
    return entry.root
  }

  const setProfiling = async (on: boolean): Promise<void> => {
    await Promise.all([...entries.values()].map((entry) => entry.root.inspect({ q: "profile", on })))
  }

  async function answer(request: DevtoolsRequest): Promise<unknown> {
    switch (request.op) {
      case "hello":
        emit(rootsEvent())
        return null
      case "tree":
        return rootNamed(request.root).inspect(request.limit === undefined ? { q: "tree" } : { q: "tree", limit: request.limit })
      case "node":
        return rootNamed(request.root).inspect({ q: "node", id: request.id })
      case "stats":
        return statsSummary(rootNamed(request.root).stats)
      case "pick":
        picking = request.on
        emit({ type: "pick", on: picking })
        return picking
      case "profile":
        if (request.on) recorded.length = 0
        recording = request.on
        await setProfiling(request.on)
        emit({ type: "recording", on: recording })
        return recording
      case "profileExport": {
        const file: ProfileFile = { format: "shuttle-profile", version: 1, exportedAt: Date.now(), commits: recorded }
        return JSON.stringify(file, null, 2)
      }
      case "historyInfo":
        return rootNamed(request.root).history.info()
      case "historyEntries":
        return rootNamed(request.root).history.entries(request.from, request.to)
      case "modelAt":
        return rootNamed(request.root).history.modelAt(request.index)
      case "jumpTo":
        return rootNamed(request.root).history.jumpTo(request.index).then(() => null)
      case "resume":
        return rootNamed(request.root).history.resume().then(() => null)
      case "historyExport":
        return rootNamed(request.root).history.export()
      case "historyImport":
        return rootNamed(request.root).history.import(request.file).then(() => null)
      default:
        throw new Error(`unknown devtools request ${JSON.stringify((request as { op?: unknown }).op)}`)
    }
  }

  const onMessage = (event: MessageEvent): void => {
    const message = asPanelMessage(event.data)
    if (message === null) return
    const reply = (ok: boolean, value: unknown, error?: string): void =>
      post({ source: HOST_SOURCE, kind: "reply", panel: message.panel, id: message.id, request: message.request, ok, value, ...(error === undefined ? {} : { error }) })
    // `answer` is async: whatever it throws comes as a rejection.
    answer(message.request).then(
      (value) => reply(true, value),
      (error: unknown) => reply(false, null, error instanceof Error ? `${error.name}: ${error.message}` : String(error))
    )
  }
  channel.addEventListener("message", onMessage)

  const stops = [...entries].map(([name, entry]) =>
    entry.root.observeCommits((commit) => {
      const record = commitRecord(name, commit, performance.now())
      if (recording) {
        recorded.push(record)
        if (recorded.length > maxRecorded) recorded.splice(0, recorded.length - maxRecorded)
      }
      emit({ type: "commit", commit: record, recorded: recording })
    })
  )

  // Pick mode: a click in a root's container names the node instead of reaching the app.
  // Capture phase on the window runs before the roots' own (delegated) listeners.
  const onPickClick = (event: Event): void => {
    if (!picking) return
    for (const [name, entry] of entries) {
      const container = entry.container
      if (container === null || !(event.target instanceof Node) || !container.contains(event.target)) continue
      event.preventDefault()
      event.stopImmediatePropagation()
      const id = shuttleIdOf(event.target, container)
      picking = false
      emit({ type: "pick", on: false })
      const stats = statsSummary(entry.root.stats)
      const node = id === null ? Promise.resolve(null) : entry.root.inspect({ q: "node", id })
      node.then(
        (info) => emit({ type: "picked", root: name, node: info as InspectNodeInfo | null, stats }),
        () => emit({ type: "picked", root: name, node: null, stats })
      )
      return
    }
  }
  const pickTarget: EventTarget | null = typeof window === "undefined" ? null : window
  const PICK_EVENTS = ["click", "pointerdown", "mousedown", "pointerup", "mouseup"] as const
  // Only the click picks; the presses around it are swallowed too so the app sees nothing.
  const swallow = (event: Event): void => {
    if (!picking) return
    for (const entry of entries.values()) {
      if (entry.container !== null && event.target instanceof Node && entry.container.contains(event.target)) {
        event.stopImmediatePropagation()
        return
      }
    }
  }
  for (const type of PICK_EVENTS) pickTarget?.addEventListener(type, type === "click" ? onPickClick : swallow, true)

  emit(rootsEvent())

  return {
    close() {
      if (closed) return
      emit({ type: "closed" })
      closed = true
      for (const stop of stops) stop()
      for (const type of PICK_EVENTS) pickTarget?.removeEventListener(type, type === "click" ? onPickClick : swallow, true)
      channel.removeEventListener("message", onMessage)
      channel.close()
      if (recording) void setProfiling(false).catch(() => undefined)
    }
  }
}
