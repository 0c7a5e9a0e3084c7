import { ENTRY_HEADER_WORDS, entryWords, RING_CONTROL_WORDS, RING_SKIP, RingControl, RingEntry, ringWords } from "./ring-layout.ts"

/**
 * The worker's end of a commit ring (layout: `ring-layout.ts`). One writer per ring, on
 * one thread. `tryWrite` copies a finished patch list into the ring and publishes it, or
 * writes nothing and returns false when it does not fit: the caller then posts that commit
 * on the port, and the page puts the two paths back in commit-id order
 * (`commit-order.ts`, docs/commit-ring.md). The patch buffer stays with the worker, which
 * can pool it again at once.
 *
 * @since 0.1.0
 */
export class CommitRingWriter {
  private readonly words: Uint32Array
  private readonly capacity: number
  /** Data offset where the next entry goes (or where a RING_SKIP goes, if it does not fit there). */
  private position = 0
  /** Entries written. */
  written = 0
  /** Entries refused for want of room (they went by the port). */
  refused = 0

  constructor(buffer: SharedArrayBuffer) {
    this.words = ringWords(buffer)
    this.capacity = this.words[RingControl.Capacity]
    // A writer attached to a ring in use (not the normal case: one writer per ring for its
    // whole life) carries on where the reader is, which is where an empty ring starts.
    this.position = Atomics.load(this.words, RingControl.ReadPos)
  }

  /** The last ring commit the page has applied (`RingControl.AppliedCommit`), 0 before the first. */
  get appliedCommit(): number {
    return Atomics.load(this.words, RingControl.AppliedCommit)
  }

  /** Says that every DOM event up to `seq` is answered (its commit, if any, is published or posted). */
  answered(seq: number): void {
    Atomics.store(this.words, RingControl.AnsweredSeq, seq)
  }

  /**
   * Copies the first `byteLength` bytes of `words` (a patch list) into the ring as commit
   * `commitId` and publishes it; returns false, having written nothing, if there is not room.
   * An empty ring always takes an entry of up to half its data region (its 3 header words
   * included); a bigger one fits only when the free words happen to lie in one piece.
   */
  tryWrite(words: Uint32Array, byteLength: number, commitId: number): boolean {
    const body = (byteLength + 3) >>> 2
    if (body > words.length) throw new RangeError(`tryWrite: ${byteLength} bytes asked, the view holds ${words.length * 4}`)
    const size = entryWords(byteLength)
    const capacity = this.capacity
    const read = Atomics.load(this.words, RingControl.ReadPos)
    let at = this.position
    // -1, or where a RING_SKIP goes because the entry starts at 0 instead.
    let skipAt = -1
    // Free words: [at, read) cyclically, all of them when at === read. The entry takes
    // `size` of them and the word after it (its successor's Ready) one more.
    if (at >= read) {
      // Free: [at, capacity) and [0, read). Ending exactly at the end makes word 0 the
      // successor's Ready, which is free only if the reader has left word 0.
      const fitsAtEnd = at + size < capacity || (at + size === capacity && read > 0)
      if (!fitsAtEnd) {
        if (size >= read) {
          this.refused++
          return false
        }
        skipAt = at
        at = 0
      }
    } else if (at + size >= read) {
      this.refused++
      return false
    }
    const ring = this.words
    const base = RING_CONTROL_WORDS + at
    ring[base + RingEntry.CommitId] = commitId
    ring[base + RingEntry.ByteLength] = byteLength
    ring[base + RingEntry.Reserved] = 0
    ring.set(body === words.length ? words : words.subarray(0, body), base + ENTRY_HEADER_WORDS)
    let next = at + size
    if (next === capacity) next = 0
    // The successor's Ready holds a stale word of an earlier lap: make it "not whole" before
    // publishing, so the reader stops there. The plain writes above happen before the
    // reader's Atomics.load that sees this entry's Ready (both Atomics are seq-cst).
    ring[RING_CONTROL_WORDS + next] = 0
    Atomics.store(ring, base + RingEntry.Ready, size)
    // The reader is stuck at skipAt (it reads 0 there) until this store, and then finds
    // the entry at 0 already whole.
    if (skipAt >= 0) Atomics.store(ring, RING_CONTROL_WORDS + skipAt, RING_SKIP)
    this.position = next
    this.written++
    return true
  }
}
