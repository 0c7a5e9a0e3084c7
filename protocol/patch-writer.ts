import {
  ARG_SHIFT,
  Header,
  HEADER_WORDS,
  MAGIC,
  OP_APPEND,
  OP_CLEAR_CHILDREN,
  OP_CREATE_ELEMENT,
  OP_CLONE_TEMPLATE,
  OP_CREATE_TEXT,
  OP_DEFINE_TEMPLATE,
  OP_FREE_STRINGS,
  OP_INSERT_BEFORE,
  OP_RELEASE_NODES,
  OP_REMOVE,
  OP_REMOVE_ATTR,
  OP_REMOVE_EVENT,
  OP_REMOVE_STYLE,
  OP_SET_ATTR,
  OP_SET_EVENT,
  OP_SET_PROP,
  OP_SET_STYLE,
  OP_SET_TEXT,
  VERSION
} from "./opcodes.ts"

const MIN_BYTES = 4096

/**
 * Writes one patch list at a time into a reusable ArrayBuffer. The caller hands it a
 * buffer (from its pool) with `begin`, writes ops, and takes the finished buffer back
 * from `finish`. The buffer doubles when full, so after warm-up a commit allocates no
 * ArrayBuffer.
 *
 * Strings are given as ids; the caller (the string table) calls `defineString` once for
 * each string that the main thread has not seen.
 *
 * @since 0.1.0
 */
/** What a writer holds between patch lists (shared: allocating even an empty ArrayBuffer can wait for V8's sweeper after a GC). */
const NO_BUFFER = new ArrayBuffer(0)
const NO_WORDS = new Uint32Array(NO_BUFFER)

export class PatchWriter {
  private buffer: ArrayBuffer = NO_BUFFER
  private words: Uint32Array = NO_WORDS
  private pos: number = HEADER_WORDS
  private readonly newStringIds: number[] = []
  private readonly newStrings: string[] = []
  private readonly encoder = new TextEncoder()
  private open = false
  /** ArrayBuffers this writer allocated (a fresh one, or a bigger one when full). Flat once warm. */
  allocations = 0

  /** Starts a patch list in `buffer` (any size; it grows as needed). */
  begin(buffer: ArrayBuffer | null, rootId: number, commitId: number, lane: number, eventSeq: number): void {
    if (buffer === null || buffer.byteLength < MIN_BYTES) {
      buffer = new ArrayBuffer(MIN_BYTES)
      this.allocations++
    }
    this.buffer = buffer
    this.words = new Uint32Array(buffer)
    this.words.fill(0, 0, HEADER_WORDS)
    this.words[Header.Magic] = MAGIC
    this.words[Header.Version] = VERSION
    this.words[Header.RootId] = rootId
    this.words[Header.CommitId] = commitId
    this.words[Header.Lane] = lane
    this.words[Header.EventSeq] = eventSeq
    this.pos = HEADER_WORDS
    this.newStringIds.length = 0
    this.newStrings.length = 0
    this.open = true
  }

  /** True between `begin` and `finish`. */
  get isOpen(): boolean {
    return this.open
  }

  /** Words of ops written so far. */
  get opWords(): number {
    return this.pos - HEADER_WORDS
  }

  /** Strings defined so far in this list. */
  get stringCount(): number {
    return this.newStrings.length
  }

  /** Where the list stands now: ops written and strings defined (see `rewind`). */
  mark(): number {
    // Both fit in one number: op words below 2^32, strings below 2^21.
    return this.pos * 2097152 + this.newStrings.length
  }

  /** Drops every op and string written since `mark()` returned `at` (an error boundary's catch). */
  rewind(at: number): void {
    const strings = at % 2097152
    this.pos = (at - strings) / 2097152
    this.newStrings.length = strings
    this.newStringIds.length = strings
  }

  setFlags(flags: number): void {
    this.words[Header.Flags] |= flags
  }

  defineString(id: number, text: string): void {
    this.newStringIds.push(id)
    this.newStrings.push(text)
  }

  createElement(id: number, tag: number, namespace: number): void {
    this.op3(OP_CREATE_ELEMENT | (namespace << ARG_SHIFT), id, tag)
  }
  createText(id: number, text: number): void {
    this.op3(OP_CREATE_TEXT, id, text)
  }
  setText(id: number, text: number): void {
    this.op3(OP_SET_TEXT, id, text)
  }
  setAttr(id: number, name: number, value: number): void {
    this.op4(OP_SET_ATTR, id, name, value)
  }
  removeAttr(id: number, name: number): void {
    this.op3(OP_REMOVE_ATTR, id, name)
  }
  setProp(id: number, name: number, kind: number, value: number): void {
    this.op4(OP_SET_PROP | (kind << ARG_SHIFT), id, name, value)
  }
  setStyle(id: number, name: number, value: number): void {
    this.op4(OP_SET_STYLE, id, name, value)
  }
  removeStyle(id: number, name: number): void {
    this.op3(OP_REMOVE_STYLE, id, name)
  }
  append(parent: number, child: number): void {
    this.op3(OP_APPEND, parent, child)
  }
  insertBefore(parent: number, child: number, ref: number): void {
    this.op4(OP_INSERT_BEFORE, parent, child, ref)
  }
  remove(id: number): void {
    this.reserve(2)
    this.words[this.pos] = OP_REMOVE
    this.words[this.pos + 1] = id
    this.pos += 2
  }
  clearChildren(parent: number): void {
    this.reserve(2)
    this.words[this.pos] = OP_CLEAR_CHILDREN
    this.words[this.pos + 1] = parent
    this.pos += 2
  }
  setEvent(id: number, type: number, flags: number): void {
    this.op3(OP_SET_EVENT | (flags << ARG_SHIFT), id, type)
  }
  removeEvent(id: number, type: number): void {
    this.op3(OP_REMOVE_EVENT, id, type)
  }
  releaseNodes(ids: ArrayLike<number>, count: number): void {
    this.idList(OP_RELEASE_NODES, ids, count)
  }
  freeStrings(ids: ArrayLike<number>, count: number): void {
    this.idList(OP_FREE_STRINGS, ids, count)
  }

  /** DEFINE_TEMPLATE: the first `length` words of `body` are the template's nodes (opcodes.ts). */
  defineTemplate(template: number, body: ArrayLike<number>, length: number): void {
    this.reserve(2 + length)
    const w = this.words
    const p = this.pos
    w[p] = OP_DEFINE_TEMPLATE | (template << ARG_SHIFT)
    w[p + 1] = length
    for (let i = 0; i < length; i++) w[p + 2 + i] = body[i]
    this.pos = p + 2 + length
  }

  /**
   * CLONE_TEMPLATE with `slots` (nodes + texts) words left for the caller to fill with
   * `setWord`, before the next op: returns the offset of the first of them.
   */
  cloneTemplate(template: number, parent: number, ref: number, slots: number): number {
    this.reserve(4 + slots)
    const w = this.words
    const p = this.pos
    w[p] = OP_CLONE_TEMPLATE | (template << ARG_SHIFT)
    w[p + 1] = 2 + slots
    w[p + 2] = parent
    w[p + 3] = ref
    this.pos = p + 4 + slots
    return p + 4
  }

  /** Fills a word `cloneTemplate` left open. */
  setWord(at: number, value: number): void {
    this.words[at] = value
  }

  /** Writes the header and the string section; returns the buffer, which the writer forgets. */
  finish(): ArrayBuffer {
    const count = this.newStrings.length
    const joined = count === 0 ? "" : this.newStrings.join("")
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    this.reserve(2 * count + Math.ceil((joined.length * 3) / 4))
    const words = this.words
    const idsAt = this.pos
    for (let i = 0; i < count; i++) {
      words[idsAt + i] = this.newStringIds[i]
      words[idsAt + count + i] = this.newStrings[i].length
    }
    const bytesAt = (idsAt + 2 * count) * 4
    const written = count === 0 ? 0 : this.encoder.encodeInto(joined, new Uint8Array(this.buffer, bytesAt)).written
    words[Header.ByteLength] = bytesAt + written
    words[Header.OpWords] = this.pos - HEADER_WORDS
    words[Header.StringCount] = count
    words[Header.StringBytes] = written
    const buffer = this.buffer
    this.buffer = NO_BUFFER
    this.words = NO_WORDS
    this.newStrings.length = 0
    this.newStringIds.length = 0
    this.open = false
    return buffer
  }

  private op3(a: number, b: number, c: number): void {
    this.reserve(3)
    const w = this.words
    const p = this.pos
    w[p] = a
    w[p + 1] = b
    w[p + 2] = c
    this.pos = p + 3
  }

  private op4(a: number, b: number, c: number, d: number): void {
    this.reserve(4)
    const w = this.words
    const p = this.pos
    w[p] = a
    w[p + 1] = b
    w[p + 2] = c
    w[p + 3] = d
    this.pos = p + 4
  }

  private idList(op: number, ids: ArrayLike<number>, count: number): void {
    if (count === 0) return
    this.reserve(2 + count)
    const w = this.words
    w[this.pos] = op
    w[this.pos + 1] = count
    for (let i = 0; i < count; i++) w[this.pos + 2 + i] = ids[i]
    this.pos += 2 + count
  }

  private reserve(words: number): void {
    if (this.pos + words <= this.words.length) return
    // Outside begin/finish the buffer is empty, and doubling 0 would loop forever.
    if (!this.open) throw new Error("PatchWriter: write ops between begin() and finish()")
    let size = this.buffer.byteLength * 2
    while (size < (this.pos + words) * 4) size *= 2
    const next = new ArrayBuffer(size)
    this.allocations++
    new Uint32Array(next).set(this.words.subarray(0, this.pos))
    this.buffer = next
    this.words = new Uint32Array(next)
  }
}
