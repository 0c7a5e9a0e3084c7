import { ENTRY_HEADER_WORDS, entryWords, RING_CONTROL_WORDS, RING_EMPTY, RING_SKIP, RingControl, RingEntry, ringWords } from "./ring-layout.ts"

/**
 * The ring broke its own layout: an entry's Ready word or sizes cannot be what a
 * CommitRingWriter wrote (a bug, or something else writing into the shared memory).
 * Nothing of that entry was read, and the reader stays where it was. Commits in the ring
 * may be lost, so treat it as a worker fault: stop reading the ring and restart the worker.
 */
export class CorruptRingError extends Error {
  readonly _tag = "CorruptRingError"
  readonly reason: string
  /** Data-region word offset of the entry. */
  readonly offset: number
  constructor(reason: string, offset: number) {
    super(`Commit ring corrupt at word ${offset}: ${reason}. Nothing of it was applied; restart the worker.`)
    this.name = "CorruptRingError"
    this.reason = reason
    this.offset = offset
  }
}

/** take() copies into buffers of at least this many bytes (a power of two), as PatchWriter starts with 4 KB. */
const MIN_COPY_BYTES = 4096
/** Copy buffers the reader keeps track of, lent out or free; beyond this, take() allocates one it forgets. */
const TRACKED_LIMIT = 16
/**
 * Up to this many words, take() copies with a loop; above, with one `set` (one view
 * object, then a memcpy). Measured in Node 20: equal at 256 bytes; at 64 bytes the loop
 * takes a third of the time, at 4 KB `set` takes a seventh.
 */
const LOOP_COPY_WORDS = 64

/**
 * The page's end of a commit ring (layout: `ring-layout.ts`). One reader per ring, on the
 * main thread. Walk it without closures:
 *
 * ```ts
 * for (let id = reader.peek(); id !== RING_EMPTY; id = reader.peek()) {
 *   const buffer = reader.take() // a copy: validate and apply it, then reader.recycle(buffer)
 * }
 * ```
 *
 * `take` copies the entry out of the shared memory into an ArrayBuffer of the reader's
 * pool and frees its ring space at once. A copy, because the applier validates a whole
 * list before it applies it, and a list that the worker can still write to could change
 * between the two; because TextDecoder refuses views of shared memory (Chromium: "The
 * provided ArrayBufferView value must not be shared"); and because a copy can wait in the
 * page's commit queue for its frame without holding ring space. After warm-up, draining
 * allocates no ArrayBuffer; a list over 256 bytes costs one view object (for the memcpy).
 *
 * @since 0.1.0
 */
export class CommitRingReader {
  private readonly words: Uint32Array
  /** Words in the data region. */
  readonly capacity: number
  /** Data offset of the next entry; the reader is the only one to store ReadPos, so this mirrors it. */
  private position: number
  /** Size in words of the whole entry at `position`, once `peek` checked it; 0 before. */
  private headSize = 0
  private readonly freeBuffers: ArrayBuffer[] = []
  private readonly freeViews: Uint32Array[] = []
  private readonly lentBuffers: ArrayBuffer[] = []
  private readonly lentViews: Uint32Array[] = []
  /** Bytes of the patch list that the last `take` returned. */
  lastByteLength = 0
  /** Entries taken, and dropped (`drop`: their commit had come by the port already). */
  taken = 0
  dropped = 0
  /** ArrayBuffers `take` ever allocated: flat once warm. */
  allocations = 0

  constructor(buffer: SharedArrayBuffer) {
    this.words = ringWords(buffer)
    this.capacity = this.words[RingControl.Capacity]
    this.position = Atomics.load(this.words, RingControl.ReadPos)
  }

  /** Commit `commitId`, taken from the ring, is applied: its ack for the worker (`RingControl.AppliedCommit`). */
  applied(commitId: number): void {
    Atomics.store(this.words, RingControl.AppliedCommit, commitId)
  }

  /** The last DOM event the worker has answered (`RingControl.AnsweredSeq`). */
  get answeredSeq(): number {
    return Atomics.load(this.words, RingControl.AnsweredSeq)
  }

  /**
   * The commit id of the next whole entry, or RING_EMPTY when there is none yet (none
   * written, or the next one not whole: nothing after it is looked at). Moves past a skip
   * marker. Throws CorruptRingError.
   */
  peek(): number {
    const ring = this.words
    if (this.headSize !== 0) return ring[RING_CONTROL_WORDS + this.position + RingEntry.CommitId]
    let at = this.position
    let ready = Atomics.load(ring, RING_CONTROL_WORDS + at)
    if (ready === RING_SKIP) {
      if (at === 0) throw new CorruptRingError("a skip marker at the start of the region", 0)
      // The tail is unused this lap: give it back now, the writer may need it.
      at = 0
      this.position = 0
      Atomics.store(ring, RingControl.ReadPos, 0)
      ready = Atomics.load(ring, RING_CONTROL_WORDS)
      if (ready === RING_SKIP) throw new CorruptRingError("a skip marker at the start of the region", 0)
    }
    if (ready === 0) return RING_EMPTY
    if (ready < ENTRY_HEADER_WORDS || (ready & 1) !== 0 || at + ready > this.capacity) {
      throw new CorruptRingError(`an entry of ${ready} words: odd, shorter than its header, or past the end`, at)
    }
    if (entryWords(ring[RING_CONTROL_WORDS + at + RingEntry.ByteLength]) !== ready) {
      throw new CorruptRingError("the entry's byte length does not match its size", at + RingEntry.ByteLength)
    }
    this.headSize = ready
    return ring[RING_CONTROL_WORDS + at + RingEntry.CommitId]
  }

  /**
   * Copies the next whole entry's patch list into a buffer of the pool, frees its ring
   * space, and returns the buffer; `lastByteLength` says how many of its bytes are the list
   * (the list's header says so too). Give the buffer back with `recycle` once applied.
   */
  take(): ArrayBuffer {
    if (this.headSize === 0 && this.peek() === RING_EMPTY) throw new Error("CommitRingReader.take: no whole entry; call peek() first")
    const ring = this.words
    const from = RING_CONTROL_WORDS + this.position + ENTRY_HEADER_WORDS
    const byteLength = ring[RING_CONTROL_WORDS + this.position + RingEntry.ByteLength]
    const body = (byteLength + 3) >>> 2
    const view = this.borrow(body * 4)
    if (body <= LOOP_COPY_WORDS) {
      for (let i = 0; i < body; i++) view[i] = ring[from + i]
    } else {
      view.set(ring.subarray(from, from + body))
    }
    this.release()
    this.lastByteLength = byteLength
    this.taken++
    return view.buffer as ArrayBuffer
  }

  /** Frees the next whole entry's ring space without reading it (its commit was applied already). */
  drop(): void {
    if (this.headSize === 0 && this.peek() === RING_EMPTY) throw new Error("CommitRingReader.drop: no whole entry; call peek() first")
    this.release()
    this.dropped++
  }

  /**
   * Gives back a buffer that `take` returned, once applied (or refused). Returns false for
   * a buffer that is not the reader's: one that came by the port, or one `take` lent
   * beyond its pool (let it go, or hand it to the worker's pool with the ack).
   */
  recycle(buffer: ArrayBuffer): boolean {
    const lent = this.lentBuffers
    const i = lent.indexOf(buffer)
    if (i < 0) return false
    this.freeBuffers.push(buffer)
    this.freeViews.push(this.lentViews[i])
    removeAt(lent, this.lentViews, i)
    return true
  }

  /** Copy buffers lent by `take` and not yet recycled. */
  get lent(): number {
    return this.lentBuffers.length
  }

  private release(): void {
    let next = this.position + this.headSize
    if (next === this.capacity) next = 0
    this.position = next
    this.headSize = 0
    Atomics.store(this.words, RingControl.ReadPos, next)
  }

  /** A view over a copy buffer of at least `bytes` bytes, from the free list if one is big enough. */
  private borrow(bytes: number): Uint32Array {
    const free = this.freeBuffers
    let view: Uint32Array | null = null
    for (let i = free.length - 1; i >= 0; i--) {
      if (free[i].byteLength >= bytes) {
        view = this.freeViews[i]
        removeAt(free, this.freeViews, i)
        break
      }
    }
    if (view === null) {
      // None big enough: replace a free one rather than keep more buffers than needed.
      if (free.length > 0) {
        free.pop()
        this.freeViews.pop()
      }
      let size = MIN_COPY_BYTES
      while (size < bytes) size *= 2
      view = new Uint32Array(new ArrayBuffer(size))
      this.allocations++
      if (free.length + this.lentBuffers.length >= TRACKED_LIMIT) return view
    }
    this.lentBuffers.push(view.buffer as ArrayBuffer)
    this.lentViews.push(view)
    return view
  }
}

/**
 * Removes item `i` of two parallel arrays by moving the last item into its place. Order
 * does not matter to the pool, and pop() is cheap where `length = n` and splice are not
 * (V8 sets a shorter length through the runtime; splice allocates its result).
 */
function removeAt(buffers: ArrayBuffer[], views: Uint32Array[], i: number): void {
  const last = buffers.length - 1
  buffers[i] = buffers[last]
  views[i] = views[last]
  buffers.pop()
  views.pop()
}
