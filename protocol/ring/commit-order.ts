import { ENTRY_HEADER_WORDS, RING_EMPTY } from "./ring-layout.ts"
import { CorruptRingError, type CommitRingReader } from "./ring-reader.ts"

/** `CommitOrder.source`: the last commit `next` returned came from the ring (a copy: recycle it). */
export const SOURCE_RING = 1
/** `CommitOrder.source`: the last commit `next` returned came by the port (transfer it back with the ack). */
export const SOURCE_PORT = 2

/** `a` comes before `b` in commit-id order (u32 ids, compared modulo 2^32 so they may wrap). */
function precedes(a: number, b: number): boolean {
  return ((a - b) | 0) < 0
}

/**
 * Puts a root's commits back in commit-id order on the page, whichever path each took:
 * the ring (read through `reader`) or the port (handed in with `offer`). The rule
 * (docs/commit-ring.md, "Ordering"): the worker numbers its commits 1, 2, 3, … and sends
 * each by exactly one path; the page applies commit n only after n − 1. A commit that
 * arrives ahead of one it follows waits: a port commit here, a ring entry in the ring.
 * A commit whose id was applied already is never returned again.
 *
 * ```ts
 * order.offer(buffer, commitId)                  // on a port commit
 * for (let b = order.next(); b !== null; b = order.next()) apply(b, order.source)
 * ```
 *
 * Call `next` until it returns null at the start of every delegated event, every frame,
 * and on every message from the worker. Nothing here allocates, apart from growing the
 * array of waiting port commits.
 *
 * @since 0.1.0
 */
export class CommitOrder {
  private readonly reader: CommitRingReader | null
  /** The id of the next commit to apply. */
  private expected: number
  /** Port commits that arrived ahead of their turn, ascending (the port keeps the worker's order). */
  private readonly heldBuffers: ArrayBuffer[] = []
  private readonly heldIds: number[] = []
  private heldHead = 0
  /** Where the buffer that `next` returned last came from: SOURCE_RING or SOURCE_PORT (0 before any). */
  source = 0
  /** Copies refused because their commit was applied or held already (the worker sent one twice). */
  duplicates = 0

  /** `reader` is null while the page is not isolated: then every commit comes by the port. */
  constructor(reader: CommitRingReader | null, firstCommitId = 1) {
    this.reader = reader
    this.expected = firstCommitId >>> 0
  }

  /** The id of the next commit to apply. */
  get nextCommitId(): number {
    return this.expected
  }

  /** Port commits waiting for a commit before them (from the ring, or a port commit not yet here). */
  get waiting(): number {
    return this.heldIds.length - this.heldHead
  }

  /**
   * A commit arrived by the port. Returns false if its id was applied (or is waiting)
   * already: drop it, it must not be applied twice. A list too short to hold a commit id is
   * malformed: hand it straight to the applier, which refuses it and changes nothing.
   */
  offer(buffer: ArrayBuffer, commitId: number): boolean {
    const id = commitId >>> 0
    const ids = this.heldIds
    const last = this.heldHead < ids.length ? ids[ids.length - 1] : (this.expected - 1) >>> 0
    if (!precedes(last, id)) {
      this.duplicates++
      return false
    }
    if (this.heldHead === ids.length && this.heldHead > 0) {
      // Empty: start the arrays again rather than let them grow with dead slots.
      ids.length = 0
      this.heldBuffers.length = 0
      this.heldHead = 0
    }
    ids.push(id)
    this.heldBuffers.push(buffer)
    return true
  }

  /**
   * The next commit to apply, from either path, or null when it has not arrived yet.
   * `source` says which path it took.
   */
  next(): ArrayBuffer | null {
    const expected = this.expected
    const head = this.heldHead
    if (head < this.heldIds.length && this.heldIds[head] === expected) {
      const buffer = this.heldBuffers[head]
      this.heldBuffers[head] = EMPTY_BUFFER
      this.heldHead = head + 1
      this.expected = (expected + 1) >>> 0
      this.source = SOURCE_PORT
      return buffer
    }
    const reader = this.reader
    if (reader === null) return null
    // More stale entries in a row than the ring can hold: it is going round old memory.
    let drops = reader.capacity / ENTRY_HEADER_WORDS
    for (;;) {
      const id = reader.peek()
      if (id === RING_EMPTY) return null
      if (id === expected) {
        const buffer = reader.take()
        this.expected = (expected + 1) >>> 0
        this.source = SOURCE_RING
        return buffer
      }
      // A ring entry ahead of its turn waits in the ring for the port commit before it.
      if (!precedes(id, expected)) return null
      // Applied already (it came by the port too): never twice.
      if (--drops < 0) throw new CorruptRingError(`entries of commits before ${expected} without end`, -1)
      reader.drop()
      this.duplicates++
    }
  }

  /** Forgets the waiting port commits (unmount, or the worker is replaced). */
  clear(): void {
    this.heldIds.length = 0
    this.heldBuffers.length = 0
    this.heldHead = 0
  }
}

/** Put in a taken slot so the array does not keep an applied buffer alive. */
const EMPTY_BUFFER = new ArrayBuffer(0)
