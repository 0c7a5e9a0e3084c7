/**
 * The layout of the commit ring: a single-producer (the worker) single-consumer (the page)
 * queue of patch lists in one SharedArrayBuffer per root, the delivery path that does not
 * wait behind input tasks and frames (DESIGN.md, "Delivery: urgent first"). Both threads
 * import this file; `docs/commit-ring.md` is the prose version, with the ordering rule
 * across the ring and the port. The writer is `ring-writer.ts` (worker), the reader
 * `ring-reader.ts` and the ordering `commit-order.ts` (page).
 *
 * The buffer is little-endian u32 words:
 *
 *   word 0                                  16               32                 32 + Capacity
 *   [ Magic Version Capacity … AnsweredSeq ][ ReadPos …      ][ data region: Capacity words ]
 *
 * After creation only `ReadPos` and `AnsweredSeq` change in the control header: the reader
 * stores ReadPos and the writer loads it; the writer stores AnsweredSeq and the reader loads
 * it (the page waits on it for a discrete event's answer, see docs/commit-ring.md). The
 * writer keeps its own position to itself: an entry is published by
 * its Ready word, not by a shared write index. ReadPos has a 64-byte line of its own and
 * the data starts on another, so the reader's stores do not keep stealing the cache line
 * the writer is filling (false sharing).
 *
 * An entry, at a word offset `at` of the data region:
 *
 *   [ Ready ][ CommitId ][ ByteLength ][ Reserved ][ the patch list: ceil(ByteLength / 4) words ][ pad ]
 *
 * Entries take an even number of words (the pad word, if any, is not written), so every
 * entry, and the patch list in it, starts 8-byte aligned. This is for speed: V8 copies to
 * and from shared memory with a relaxed memcpy that falls back to byte by byte when source
 * and target are not 8-byte aligned alike; measured on a 64 KB list, 5 to 15 times slower.
 *
 * - Ready is written last, with `Atomics.store`: 0 while the entry is not whole (a writer
 *   that dies mid-write leaves 0, so nothing of it is ever read, nor anything after it);
 *   otherwise the entry's size in words, header included (even, at least ENTRY_HEADER_WORDS).
 *   RING_SKIP instead says "nothing more up to the end of the region: the next entry is at
 *   word 0" (an entry that does not fit before the end starts at 0).
 * - The word after an entry (the next entry's Ready, or word 0 after the last entry of a
 *   lap) is zeroed by the writer before the entry's Ready is stored: the free region holds
 *   stale words of earlier laps, and the reader must find 0, not an old entry, there.
 * - ReadPos is the data offset of the first entry the reader has not released. The writer
 *   may use every word from its position up to ReadPos (cyclically) except one: the word
 *   it zeroes for the next entry's Ready. So "position = ReadPos" always means empty.
 *
 * @since 0.1.0
 */

/** "SHRG" read as a little-endian u32. */
export const RING_MAGIC = 0x47524853
export const RING_VERSION = 3

/** Control header word offsets (from the start of the buffer). */
export const RingControl = {
  Magic: 0,
  Version: 1,
  /** Words in the data region. */
  Capacity: 2,
  /**
   * Sequence number of the last DOM event the worker has answered: the messages of every
   * event up to it are folded and their commit, if any, published (in the ring, or posted
   * when it did not fit). Writer stores, reader loads; 0 before the first event.
   */
  AnsweredSeq: 8,
  /**
   * The last commit the page has applied when it came through the ring: its ack, in place
   * of an `ack` message (a port commit's ack still comes by message, with its buffer). The
   * worker reads it before each render step. Reader stores, writer loads; 0 before the first.
   */
  AppliedCommit: 12,
  /** Data offset of the first entry the reader has not released. Reader stores, writer loads. */
  ReadPos: 16,
  /** The data region starts here: word 32, byte 128. */
  Size: 32
} as const
export const RING_CONTROL_WORDS = RingControl.Size

/** Entry word offsets (from the entry's start in the data region). */
export const RingEntry = {
  /** 0: not whole; RING_SKIP: go to word 0; otherwise the entry's size in words (even). Written last. */
  Ready: 0,
  /** The patch list's commit id (its header's CommitId): the page applies in this order. */
  CommitId: 1,
  /** Bytes of the patch list (its header's ByteLength); the entry holds ceil(ByteLength / 4) words of it. */
  ByteLength: 2,
  /** Written 0. Pads the header to 16 bytes, keeping the patch list 8-byte aligned. */
  Reserved: 3,
  Size: 4
} as const
export const ENTRY_HEADER_WORDS = RingEntry.Size

/** Ready value: the rest of the data region is unused this lap; the next entry starts at word 0. */
export const RING_SKIP = 0xffffffff

/** What `CommitRingReader.peek` returns when no whole entry is waiting. Commit ids are u32, so never -1. */
export const RING_EMPTY = -1

/** The smallest data region accepted (16 words); a useful ring holds many commits: see docs/commit-ring.md. */
export const MIN_RING_BYTES = 64

/** Words an entry of a `byteLength`-byte patch list takes in the ring, its header included: even. */
export function entryWords(byteLength: number): number {
  return ENTRY_HEADER_WORDS + (((byteLength + 7) >>> 3) << 1)
}

/**
 * Whether this thread can make and share a commit ring: SharedArrayBuffer exists (Node,
 * or a page that is cross-origin isolated; browsers hide it otherwise) and the page, if
 * any, is `crossOriginIsolated` (postMessage refuses to share memory otherwise).
 */
export function commitRingSupported(): boolean {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated
  return typeof SharedArrayBuffer === "function" && isolated !== false
}

/**
 * Makes an empty ring with a data region of `dataBytes` bytes (rounded down to 8 bytes).
 * The page makes it (it knows whether it is isolated) and sends it to the worker, which
 * then shares the memory. An entry (a patch list and 3 words) bigger than the region minus
 * one word always goes by the port.
 */
export function createCommitRing(dataBytes: number): SharedArrayBuffer {
  if (!Number.isInteger(dataBytes) || dataBytes < MIN_RING_BYTES || dataBytes > 0x3fffffff) {
    throw new RangeError(`A commit ring's data region takes ${MIN_RING_BYTES} bytes to 1 GiB, got ${dataBytes}`)
  }
  const capacity = (dataBytes >>> 3) << 1
  const buffer = new SharedArrayBuffer((RING_CONTROL_WORDS + capacity) * 4)
  const words = new Uint32Array(buffer)
  words[RingControl.Magic] = RING_MAGIC
  words[RingControl.Version] = RING_VERSION
  words[RingControl.Capacity] = capacity
  return buffer
}

/** The ring's words, after checking that `buffer` is a ring of this version; throws a RangeError. */
export function ringWords(buffer: SharedArrayBuffer): Uint32Array {
  const words = new Uint32Array(buffer, 0, buffer.byteLength >>> 2)
  if (words.length < RING_CONTROL_WORDS || words[RingControl.Magic] !== RING_MAGIC) {
    throw new RangeError("Not a commit ring: make it with createCommitRing")
  }
  if (words[RingControl.Version] !== RING_VERSION) {
    throw new RangeError(`Commit ring version ${words[RingControl.Version]}; this code reads version ${RING_VERSION}`)
  }
  if (words[RingControl.Capacity] !== words.length - RING_CONTROL_WORDS || (words[RingControl.Capacity] & 1) !== 0) {
    throw new RangeError("Commit ring capacity does not match its buffer")
  }
  return words
}
