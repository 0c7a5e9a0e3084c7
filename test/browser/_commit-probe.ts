import { type ExampleServer, startServer } from "../../examples/serve.mjs"

/**
 * A page-side probe of Shuttle's delivery, for the browser tests (lanes, faults): pass
 * `installCommitProbe` to `page.addInitScript` before the page loads. It changes nothing
 * in src/: it watches the page's side of the root's data port and the DOM, and records, in
 * one ordered log:
 *
 * - `sent`: a DOM event posted to the worker (`{ t: "event", seq }`), with its type and value;
 * - `credit`: a credit posted to the worker (`{ t: "credit", eventSeq }`, docs/lanes.md);
 * - `doorbell`: a `{ t: "ring" }` message: commit `commitId` went through the commit ring;
 * - `port`: a `{ t: "commit" }` message: a commit that came by the port (header words read);
 * - a watched element's text changed (`watch(ids)`), with the new text, in mutation order.
 *
 * The DOM changes are recorded by a MutationObserver whose pending records are taken
 * (takeRecords) before each `sent`/`credit`/`doorbell`/`port` entry, so the log orders a
 * commit's DOM change before or after an event send exactly as they happened on the page.
 * It also keeps every SharedArrayBuffer the page makes (the commit rings: createCommitRing).
 */
export interface ProbeEntry {
  readonly k: "sent" | "credit" | "doorbell" | "port" | "text"
  /** sent: the event's sequence number. */
  readonly seq?: number
  /** sent: the DOM event type. */
  readonly type?: string
  /** sent: the event's value; text: the watched element's new text. */
  readonly value?: string
  /** credit: the last event the page had sent when it granted the credit. */
  readonly eventSeq?: number
  /** doorbell, port: the commit id. */
  readonly commitId?: number
  /** doorbell, port: the lane number. */
  readonly lane?: number
  /** doorbell: the commit was applied before its doorbell arrived (the page drained it at an event or frame). */
  readonly appliedBefore?: boolean
  /** text: the watched element's id. */
  readonly id?: string
}

export interface CommitProbe {
  readonly log: ProbeEntry[]
  readonly rings: SharedArrayBuffer[]
  /** Set by the test: commits applied so far by the page's root (root.stats.commits), to tell a ring commit drained before its doorbell. */
  applied: (() => number) | null
  /** Records the text of the elements with these ids, each time it changes. */
  watch(ids: readonly string[]): void
  /** Takes the pending DOM records into the log now. */
  flush(): void
}

declare global {
  interface Window {
    __commitProbe?: CommitProbe
  }
}

/** The init script (serialized by playwright: it must not refer to anything outside itself). */
export function installCommitProbe(): void {
  if (window.__commitProbe !== undefined || window.top !== window) return
  const log: ProbeEntry[] = []
  const rings: SharedArrayBuffer[] = []
  const watched = new Map<string, Element>()
  let observer: MutationObserver | null = null

  const owner = (node: Node): [string, Element] | null => {
    for (const [id, element] of watched) if (element === node || element.contains(node)) return [id, element]
    return null
  }
  const record = (records: MutationRecord[]): void => {
    for (let i = 0; i < records.length; i++) {
      const r = records[i]
      const found = owner(r.target)
      if (found === null) continue
      const [id, element] = found
      // The text right after this mutation: the next characterData record's old value (on
      // the same node, or, after a childList change, on any node of the element); the
      // element's current text when no later record tells.
      let value: string | null = null
      for (let j = i + 1; j < records.length && value === null; j++) {
        const next = records[j]
        if (next.type !== "characterData") continue
        if (r.type === "characterData" ? next.target === r.target : element.contains(next.target)) value = next.oldValue ?? ""
      }
      if (value === null) value = r.type === "characterData" ? (r.target as CharacterData).data : element.textContent ?? ""
      log.push({ k: "text", id, value })
    }
  }
  const flush = (): void => {
    if (observer !== null) record(observer.takeRecords())
  }

  const probe: CommitProbe = {
    log,
    rings,
    applied: null,
    watch(ids) {
      flush()
      observer?.disconnect()
      watched.clear()
      observer = new MutationObserver(record)
      for (const id of ids) {
        const element = document.getElementById(id)
        if (element === null) throw new Error(`watch: no element #${id}`)
        watched.set(id, element)
        observer.observe(element, { childList: true, characterData: true, characterDataOldValue: true, subtree: true })
        log.push({ k: "text", id, value: element.textContent ?? "" })
      }
    },
    flush
  }
  window.__commitProbe = probe

  // The commit rings: the page makes one SharedArrayBuffer per worker session.
  const Shared = globalThis.SharedArrayBuffer
  if (typeof Shared === "function") {
    globalThis.SharedArrayBuffer = new Proxy(Shared, {
      construct(target, args) {
        const buffer = Reflect.construct(target, args) as SharedArrayBuffer
        rings.push(buffer)
        return buffer
      }
    })
  }

  // Page → worker: DOM events and credits, on the root's data port.
  const post = MessagePort.prototype.postMessage
  MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, ...rest: unknown[]) {
    const m = message as { t?: unknown; seq?: number; eventSeq?: number; event?: { type?: string; value?: string } } | null
    if (m !== null && typeof m === "object") {
      if (m.t === "event") {
        flush()
        log.push({ k: "sent", seq: m.seq, type: m.event?.type, value: m.event?.value })
      } else if (m.t === "credit") {
        flush()
        log.push({ k: "credit", eventSeq: m.eventSeq })
      }
    }
    return (post as (...a: unknown[]) => void).call(this, message, ...rest)
  } as typeof post

  // Worker → page: doorbells and port commits, seen before the root's handler runs.
  const onmessage = Object.getOwnPropertyDescriptor(MessagePort.prototype, "onmessage")!
  const seen = (data: unknown): void => {
    const d = data as { t?: unknown; commitId?: number; info?: { lane?: number }; buffer?: unknown } | null
    if (d === null || typeof d !== "object") return
    if (d.t === "ring") {
      flush()
      const applied = probe.applied?.()
      log.push({ k: "doorbell", commitId: d.commitId, lane: d.info?.lane, appliedBefore: applied !== undefined && applied >= (d.commitId ?? Infinity) })
    } else if (d.t === "commit" && d.buffer instanceof ArrayBuffer && d.buffer.byteLength >= 48) {
      flush()
      const header = new Uint32Array(d.buffer, 0, 12)
      // Header words 3, 4 and 10: CommitId, Lane, EventSeq (protocol/opcodes.ts).
      log.push({ k: "port", commitId: header[3], lane: header[4], eventSeq: header[10] })
    }
  }
  Object.defineProperty(MessagePort.prototype, "onmessage", {
    configurable: true,
    enumerable: onmessage.enumerable,
    get(this: MessagePort) {
      return onmessage.get!.call(this)
    },
    set(this: MessagePort, handler: unknown) {
      const wrapped = typeof handler === "function"
        ? function (this: MessagePort, event: MessageEvent) {
          seen(event.data)
          return (handler as (e: MessageEvent) => unknown).call(this, event)
        }
        : handler
      onmessage.set!.call(this, wrapped)
    }
  })
}

/** Commit ring layout words (protocol/ring/ring-layout.ts), for reading a ring in the page. */
export const RING_WORDS = { readPos: 16, data: 32, capacity: 2, skip: 0xffffffff } as const

/** A commit as the worker sent it: by the ring or the port, with its header's lane and event sequence number. */
export interface SentCommit {
  readonly commitId: number
  readonly lane: number
  /** The last DOM event the worker had seen when it rendered this commit (header word EventSeq). */
  readonly eventSeq: number
  readonly path: "ring" | "port"
}

declare global {
  // eslint-disable-next-line no-var
  var __sentCommits: SentCommit[] | undefined
}

/**
 * Runs in the worker (`worker.evaluate(installWorkerProbe)`): records every commit the
 * worker sends from then on. A ring entry is read when its Ready word is published (the
 * writer's `Atomics.store`, protocol/ring/ring-writer.ts: the entry's words are all in
 * place by then); a port commit when it is posted, before its buffer is transferred.
 */
export function installWorkerProbe(): void {
  if (globalThis.__sentCommits !== undefined) return
  const sent: SentCommit[] = []
  globalThis.__sentCommits = sent
  const store = Atomics.store
  // Ring layout (protocol/ring/ring-layout.ts): an entry is [Ready, CommitId, ByteLength,
  // Reserved, patch list...]; header words of a patch list (protocol/opcodes.ts): Lane 4, EventSeq 10.
  ;(Atomics as { store: unknown }).store = function (array: Uint32Array, index: number, value: number) {
    const result = (store as (a: Uint32Array, i: number, v: number) => number)(array, index, value)
    // Entries live in the data region (word 32 on); stores below it are control words (AnsweredSeq).
    if (array instanceof Uint32Array && array.buffer instanceof SharedArrayBuffer && index >= 32 && value !== 0 && value !== 0xffffffff && value >= 16) {
      sent.push({ commitId: array[index + 1], lane: array[index + 4 + 4], eventSeq: array[index + 4 + 10], path: "ring" })
    }
    return result
  }
  const post = MessagePort.prototype.postMessage
  MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, ...rest: unknown[]) {
    const m = message as { t?: unknown; buffer?: unknown } | null
    if (m !== null && typeof m === "object" && m.t === "commit" && m.buffer instanceof ArrayBuffer && m.buffer.byteLength >= 48) {
      const header = new Uint32Array(m.buffer, 0, 12)
      sent.push({ commitId: header[3], lane: header[4], eventSeq: header[10], path: "port" })
    }
    return (post as (...a: unknown[]) => void).call(this, message, ...rest)
  } as typeof post
}

/**
 * A server of examples/dist that is cross-origin isolated whatever SHUTTLE_ISOLATION says
 * (the suite's server follows it): the ring tests ask for isolation themselves, and a page
 * opts out with `?isolation=off`. Close it after the suite.
 */
export function startIsolatedServer(): Promise<ExampleServer> {
  // serve.d.mts does not declare `isolation` yet (serve.mjs takes it).
  const options: { port: number; isolation: boolean } = { port: 0, isolation: true }
  return startServer(options)
}
