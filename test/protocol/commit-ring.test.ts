import { build } from "esbuild"
import fc from "fast-check"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import { afterEach, describe, expect, it, vi } from "vitest"
import { LANE_SYNC } from "../../protocol/lanes.ts"
import { PatchWriter } from "../../protocol/patch-writer.ts"
import { decodePatch } from "../../protocol/patch-reader.ts"
import { CommitOrder, SOURCE_PORT, SOURCE_RING } from "../../protocol/ring/commit-order.ts"
import {
  commitRingSupported,
  createCommitRing,
  ENTRY_HEADER_WORDS,
  entryWords,
  RING_CONTROL_WORDS,
  RING_EMPTY,
  RING_MAGIC,
  RING_SKIP,
  RING_VERSION,
  RingControl,
  RingEntry
} from "../../protocol/ring/ring-layout.ts"
import { CommitRingReader, CorruptRingError } from "../../protocol/ring/ring-reader.ts"
import { CommitRingWriter } from "../../protocol/ring/ring-writer.ts"

/**
 * The commit ring (protocol/ring/, docs/commit-ring.md): a single-producer single-consumer
 * queue of patch lists in a SharedArrayBuffer, and the page's commit-id order across the
 * ring and the port. Every entry written arrives once, in order, byte-identical; an entry
 * whose Ready word was not stored is never read, nor anything after it; a refused write
 * changes no byte. The last tests run a real writer in a node:worker_threads Worker.
 *
 *   COMMIT_RING_SEED=… COMMIT_RING_RUNS=… COMMIT_RING_WORKER_ENTRIES=… npx vitest run test/protocol/commit-ring.test.ts
 */
const SEED = Number(process.env.COMMIT_RING_SEED ?? 0x51a6)
const RUNS = Number(process.env.COMMIT_RING_RUNS ?? 200)
const WORKER_ENTRIES = Number(process.env.COMMIT_RING_WORKER_ENTRIES ?? 5000)

// ---- payloads: deterministic words from (commit id, word index) ---------------------------

/**
 * Fills a payload of `byteLength` bytes for commit `id`: word 0 its byte length, word 1 its
 * id (where a patch list keeps them too, roughly), the rest a hash of (id, index). Plain
 * JavaScript after transpiling: the worker source below embeds it with toString().
 */
function fillPayload(words: Uint32Array, id: number, byteLength: number): void {
  const count = (byteLength + 3) >>> 2
  for (let i = 0; i < count; i++) {
    let x = Math.imul(id ^ Math.imul(i + 1, 0x9e3779b9), 0x85ebca6b)
    x ^= x >>> 13
    words[i] = Math.imul(x, 0xc2b2ae35) ^ (x >>> 16)
  }
  if (count > 0) words[0] = byteLength
  if (count > 1) words[1] = id
}

/** A seeded generator (mulberry32), for the worker, which cannot use fast-check's. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A payload in a view with `slack` extra words after it, which must never reach the ring. */
function payload(id: number, byteLength: number, slack = 0): Uint32Array<ArrayBuffer> {
  const words = new Uint32Array(((byteLength + 3) >>> 2) + slack)
  fillPayload(words, id, byteLength)
  words.fill(0xdeadbeef, (byteLength + 3) >>> 2)
  return words
}

/** The first `byteLength` bytes of `buffer` equal commit `id`'s payload. */
function expectPayload(buffer: ArrayBuffer, id: number, byteLength: number): void {
  const expected = new Uint8Array(payload(id, byteLength).buffer, 0, byteLength)
  const actual = new Uint8Array(buffer, 0, byteLength)
  expect(buffer.byteLength).toBeGreaterThanOrEqual(byteLength)
  // toEqual on whole arrays prints thousands of bytes; compare, then show the first difference.
  let differs = -1
  for (let i = 0; i < byteLength; i++) {
    if (actual[i] !== expected[i]) {
      differs = i
      break
    }
  }
  expect(differs, `commit ${id}: first differing byte`).toBe(-1)
}

/** Bytes of a patch list whose entry takes `words` words of the ring. */
function bytesFor(words: number): number {
  return (words - ENTRY_HEADER_WORDS) * 4
}

function ringOf(capacityWords: number): SharedArrayBuffer {
  return createCommitRing(capacityWords * 4)
}

function snapshot(ring: SharedArrayBuffer): Uint32Array {
  return new Uint32Array(ring.slice(0))
}

function copyRing(ring: SharedArrayBuffer): SharedArrayBuffer {
  const copy = new SharedArrayBuffer(ring.byteLength)
  new Uint8Array(copy).set(new Uint8Array(ring))
  return copy
}

/** Reads every whole entry, checking each payload; returns their commit ids. */
function drainAll(reader: CommitRingReader): number[] {
  const ids: number[] = []
  for (let id = reader.peek(); id !== RING_EMPTY; id = reader.peek()) {
    // A reader walking stale memory could go round forever, out of reach of the test timeout.
    if (ids.length > 100_000) expect.fail(`more than 100,000 entries read: the reader is going round stale memory (ids ${ids.slice(0, 8).join(", ")}, …)`)
    const buffer = reader.take()
    expectPayload(buffer, id, reader.lastByteLength)
    reader.recycle(buffer)
    ids.push(id)
  }
  return ids
}

/** Fills the data region, but for word `keep`, with stale words that look like entries and skip markers. */
function fillStale(ring: SharedArrayBuffer, keep: number, seed: number): void {
  const words = new Uint32Array(ring)
  const random = mulberry32(seed)
  const capacity = words[RingControl.Capacity]
  for (let i = 0; i < capacity; i++) {
    if (i === keep) continue
    const r = random()
    words[RING_CONTROL_WORDS + i] = r < 0.3 ? ENTRY_HEADER_WORDS + ((r * 1000) | 0) % 8 : r < 0.4 ? RING_SKIP : (random() * 4294967296) >>> 0
  }
}

/** Moves an empty ring's reader and writer to data offset `at` (0, or at least an entry header). */
function advanceTo(writer: CommitRingWriter, reader: CommitRingReader, at: number, id: number): void {
  if (at === 0) return
  expect(writer.tryWrite(payload(id, bytesFor(at)), bytesFor(at), id)).toBe(true)
  expect(drainAll(reader)).toEqual([id])
  expect(Atomics.load(new Uint32Array(readerBuffer.get(reader)!), RingControl.ReadPos)).toBe(at)
}
const readerBuffer = new WeakMap<CommitRingReader, SharedArrayBuffer>()

function pair(ring: SharedArrayBuffer): { writer: CommitRingWriter; reader: CommitRingReader } {
  const reader = new CommitRingReader(ring)
  readerBuffer.set(reader, ring)
  return { writer: new CommitRingWriter(ring), reader }
}

// ---- layout ------------------------------------------------------------------------------

describe("commit ring acks", () => {
  it("the reader's applied(commitId) is what the writer reads as appliedCommit", () => {
    const ring = createCommitRing(1024)
    const writer = new CommitRingWriter(ring)
    const reader = new CommitRingReader(ring)
    expect(writer.appliedCommit).toBe(0)
    reader.applied(7)
    expect(writer.appliedCommit).toBe(7)
  })
})

describe("commit ring layout", () => {
  it("writes its control header and refuses what is not a ring", () => {
    const ring = createCommitRing(1024)
    const words = new Uint32Array(ring)
    expect(words.length).toBe(RING_CONTROL_WORDS + 256)
    expect([words[RingControl.Magic], words[RingControl.Version], words[RingControl.Capacity], words[RingControl.ReadPos], words[RingControl.AnsweredSeq], words[RingControl.AppliedCommit]]).toEqual([RING_MAGIC, RING_VERSION, 256, 0, 0, 0])
    expect(RING_MAGIC).toBe(new Uint32Array(new TextEncoder().encode("SHRG").buffer)[0])
    expect(() => createCommitRing(60)).toThrow(RangeError)
    expect(() => createCommitRing(2 ** 31)).toThrow(RangeError)
    expect(() => createCommitRing(1.5 * 1024)).not.toThrow()
    expect(() => new CommitRingReader(new SharedArrayBuffer(1024))).toThrow(/Not a commit ring/)
    const wrongVersion = createCommitRing(1024)
    new Uint32Array(wrongVersion)[RingControl.Version] = RING_VERSION + 1
    expect(() => new CommitRingWriter(wrongVersion)).toThrow(new RegExp(`version ${RING_VERSION + 1}`))
    expect(commitRingSupported()).toBe(true)
    // Even sizes: every entry starts 8-byte aligned.
    expect(entryWords(0)).toBe(4)
    expect(entryWords(1)).toBe(6)
    expect(entryWords(8)).toBe(6)
    expect(entryWords(9)).toBe(8)
    expect(entryWords(48)).toBe(16)
    expect(new Uint32Array(createCommitRing(1030))[RingControl.Capacity]).toBe(256)
  })

  it("lays an entry out as [Ready, CommitId, ByteLength, 0, words…, pad] and zeroes the next Ready", () => {
    const ring = ringOf(64)
    fillStale(ring, 0, 1)
    const { writer } = pair(ring)
    expect(writer.tryWrite(payload(7, 10, 3), 10, 7)).toBe(true)
    const words = new Uint32Array(ring, RING_CONTROL_WORDS * 4)
    // 10 bytes: 3 words, and a pad word (not written) to keep the size even.
    expect(Array.from(words.subarray(0, 7))).toEqual([8, 7, 10, 0, ...payload(7, 10)])
    expect(words[8]).toBe(0)
  })
})

// ---- one thread: the writer and the reader taking turns -----------------------------------

describe("commit ring, one thread", () => {
  it("round-trips entries of every size, in order, byte-identical; half the ring always fits, the whole never", () => {
    const { writer, reader } = pair(ringOf(128))
    let id = 1
    for (let bytes = 0; bytes <= 130 * 4; bytes++) {
      const written = writer.tryWrite(payload(id, bytes, 2), bytes, id)
      if (entryWords(bytes) <= 64) expect(written, `${bytes} bytes`).toBe(true)
      if (entryWords(bytes) >= 128) expect(written, `${bytes} bytes`).toBe(false)
      if (!written) {
        expect(reader.peek()).toBe(RING_EMPTY)
        continue
      }
      expect(reader.peek()).toBe(id)
      const buffer = reader.take()
      expect(reader.lastByteLength).toBe(bytes)
      expectPayload(buffer, id, bytes)
      expect(reader.recycle(buffer)).toBe(true)
      expect(reader.peek()).toBe(RING_EMPTY)
      id++
    }
    // Every entry of up to 64 words (240 bytes) was written.
    expect(id - 1).toBeGreaterThanOrEqual(241)
    // Once warm, the copies come from the pool.
    expect(reader.allocations).toBe(1)
  })

  it("wraps around at every offset, for every entry size: fits exactly when there is room, and reads back whole", () => {
    const capacity = 40
    // Positions are sums of entry sizes (even, at least 4) from 0: every even offset but 2.
    for (let offset = 0; offset < capacity; offset += 2) {
      if (offset === 2) continue
      for (let size = ENTRY_HEADER_WORDS; size <= capacity + 2; size += 2) {
        const ring = ringOf(capacity)
        const { writer, reader } = pair(ring)
        advanceTo(writer, reader, offset, 1)
        fillStale(ring, offset, offset * 100 + size)
        // The ring is empty at `offset`. The entry goes at `offset` if it and the word after
        // it (cyclically) fit before the end without landing on the reader's word, or at 0
        // (a skip marker at `offset`) if it and the word after it fit before `offset`.
        const atOffset = offset + size <= capacity && (offset + size) % capacity !== offset
        const atZero = size < offset
        const before = snapshot(ring)
        const written = writer.tryWrite(payload(2, bytesFor(size), 1), bytesFor(size), 2)
        const label = `offset ${offset}, entry of ${size} words`
        expect(written, label).toBe(atOffset || atZero)
        if (size <= capacity / 2) expect(written, `${label}: half the ring always fits`).toBe(true)
        if (!written) {
          expect(snapshot(ring), `${label}: refused, nothing written`).toEqual(before)
          expect(reader.peek()).toBe(RING_EMPTY)
          continue
        }
        // A second entry right after it, if there is room: the successor's Ready was zeroed.
        const second = writer.tryWrite(payload(3, 0), 0, 3)
        expect(drainAll(reader), label).toEqual(second ? [2, 3] : [2])
        // And the ring goes on from there.
        expect(writer.tryWrite(payload(4, 40), 40, 4), label).toBe(true)
        expect(drainAll(reader), label).toEqual([4])
      }
    }
  })

  it("a full ring refuses a write without changing a byte, and takes writes again once drained", () => {
    const ring = ringOf(256)
    const { writer, reader } = pair(ring)
    let id = 1
    const written: number[] = []
    for (let round = 0; round < 5; round++) {
      for (;;) {
        const bytes = 60 + ((id * 37) % 200)
        const before = snapshot(ring)
        if (!writer.tryWrite(payload(id, bytes), bytes, id)) {
          expect(snapshot(ring)).toEqual(before)
          break
        }
        written.push(id++)
      }
      expect(writer.refused).toBe(round + 1)
      // Drain half, then the rest: space frees as the reader goes.
      const half = drainAll(reader)
      expect(half.length).toBeGreaterThan(0)
      expect(writer.tryWrite(payload(id, 8), 8, id)).toBe(true)
      written.push(id++)
      expect(drainAll(reader)).toEqual([id - 1])
      void half
    }
    expect(reader.taken).toBe(written.length)
  })

  it("publishes an entry with one Atomics.store, after every other word of it", () => {
    const ring = ringOf(64)
    fillStale(ring, 0, 3)
    const { writer, reader } = pair(ring)
    const words = new Uint32Array(ring)
    const seen: Array<{ index: number; value: number; before: Uint32Array }> = []
    const store = Atomics.store
    const spy = vi.spyOn(Atomics, "store").mockImplementation(((array: Uint32Array, index: number, value: number) => {
      if (array.buffer === ring) seen.push({ index, value, before: snapshot(ring) })
      return store(array, index, value)
    }) as typeof Atomics.store)
    try {
      // In place (at 0), then one that wraps: its entry at 0, then the skip marker.
      for (const [id, size] of [[1, 30], [2, 20], [3, 26]] as const) {
        if (id === 3) drainAll(reader)
        seen.length = 0
        expect(writer.tryWrite(payload(id, bytesFor(size)), bytesFor(size), id)).toBe(true)
        const final = snapshot(ring)
        const label = `entry ${id}`
        expect(seen.length, label).toBe(id === 3 ? 2 : 1)
        const ready = seen[0]
        expect(ready.value, label).toBe(size)
        // Before the Ready store, everything the write changes is in place but the Ready
        // word (and the skip marker, stored after it).
        const skip = id === 3 ? seen[1].index : -1
        for (let i = 0; i < final.length; i++) {
          if (i === ready.index || i === skip) continue
          if (ready.before[i] !== final[i]) expect.fail(`${label}: word ${i} written after the Ready word`)
        }
        if (id === 3) {
          expect(seen[1].value).toBe(RING_SKIP)
          expect(ready.index).toBe(RING_CONTROL_WORDS)
          for (let i = 0; i < final.length; i++) {
            if (i !== skip && seen[1].before[i] !== final[i]) expect.fail(`word ${i} written after the skip marker`)
          }
        }
      }
      expect(words[RingControl.ReadPos]).toBe(50)
    } finally {
      spy.mockRestore()
    }
    expect(drainAll(reader)).toEqual([3])
  })

  it("never reads an entry whose Ready word was not stored, nor any entry after it", () => {
    // Entries 1 and 2 whole; entry 3 (26 words) cut after each of its writer's stores
    // before the last; then, with 3 whole, 4 and 5 written after it and 3 unpublished (a
    // state no single writer makes, which the reader must still stop in).
    for (const wraps of [false, true]) {
      const label = wraps ? "entry 3 wraps to 0" : "entry 3 in place"
      const ring = ringOf(64)
      fillStale(ring, 0, wraps ? 7 : 8)
      const { writer, reader } = pair(ring)
      if (wraps) {
        // Writer and reader at 36: after 1 (8 words) and 2 (4), the writer is at 48 and
        // entry 3 fits only at 0, before the reader.
        writer.tryWrite(payload(90, bytesFor(36)), bytesFor(36), 90)
        drainAll(reader)
      }
      expect(writer.tryWrite(payload(1, 12), 12, 1)).toBe(true)
      expect(writer.tryWrite(payload(2, 0), 0, 2)).toBe(true)
      const start = (wraps ? 36 : 0) + entryWords(12) + entryWords(0)
      const before = snapshot(ring)
      expect(writer.tryWrite(payload(3, bytesFor(26)), bytesFor(26), 3)).toBe(true)
      const after = snapshot(ring)
      // The store that publishes: the entry's Ready, or the skip marker left where it did not fit.
      const publish = RING_CONTROL_WORDS + start
      expect(after[publish], label).toBe(wraps ? RING_SKIP : 26)
      if (wraps) expect(after[RING_CONTROL_WORDS], label).toBe(26)
      const stores: number[] = []
      for (let i = 0; i < after.length; i++) if (after[i] !== before[i] && i !== publish) stores.push(i)
      expect(stores.length, label).toBeGreaterThanOrEqual(24)
      for (let cut = 0; cut <= stores.length; cut++) {
        const torn = copyRing(ring)
        const words = new Uint32Array(torn)
        words.set(before)
        for (let k = 0; k < cut; k++) words[stores[k]] = after[stores[k]]
        const reading = new CommitRingReader(torn)
        expect(drainAll(reading), `${label}: cut after ${cut} of ${stores.length} stores`).toEqual([1, 2])
        expect(reading.peek()).toBe(RING_EMPTY)
      }
      expect(writer.tryWrite(payload(4, 0), 0, 4), label).toBe(true)
      expect(writer.tryWrite(payload(5, 0), 0, 5), label).toBe(true)
      const words = new Uint32Array(ring)
      words[publish] = 0
      expect(drainAll(reader), label).toEqual([1, 2])
      expect(reader.peek()).toBe(RING_EMPTY)
      expect(reader.peek()).toBe(RING_EMPTY)
      // Stored at last: 3, 4, 5 in order.
      Atomics.store(words, publish, after[publish])
      expect(drainAll(reader), label).toEqual([3, 4, 5])
    }
  })

  it("random writes and reads of random sizes over stale memory: each written entry arrives once, in order, byte-identical", () => {
    const step = fc.oneof(
      fc.record({ t: fc.constant("write" as const), bytes: fc.oneof(fc.nat({ max: 64 }), fc.nat({ max: 1200 })), slack: fc.nat({ max: 3 }) }),
      fc.record({ t: fc.constant("read" as const), count: fc.nat({ max: 6 }) })
    )
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 400 }), fc.array(step, { minLength: 1, maxLength: 300 }), fc.nat(), (capacity, steps, stale) => {
        const ring = ringOf(capacity)
        const words = new Uint32Array(ring)[RingControl.Capacity]
        fillStale(ring, 0, stale)
        const { writer, reader } = pair(ring)
        const queue: number[] = []
        let id = 1
        let read = 0
        for (const s of steps) {
          if (s.t === "write") {
            const before = snapshot(ring)
            const ok = writer.tryWrite(payload(id, s.bytes, s.slack), s.bytes, id)
            if (ok) queue.push(id++)
            else {
              expect(snapshot(ring)).toEqual(before)
              // An empty ring refuses only an entry of more than half its region.
              if (queue.length === read) expect(entryWords(s.bytes)).toBeGreaterThan(words >> 1)
            }
          } else {
            for (let k = 0; k < s.count; k++) {
              const next = reader.peek()
              if (read === queue.length) {
                expect(next).toBe(RING_EMPTY)
                break
              }
              expect(next).toBe(queue[read])
              const buffer = reader.take()
              expectPayload(buffer, next, reader.lastByteLength)
              reader.recycle(buffer)
              read++
            }
          }
        }
        expect(drainAll(reader)).toEqual(queue.slice(read))
        expect(reader.lent).toBe(0)
      }),
      { seed: SEED, numRuns: RUNS }
    )
  })

  it("carries real patch lists: what the reader takes decodes as what the writer encoded", () => {
    const { writer, reader } = pair(ringOf(4096))
    const patches = new PatchWriter()
    for (let commit = 1; commit <= 50; commit++) {
      patches.begin(null, 1, commit, LANE_SYNC, commit)
      for (let i = 0; i < commit * 3; i++) {
        patches.createElement(i + 1, 1, 0)
        patches.setAttr(i + 1, 2, 3)
        patches.append(0, i + 1)
      }
      patches.defineString(1, "div")
      patches.defineString(2, "title")
      patches.defineString(3, `commit ${commit} ✓`)
      const buffer = patches.finish()
      const words = new Uint32Array(buffer)
      const byteLength = words[6]
      expect(writer.tryWrite(words, byteLength, commit)).toBe(true)
      expect(reader.peek()).toBe(commit)
      const copy = reader.take()
      expect(decodePatch(copy)).toEqual(decodePatch(buffer))
      reader.recycle(copy)
    }
  })

  it("refuses entries that no writer could have written", () => {
    const ring = ringOf(64)
    const words = new Uint32Array(ring)
    const cases: Array<[string, () => void, RegExp]> = [
      ["a size below the header", () => { words[RING_CONTROL_WORDS] = 2 }, /shorter than its header/],
      ["a size past the end", () => { words[RING_CONTROL_WORDS] = 66 }, /past the end/],
      ["a byte length that disagrees", () => {
        words[RING_CONTROL_WORDS + RingEntry.ByteLength] = 100
        words[RING_CONTROL_WORDS] = 6
      }, /byte length/],
      ["an odd size", () => { words[RING_CONTROL_WORDS] = 7 }, /odd/],
      ["a skip marker at word 0", () => { words[RING_CONTROL_WORDS] = RING_SKIP }, /skip marker/]
    ]
    for (const [name, corrupt, message] of cases) {
      words.fill(0, RING_CONTROL_WORDS)
      corrupt()
      const reader = new CommitRingReader(ring)
      expect(() => reader.peek(), name).toThrow(CorruptRingError)
      expect(() => reader.peek(), name).toThrow(message)
      expect(Atomics.load(words, RingControl.ReadPos), name).toBe(0)
    }
  })
})

// ---- the order across the ring and the port -----------------------------------------------

describe("commit order across the ring and the port", () => {
  /** A worker side that tries the ring first and posts to the port (an array) when it is full. */
  function sender(writer: CommitRingWriter | null) {
    const port: Array<{ id: number; buffer: ArrayBuffer; bytes: number }> = []
    const path = new Map<number, number>()
    return {
      port,
      path,
      send(id: number, bytes: number): void {
        const words = payload(id, bytes)
        if (writer !== null && writer.tryWrite(words, bytes, id)) path.set(id, SOURCE_RING)
        else {
          port.push({ id, buffer: words.buffer, bytes })
          path.set(id, SOURCE_PORT)
        }
      }
    }
  }

  it("a port commit that arrives ahead of ring entries waits for them", () => {
    const { writer, reader } = pair(ringOf(64))
    const order = new CommitOrder(reader)
    const worker = sender(writer)
    worker.send(1, 40)
    worker.send(2, 40)
    worker.send(3, 400) // does not fit: by the port
    expect(worker.path.get(3)).toBe(SOURCE_PORT)
    const message = worker.port.shift()!
    expect(order.offer(message.buffer, message.id)).toBe(true)
    expect(order.waiting).toBe(1)
    const applied: Array<[number, number]> = []
    for (let b = order.next(); b !== null; b = order.next()) applied.push([new Uint32Array(b)[1], order.source])
    expect(applied).toEqual([[1, SOURCE_RING], [2, SOURCE_RING], [3, SOURCE_PORT]])
    expect(order.waiting).toBe(0)
    expect(order.nextCommitId).toBe(4)
  })

  it("a ring entry that arrives ahead of a port commit waits in the ring", () => {
    const { writer, reader } = pair(ringOf(64))
    const order = new CommitOrder(reader)
    const worker = sender(writer)
    worker.send(1, 400) // by the port, still in flight
    worker.send(2, 40)
    worker.send(3, 40)
    expect(order.next()).toBe(null)
    expect(reader.peek()).toBe(2)
    expect(reader.taken).toBe(0)
    const message = worker.port.shift()!
    order.offer(message.buffer, message.id)
    const applied: number[] = []
    for (let b = order.next(); b !== null; b = order.next()) applied.push(new Uint32Array(b)[1])
    expect(applied).toEqual([1, 2, 3])
  })

  it("never applies a commit twice, whichever path brings the copy", () => {
    const { writer, reader } = pair(ringOf(256))
    const order = new CommitOrder(reader)
    const copy = (id: number): ArrayBuffer => payload(id, 16).buffer
    // 1 by both paths, the port first; 2 by both, the ring first.
    writer.tryWrite(payload(1, 16), 16, 1)
    expect(order.offer(copy(1), 1)).toBe(true)
    writer.tryWrite(payload(2, 16), 16, 2)
    const applied: number[] = []
    for (let b = order.next(); b !== null; b = order.next()) applied.push(new Uint32Array(b)[1])
    expect(applied).toEqual([1, 2])
    expect(order.offer(copy(2), 2)).toBe(false)
    expect(order.offer(copy(1), 1)).toBe(false)
    expect(order.next()).toBe(null)
    expect(order.duplicates).toBe(3)
    expect(reader.dropped).toBe(1)
    // A port copy of a commit already waiting is refused too.
    expect(order.offer(copy(4), 4)).toBe(true)
    expect(order.offer(copy(4), 4)).toBe(false)
    expect(order.offer(copy(3), 3)).toBe(false)
  })

  it("stops with CorruptRingError, rather than going round forever, on a ring that replays old entries", () => {
    const ring = ringOf(64)
    const { writer, reader } = pair(ring)
    const order = new CommitOrder(reader)
    for (let id = 1; id <= 3; id++) writer.tryWrite(payload(id, 20), 20, id)
    for (let b = order.next(); b !== null; b = order.next()) reader.recycle(b)
    expect(order.nextCommitId).toBe(4)
    // Where entry 4 would go, a skip marker back to 0, where entries 1 to 3 still lie.
    Atomics.store(new Uint32Array(ring), RING_CONTROL_WORDS + 3 * entryWords(20), RING_SKIP)
    expect(() => order.next()).toThrow(CorruptRingError)
  })

  it("orders commit ids across the u32 wrap", () => {
    const { writer, reader } = pair(ringOf(256))
    const order = new CommitOrder(reader, 0xfffffffe)
    writer.tryWrite(payload(0xffffffff, 8), 8, 0xffffffff)
    expect(order.next()).toBe(null)
    expect(order.offer(payload(0xfffffffe, 8).buffer, 0xfffffffe)).toBe(true)
    expect(order.offer(payload(0, 8).buffer, 0)).toBe(true)
    writer.tryWrite(payload(1, 8), 8, 1)
    const applied: number[] = []
    for (let b = order.next(); b !== null; b = order.next()) applied.push(new Uint32Array(b)[1])
    expect(applied).toEqual([0xfffffffe, 0xffffffff, 0, 1])
  })

  it("without a ring (a page that is not isolated) it applies port commits in order", () => {
    const order = new CommitOrder(null)
    expect(order.offer(payload(2, 8).buffer, 2)).toBe(true)
    expect(order.next()).toBe(null)
    expect(order.offer(payload(1, 8).buffer, 1)).toBe(false) // the port never reorders: a late 1 is a bug, refused
    order.clear()
    expect(order.offer(payload(1, 8).buffer, 1)).toBe(true)
    expect(new Uint32Array(order.next()!)[1]).toBe(1)
    expect(order.source).toBe(SOURCE_PORT)
  })

  it("random sends, port delays and drains: every commit applied once, in order, from the path it took", () => {
    const step = fc.oneof(
      { weight: 4, arbitrary: fc.record({ t: fc.constant("send" as const), bytes: fc.oneof(fc.integer({ min: 8, max: 200 }), fc.integer({ min: 8, max: 2000 })) }) },
      { weight: 2, arbitrary: fc.record({ t: fc.constant("deliver" as const), count: fc.integer({ min: 1, max: 3 }) }) },
      { weight: 2, arbitrary: fc.record({ t: fc.constant("drain" as const), max: fc.integer({ min: 1, max: 8 }) }) }
    )
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 600 }), fc.array(step, { maxLength: 200 }), (capacity, steps) => {
        const { writer, reader } = pair(ringOf(capacity))
        const order = new CommitOrder(reader)
        const worker = sender(writer)
        let sent = 0
        const applied: number[] = []
        const drain = (max: number): void => {
          for (let k = 0; k < max; k++) {
            const buffer = order.next()
            if (buffer === null) return
            const id = applied.length + 1
            const bytes = new Uint32Array(buffer)[0]
            expectPayload(buffer, id, bytes)
            expect(order.source, `commit ${id}`).toBe(worker.path.get(id))
            if (order.source === SOURCE_RING) expect(reader.recycle(buffer)).toBe(true)
            applied.push(id)
          }
        }
        for (const s of steps) {
          if (s.t === "send") worker.send(++sent, s.bytes)
          else if (s.t === "deliver") {
            for (let k = 0; k < s.count && worker.port.length > 0; k++) {
              const message = worker.port.shift()!
              expect(order.offer(message.buffer, message.id)).toBe(true)
            }
          } else drain(s.max)
        }
        while (worker.port.length > 0) {
          const message = worker.port.shift()!
          order.offer(message.buffer, message.id)
          drain(Infinity)
        }
        drain(Infinity)
        expect(applied).toEqual(Array.from({ length: sent }, (_, i) => i + 1))
        expect(order.duplicates).toBe(0)
        expect(order.waiting).toBe(0)
      }),
      { seed: SEED + 1, numRuns: RUNS }
    )
  })
})

// ---- two threads: a real Worker writing while this thread drains ---------------------------

const here = dirname(fileURLToPath(import.meta.url))

/**
 * The worker: writes commits 1…count of seeded random sizes (every 97th larger than the
 * ring), each by the ring or, when it does not fit, by the port. With `spin`, it retries a
 * full ring instead, forever, until terminated.
 */
const WORKER_SOURCE = `
import { parentPort, workerData } from "node:worker_threads"
import { CommitRingWriter } from "./ring-writer.ts"
${fillPayload.toString()}
${mulberry32.toString()}
const { ring, count, seed, maxBytes, spin } = workerData
const writer = new CommitRingWriter(ring)
const random = mulberry32(seed)
const capacityBytes = (ring.byteLength >>> 2) * 4
let scratch = new Uint32Array(1024)
for (let id = 1; spin || id <= count; id++) {
  const bytes = id % 97 === 0 && !spin ? capacityBytes + 8 : 8 + Math.floor(random() * maxBytes)
  const words = (bytes + 3) >>> 2
  if (scratch.length < words) scratch = new Uint32Array(words * 2)
  fillPayload(scratch, id, bytes)
  if (spin) {
    while (!writer.tryWrite(scratch, bytes, id)) {}
  } else if (!writer.tryWrite(scratch, bytes, id)) {
    const copy = scratch.slice(0, words)
    parentPort.postMessage({ id, buffer: copy.buffer }, [copy.buffer])
  }
}
parentPort.postMessage({ done: true, written: writer.written, refused: writer.refused })
`

async function startWriter(workerData: Record<string, unknown>): Promise<Worker> {
  const bundled = await build({
    stdin: { contents: WORKER_SOURCE, resolveDir: join(here, "../../protocol/ring"), sourcefile: "ring-worker.ts", loader: "ts" },
    bundle: true,
    format: "cjs",
    platform: "node",
    write: false,
    logLevel: "silent"
  })
  return new Worker(bundled.outputFiles[0].text, { eval: true, workerData })
}

/** Lets the port's messages in: one turn of the event loop, not a timer. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe("commit ring across threads", () => {
  let worker: Worker | null = null
  afterEach(async () => {
    await worker?.terminate()
    worker = null
  })

  it(`${WORKER_ENTRIES} commits of random sizes from a Worker, by the ring or the port: each applied once, in order, byte-identical`, async () => {
    const ring = createCommitRing(16 * 1024)
    const reader = new CommitRingReader(ring)
    const order = new CommitOrder(reader)
    const sources = [0, 0, 0]
    let done: { written: number; refused: number } | null = null
    let failure: unknown = null
    worker = await startWriter({ ring, count: WORKER_ENTRIES, seed: SEED, maxBytes: 6000, spin: false })
    worker.on("error", (error) => { failure = error })
    worker.on("message", (message: { id: number; buffer: ArrayBuffer } | { done: true; written: number; refused: number }) => {
      if ("done" in message) done = message
      else if (!order.offer(message.buffer, message.id)) failure = new Error(`port commit ${message.id} refused`)
    })
    let applied = 0
    while (applied < WORKER_ENTRIES && failure === null) {
      for (let buffer = order.next(); buffer !== null; buffer = order.next()) {
        const id = applied + 1
        const bytes = new Uint32Array(buffer)[0]
        if (order.source === SOURCE_RING) expect(bytes).toBe(reader.lastByteLength)
        expectPayload(buffer, id, bytes)
        sources[order.source]++
        if (order.source === SOURCE_RING) reader.recycle(buffer)
        applied++
      }
      await turn()
    }
    expect(failure).toBe(null)
    expect(applied).toBe(WORKER_ENTRIES)
    while (done === null) await turn()
    const summary = done as { written: number; refused: number }
    expect(summary.written + summary.refused).toBe(WORKER_ENTRIES)
    expect(sources[SOURCE_RING]).toBe(summary.written)
    expect(sources[SOURCE_PORT]).toBe(summary.refused)
    expect(summary.refused).toBeGreaterThanOrEqual(Math.floor(WORKER_ENTRIES / 97))
    expect(summary.written).toBeGreaterThan(0)
    expect(order.duplicates).toBe(0)
    expect(reader.peek()).toBe(RING_EMPTY)
  })

  it("a Worker terminated while writing leaves only whole entries, in order", async () => {
    const ring = createCommitRing(8 * 1024)
    const reader = new CommitRingReader(ring)
    worker = await startWriter({ ring, count: 0, seed: SEED + 2, maxBytes: 2000, spin: true })
    let next = 1
    const check = (): void => {
      for (let id = reader.peek(); id !== RING_EMPTY; id = reader.peek()) {
        expect(id).toBe(next)
        const buffer = reader.take()
        expectPayload(buffer, id, reader.lastByteLength)
        expect(new Uint32Array(buffer)[0]).toBe(reader.lastByteLength)
        reader.recycle(buffer)
        next++
      }
    }
    // Read a while, then stop the writer wherever it is, mid-write or not.
    while (next <= 2000) {
      check()
      await turn()
    }
    await worker.terminate()
    worker = null
    check()
    check()
    expect(reader.peek()).toBe(RING_EMPTY)
    expect(next).toBeGreaterThan(2000)
  })
})
