// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest"
import { exposeRoots, HOST_SOURCE, PANEL_SOURCE, type DevtoolsRequest, type HostMessage } from "../../src/devtools/expose.ts"
import type { CommitStats, Root } from "../../src/index.ts"

/**
 * The devtools host (src/devtools/expose.ts) with a fake BroadcastChannel and a fake root:
 * each request is answered to the panel that sent it, with its request echoed; failures
 * are answered, not thrown; commits and picks are pushed to every panel.
 */

/** Channels by name; a message reaches the other instances of the name, a microtask later (like the real one). */
class FakeChannel {
  static readonly open = new Map<string, Set<FakeChannel>>()
  private readonly listeners = new Set<(event: MessageEvent) => void>()
  readonly name: string
  constructor(name: string) {
    this.name = name
    let set = FakeChannel.open.get(name)
    if (set === undefined) FakeChannel.open.set(name, (set = new Set()))
    set.add(this)
  }
  postMessage(data: unknown): void {
    const copy = structuredClone(data)
    for (const other of FakeChannel.open.get(this.name) ?? []) {
      if (other !== this) queueMicrotask(() => other.listeners.forEach((l) => l({ data: copy } as MessageEvent)))
    }
  }
  addEventListener(_type: "message", listener: (event: MessageEvent) => void): void {
    this.listeners.add(listener)
  }
  removeEventListener(_type: "message", listener: (event: MessageEvent) => void): void {
    this.listeners.delete(listener)
  }
  close(): void {
    FakeChannel.open.get(this.name)?.delete(this)
  }
}

function fakeRoot() {
  const listeners = new Set<(commit: CommitStats) => void>()
  const calls: unknown[] = []
  const root = {
    stats: { commits: 3, lastPatchBytes: 10, totalPatchBytes: 30, lastApplyMs: 0.5, nodes: 7, strings: 4, listeners: 1, queuedCommits: 0, lastCommit: null, restarts: 0, journalLength: 0 },
    inspect: async (query: { q: string; id?: number }) => {
      calls.push(query)
      if (query.q === "tree") return { children: [], count: 0, truncated: false, profiling: false }
      if (query.q === "node") return query.id === 5 ? { id: 5, kind: "element", name: "a", key: null, props: {}, components: [{ name: "Row", key: 1, props: {} }] } : null
      if (query.q === "profile") return { profiling: (query as { on?: boolean }).on }
      throw new Error("no such query")
    },
    history: {
      info: async () => ({ start: 0, end: 2, bytes: 10, maxBytes: 100, keyframes: 1, traveling: null }),
      entries: async (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ index: from + i, msg: { type: "m" }, lane: 0, time: i })),
      modelAt: async (index: number) => ({ at: index }),
      jumpTo: async (index: number) => void calls.push(["jumpTo", index]),
      resume: async () => void calls.push(["resume"]),
      export: async () => ({ format: "shuttle-history" }),
      import: async () => {
        throw new Error("HistoryIncompatible: made by another program")
      }
    },
    observeCommits(listener: (commit: CommitStats) => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  }
  const commit = (commitId: number, lane = 0): void => {
    const stats = { commitId, lane, laneName: "sync", messages: 1, updateMs: 1, viewMs: 1, diffMs: 1, encodeMs: 1, applyMs: 1, patchBytes: 9, slices: 1, interruptions: 0, expired: false } as CommitStats
    for (const listener of listeners) listener(stats)
  }
  return { root: root as unknown as Root<never>, calls, commit, listeners }
}

/** A panel on the fake channel: sends requests, collects what the host says. */
function fakePanel(name = "shuttle-devtools", panel = "p1") {
  const channel = new FakeChannel(name)
  const received: HostMessage[] = []
  channel.addEventListener("message", (event) => received.push(event.data as HostMessage))
  let id = 0
  return {
    received,
    send: (request: DevtoolsRequest | { op: string }) => channel.postMessage({ source: PANEL_SOURCE, panel, id: ++id, request }),
    replies: () => received.filter((m): m is Extract<HostMessage, { kind: "reply" }> => m.kind === "reply"),
    events: () => received.filter((m): m is Extract<HostMessage, { kind: "event" }> => m.kind === "event").map((m) => m.event)
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

afterEach(() => {
  vi.unstubAllGlobals()
  FakeChannel.open.clear()
})

describe("exposeRoots", () => {
  it("announces its roots, answers each request to its panel with the request echoed, and failures as errors", async () => {
    vi.stubGlobal("BroadcastChannel", FakeChannel)
    const a = fakePanel("shuttle-devtools", "A")
    const b = fakePanel("shuttle-devtools", "B")
    const { root, calls } = fakeRoot()
    const container = document.createElement("div")
    const host = exposeRoots({ table: { root, container }, bare: root })
    await settle()
    expect(a.events()).toEqual([{ type: "roots", roots: [{ name: "table", pickable: true }, { name: "bare", pickable: false }], picking: false, recording: false }])

    a.send({ op: "tree", root: "table" })
    a.send({ op: "historyEntries", root: "table", from: 0, to: 2 })
    a.send({ op: "modelAt", root: "table", index: 1 })
    a.send({ op: "jumpTo", root: "table", index: 0 })
    a.send({ op: "historyImport", root: "table", file: {} as never })
    a.send({ op: "tree", root: "nope" })
    a.send({ op: "bogus" })
    b.send({ op: "stats", root: "table" })
    await settle()
    await settle()
    // Every panel hears every reply on the channel; a panel keeps those that name it.
    const replies = a.replies().filter((r) => r.panel === "A")
    expect(replies).toHaveLength(7)
    expect(replies.every((r) => r.source === HOST_SOURCE)).toBe(true)
    const byId = new Map(replies.map((r) => [r.id, r]))
    expect(byId.get(1)).toMatchObject({ ok: true, request: { op: "tree", root: "table" }, value: { count: 0 } })
    expect(byId.get(2)?.value).toHaveLength(2)
    expect(byId.get(3)).toMatchObject({ ok: true, value: { at: 1 } })
    expect(byId.get(4)).toMatchObject({ ok: true, value: null })
    expect(calls).toContainEqual(["jumpTo", 0])
    expect(byId.get(5)).toMatchObject({ ok: false, error: "Error: HistoryIncompatible: made by another program" })
    expect(byId.get(6)).toMatchObject({ ok: false, error: 'Error: no root named "nope" is exposed (there are: table, bare)' })
    expect(byId.get(7)).toMatchObject({ ok: false, error: 'Error: unknown devtools request "bogus"' })
    expect(b.replies().filter((r) => r.panel === "B")).toEqual([expect.objectContaining({ panel: "B", ok: true, value: expect.objectContaining({ commits: 3, nodes: 7, worker: null }) })])
    host.close()
  })

  it("pushes commits to every panel; records them between profile on and off, with profiling on in the roots; exports them", async () => {
    vi.stubGlobal("BroadcastChannel", FakeChannel)
    const panel = fakePanel()
    const { root, calls, commit, listeners } = fakeRoot()
    const host = exposeRoots({ table: root })
    commit(1)
    panel.send({ op: "profile", on: true })
    await settle()
    commit(2)
    commit(3, 3)
    panel.send({ op: "profile", on: false })
    await settle()
    commit(4)
    panel.send({ op: "profileExport" })
    await settle()
    await settle()
    const commits = panel.events().filter((e) => e.type === "commit")
    expect(commits.map((e) => [e.commit.commitId, e.recorded])).toEqual([[1, false], [2, true], [3, true], [4, false]])
    expect(calls.filter((c) => (c as { q?: string }).q === "profile")).toEqual([{ q: "profile", on: true }, { q: "profile", on: false }])
    const file = JSON.parse(String(panel.replies().at(-1)?.value)) as { format: string; commits: Array<{ commitId: number; lane: number; root: string }> }
    expect(file.format).toBe("shuttle-profile")
    expect(file.commits.map((c) => [c.root, c.commitId, c.lane])).toEqual([["table", 2, 0], ["table", 3, 3]])
    host.close()
    expect(listeners.size).toBe(0)
    await settle()
    expect(panel.events().at(-1)).toEqual({ type: "closed" })
    expect(FakeChannel.open.get("shuttle-devtools")?.size).toBe(1) // the host's channel is closed
  })

  it("pick mode: a click in the container names the node and never reaches the app; it ends with the pick", async () => {
    vi.stubGlobal("BroadcastChannel", FakeChannel)
    const panel = fakePanel("custom")
    const { root } = fakeRoot()
    const container = document.createElement("div")
    const label = document.createElement("a")
    const text = document.createElement("b")
    ;(label as unknown as Record<string, unknown>).__shuttleId = 5
    label.append(text)
    container.append(label)
    document.body.append(container)
    let appSaw = 0
    container.addEventListener("click", () => appSaw++)
    const host = exposeRoots({ table: { root, container } }, { channel: "custom" })
    panel.send({ op: "pick", on: true })
    await settle()
    text.click() // the nearest ancestor with an id is the <a>
    await settle()
    await settle()
    expect(appSaw).toBe(0)
    const events = panel.events()
    expect(events).toContainEqual({ type: "pick", on: false })
    const picked = events.find((e) => e.type === "picked")
    expect(picked).toMatchObject({ root: "table", node: { id: 5, name: "a", components: [{ name: "Row" }] }, stats: { commits: 3 } })
    // Off again: the app gets its clicks.
    text.click()
    expect(appSaw).toBe(1)
    host.close()
    container.remove()
  })
})
