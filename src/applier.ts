import { ApplyError, MalformedPatchError, UnknownNodeError } from "./protocol/errors.ts"
import {
  ARG_SHIFT,
  CONTAINER_ID,
  EVENT_HANDLED,
  Header,
  HEADER_WORDS,
  NAMESPACES,
  NS_HTML,
  NS_MATHML,
  OP_APPEND,
  OP_CLEAR_CHILDREN,
  OP_CREATE_ELEMENT,
  OP_CREATE_TEXT,
  OP_FREE_STRINGS,
  OP_INSERT_BEFORE,
  OP_MASK,
  OP_NAMES,
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
  PROP_FALSE,
  PROP_KIND_LAST,
  PROP_NULL,
  PROP_NUMBER,
  PROP_STRING,
  PROP_TRUE
} from "./protocol/opcodes.ts"
import { checkHeader, opSize } from "./protocol/patch-reader.ts"

/** Expando on DOM nodes holding their Shuttle id, read by event delegation. */
export const NODE_ID = "__shuttleId"

/** Node kinds in the node table. */
const KIND_NONE = 0
const KIND_ELEMENT = 1
const KIND_TEXT = 2

/** Ids beyond this are rejected: they would make the tables grow without bound. */
export const MAX_ID = 1 << 24

/** Validation scratch values (see Applier.parentScratch). */
const NO_PARENT = -1
const PARENT_UNREAD = 0xffffffff

/** Told when the first handler of an event type appears and when the last one goes. */
export interface EventTypeListener {
  listen(type: string): void
  unlisten(type: string): void
}

/**
 * Decodes and applies patch lists to the DOM of one root. The only code that touches the
 * root's DOM.
 *
 * A patch list is checked whole before any DOM call: structure, opcodes, node ids (against
 * the node table as the list itself changes it), string ids, and the tree moves (a ref
 * must be a child of its parent; no node goes into its own subtree). A malformed list
 * throws a typed error and leaves DOM and tables untouched.
 *
 * No per-node allocation: tables are typed arrays indexed by id, grown by doubling;
 * the validation pass simulates the table with generation stamps instead of copies.
 */
export class Applier {
  private readonly nodes: Array<Node | null> = []
  private kinds = new Uint8Array(1024)
  private readonly strings: Array<string | undefined> = []
  /** Validation scratch: an id's simulated kind, parent and clear time are valid when its stamp equals `pass`. */
  private nodeStamp = new Uint32Array(1024)
  private nodeScratch = new Uint8Array(1024)
  /**
   * Simulated tree, so that a list the DOM would refuse half-way (INSERT_BEFORE with a ref
   * that is not a child of the parent, a node inserted into its own subtree) is rejected
   * before any DOM call. Parent id (NO_PARENT: detached or unknown), and the word offset of
   * the op that set it (PARENT_UNREAD: not read from the DOM yet in this pass).
   */
  private parentScratch = new Int32Array(1024)
  private parentAt = new Uint32Array(1024)
  /** Word offset of the last op in this list that emptied the node (CLEAR_CHILDREN, create, release); 0 if none. */
  private clearedAt = new Uint32Array(1024)
  private stringStamp = new Uint32Array(1024)
  private stringScratch = new Uint8Array(1024)
  private pass = 0
  /** Event type → per-node flags (EVENT_HANDLED | flags from SET_EVENT). */
  private readonly eventFlags = new Map<string, Uint8Array>()
  /** The keys of eventFlags as an array, so releasing a node iterates without an iterator object. */
  private readonly eventTypes: string[] = []
  private readonly handlerCounts = new Map<string, number>()
  private readonly decoder = new TextDecoder()
  private liveCount = 0
  /** Controlled input the user is typing into, and the seq of the last event sent from it. */
  private guardNode: Node | null = null
  private guardSeq = 0

  private readonly events: EventTypeListener

  constructor(container: Element, events: EventTypeListener) {
    this.events = events
    this.nodes[CONTAINER_ID] = container
    this.kinds[CONTAINER_ID] = KIND_ELEMENT
  }

  /** Nodes in the table, the container excluded. */
  get nodeCount(): number {
    return this.liveCount
  }

  /** Live strings in the string table. */
  get stringCount(): number {
    let count = 0
    for (let i = 0; i < this.strings.length; i++) if (this.strings[i] !== undefined) count++
    return count
  }

  /** The DOM node with this id, or null. */
  node(id: number): Node | null {
    return id < this.nodes.length ? this.nodes[id] ?? null : null
  }

  /** Event flags of a node for a type (0 if it does not handle it). */
  flagsFor(type: string, id: number): number {
    const table = this.eventFlags.get(type)
    return table !== undefined && id < table.length ? table[id] : 0
  }

  /**
   * The user typed into `node`; the event carried sequence number `seq`. Until a commit
   * rendered after that event arrives, its value/checked props are not written back, so
   * characters typed while a render was in flight are not lost.
   */
  noteInput(node: Node, seq: number): void {
    this.guardNode = node
    this.guardSeq = seq
  }

  /** Validates, then applies one patch list. Returns its commit id. */
  apply(buffer: ArrayBuffer): number {
    const words = new Uint32Array(buffer, 0, buffer.byteLength >>> 2)
    const text = this.validate(words, buffer)
    this.defineStrings(words, text)
    const guarded = this.guardNode !== null && words[Header.EventSeq] < this.guardSeq ? this.guardNode : null
    this.applyOps(words, HEADER_WORDS, HEADER_WORDS + words[Header.OpWords], guarded)
    return words[Header.CommitId]
  }

  /** Drops every node and string (on unmount). */
  reset(): void {
    this.nodes.length = 1
    this.kinds.fill(0, 1)
    this.strings.length = 0
    this.eventFlags.clear()
    this.eventTypes.length = 0
    this.handlerCounts.clear()
    this.liveCount = 0
    this.guardNode = null
  }

  // ---- validation -----------------------------------------------------------------

  private validate(words: Uint32Array, buffer: ArrayBuffer): string {
    checkHeader(words, buffer.byteLength)
    this.pass = (this.pass + 1) >>> 0
    if (this.pass === 0) {
      this.nodeStamp.fill(0)
      this.stringStamp.fill(0)
      this.pass = 1
    }
    const opEnd = HEADER_WORDS + words[Header.OpWords]
    const count = words[Header.StringCount]
    // New strings: ids must be free; lengths must add up to the decoded text.
    let chars = 0
    for (let i = 0; i < count; i++) {
      const id = words[opEnd + i]
      if (id >= MAX_ID) throw new MalformedPatchError(`string id ${id} out of range`, opEnd + i)
      if (this.stringDefined(id)) throw new MalformedPatchError(`string id ${id} is defined twice`, opEnd + i)
      this.simulateString(id, 1)
      chars += words[opEnd + count + i]
    }
    const bytes = words[Header.StringBytes]
    const text = bytes === 0 ? "" : this.decoder.decode(new Uint8Array(buffer, (opEnd + 2 * count) * 4, bytes))
    if (text.length !== chars) throw new MalformedPatchError("string lengths do not match the string bytes", opEnd + count)

    for (let at = HEADER_WORDS; at < opEnd;) {
      const size = opSize(words, at, opEnd)
      if (size < 0) throw new MalformedPatchError(`unknown or truncated op (word ${words[at]})`, at)
      this.validateOp(words, at, words[at] & OP_MASK, size)
      at += size
    }
    return text
  }

  private validateOp(w: Uint32Array, at: number, code: number, size: number): void {
    const arg = w[at] >>> ARG_SHIFT
    switch (code) {
      case OP_CREATE_ELEMENT:
        this.expectFreeId(w[at + 1], at, code)
        if (arg > NS_MATHML) throw new MalformedPatchError(`unknown namespace ${arg}`, at)
        this.expectString(w[at + 2], at)
        this.simulateNode(w[at + 1], KIND_ELEMENT, at)
        return
      case OP_CREATE_TEXT:
        this.expectFreeId(w[at + 1], at, code)
        this.expectString(w[at + 2], at)
        this.simulateNode(w[at + 1], KIND_TEXT, at)
        return
      case OP_SET_TEXT:
        this.expectNode(w[at + 1], KIND_TEXT, at, code)
        this.expectString(w[at + 2], at)
        return
      case OP_SET_ATTR:
      case OP_SET_STYLE:
        this.expectElement(w[at + 1], at, code)
        this.expectString(w[at + 2], at)
        this.expectString(w[at + 3], at)
        return
      case OP_REMOVE_ATTR:
      case OP_REMOVE_STYLE:
      case OP_SET_EVENT:
      case OP_REMOVE_EVENT:
        this.expectElement(w[at + 1], at, code)
        this.expectString(w[at + 2], at)
        return
      case OP_SET_PROP:
        this.expectElement(w[at + 1], at, code)
        this.expectString(w[at + 2], at)
        if (arg > PROP_KIND_LAST) throw new MalformedPatchError(`unknown prop kind ${arg}`, at)
        if (arg === PROP_STRING || arg === PROP_NUMBER) this.expectString(w[at + 3], at)
        return
      case OP_APPEND:
      case OP_INSERT_BEFORE: {
        const parent = w[at + 1]
        const child = w[at + 2]
        if (parent !== CONTAINER_ID) this.expectElement(parent, at, code)
        this.expectNode(child, KIND_NONE, at, code)
        if (child === parent) throw new MalformedPatchError(`node ${child} inserted into itself`, at)
        if (code === OP_INSERT_BEFORE) {
          const ref = w[at + 3]
          this.expectNode(ref, KIND_NONE, at, code)
          if (ref === child) throw new MalformedPatchError(`node ${child} inserted before itself`, at)
          if (this.parentOf(ref) !== parent) throw new MalformedPatchError(`INSERT_BEFORE ref ${ref} is not a child of node ${parent}`, at)
        }
        for (let a = parent; a > CONTAINER_ID; a = this.parentOf(a)) {
          if (a === child) throw new MalformedPatchError(`${OP_NAMES[code]} would insert node ${child} into its own descendant ${parent}`, at)
        }
        this.setParent(child, parent, at)
        return
      }
      case OP_REMOVE:
        this.expectNode(w[at + 1], KIND_NONE, at, code)
        this.setParent(w[at + 1], NO_PARENT, at)
        return
      case OP_CLEAR_CHILDREN:
        if (w[at + 1] !== CONTAINER_ID) this.expectElement(w[at + 1], at, code)
        this.touchNode(w[at + 1])
        this.clearedAt[w[at + 1]] = at
        return
      case OP_RELEASE_NODES:
        for (let i = at + 2; i < at + size; i++) {
          this.expectNode(w[i], KIND_NONE, i, code)
          this.simulateNode(w[i], KIND_NONE, at)
        }
        return
      case OP_FREE_STRINGS:
        for (let i = at + 2; i < at + size; i++) {
          this.expectString(w[i], i)
          this.simulateString(w[i], 0)
        }
        return
    }
  }

  /** The simulated kind of a node id: the list's own changes first, then the table. */
  private kindOf(id: number): number {
    if (id < this.nodeStamp.length && this.nodeStamp[id] === this.pass) return this.nodeScratch[id]
    return id < this.kinds.length ? this.kinds[id] : KIND_NONE
  }

  /** Starts simulating `id` in this pass from what the table holds. */
  private touchNode(id: number): void {
    if (id >= this.nodeStamp.length) {
      this.nodeStamp = grow32(this.nodeStamp, id)
      this.nodeScratch = grow8(this.nodeScratch, id)
      this.parentScratch = growI32(this.parentScratch, id)
      this.parentAt = grow32(this.parentAt, id)
      this.clearedAt = grow32(this.clearedAt, id)
    }
    if (this.nodeStamp[id] === this.pass) return
    this.nodeStamp[id] = this.pass
    this.nodeScratch[id] = id < this.kinds.length ? this.kinds[id] : KIND_NONE
    this.parentAt[id] = PARENT_UNREAD
    this.clearedAt[id] = 0
  }

  /** A node created or released at word `at`: detached, and cut from any child it had before. */
  private simulateNode(id: number, kind: number, at: number): void {
    this.touchNode(id)
    this.nodeScratch[id] = kind
    this.parentScratch[id] = NO_PARENT
    this.parentAt[id] = at
    this.clearedAt[id] = at
  }

  private setParent(id: number, parent: number, at: number): void {
    this.touchNode(id)
    this.parentScratch[id] = parent
    this.parentAt[id] = at
  }

  /** The simulated parent of a live node: its DOM parent, then the list's own moves; NO_PARENT if detached. */
  private parentOf(id: number): number {
    this.touchNode(id)
    if (this.parentAt[id] === PARENT_UNREAD) {
      // The DOM is not touched during validation, so reading it lazily is consistent.
      this.parentScratch[id] = this.domParent(id)
      this.parentAt[id] = 0
    }
    const parent = this.parentScratch[id]
    if (parent === NO_PARENT) return NO_PARENT
    this.touchNode(parent)
    // The parent was emptied (or released, or is a new node under a reused id) after the link was made.
    return this.clearedAt[parent] > this.parentAt[id] ? NO_PARENT : parent
  }

  private domParent(id: number): number {
    const dom = this.nodes[id]?.parentNode ?? null
    if (dom === null) return NO_PARENT
    if (dom === this.nodes[CONTAINER_ID]) return CONTAINER_ID
    const parent = (dom as unknown as Record<string, number | undefined>)[NODE_ID]
    // The expando stays on released nodes: trust it only if the table still maps it back.
    return parent !== undefined && parent < this.nodes.length && this.nodes[parent] === dom ? parent : NO_PARENT
  }

  private expectFreeId(id: number, at: number, code: number): void {
    if (id === CONTAINER_ID || id >= MAX_ID) throw new MalformedPatchError(`${OP_NAMES[code]} with invalid node id ${id}`, at)
    if (this.kindOf(id) !== KIND_NONE) throw new MalformedPatchError(`${OP_NAMES[code]} reuses node id ${id}, which is still in use`, at)
  }

  /** `kind` KIND_NONE accepts any existing node. */
  private expectNode(id: number, kind: number, at: number, code: number): void {
    // The container is in the table, so "unknown node" would be wrong: using it here is a format error.
    if (id === CONTAINER_ID) throw new MalformedPatchError(`${OP_NAMES[code]} cannot name node id 0, the root container`, at)
    const actual = this.kindOf(id)
    if (actual === KIND_NONE) throw new UnknownNodeError(id, OP_NAMES[code], at)
    if (kind !== KIND_NONE && actual !== kind) {
      throw new MalformedPatchError(`${OP_NAMES[code]} expects ${kind === KIND_TEXT ? "a text" : "an element"} node, but node ${id} is not one`, at)
    }
  }

  private expectElement(id: number, at: number, code: number): void {
    this.expectNode(id, KIND_ELEMENT, at, code)
  }

  private stringDefined(id: number): boolean {
    if (id < this.stringStamp.length && this.stringStamp[id] === this.pass) return this.stringScratch[id] === 1
    return id < this.strings.length && this.strings[id] !== undefined
  }

  private simulateString(id: number, defined: number): void {
    if (id >= this.stringStamp.length) {
      this.stringStamp = grow32(this.stringStamp, id)
      this.stringScratch = grow8(this.stringScratch, id)
    }
    this.stringStamp[id] = this.pass
    this.stringScratch[id] = defined
  }

  private expectString(id: number, at: number): void {
    if (!this.stringDefined(id)) throw new MalformedPatchError(`unknown string id ${id}`, at)
  }

  // ---- application ----------------------------------------------------------------

  private defineStrings(words: Uint32Array, text: string): void {
    const opEnd = HEADER_WORDS + words[Header.OpWords]
    const count = words[Header.StringCount]
    let pos = 0
    for (let i = 0; i < count; i++) {
      const length = words[opEnd + count + i]
      this.strings[words[opEnd + i]] = text.substring(pos, pos + length)
      pos += length
    }
  }

  private applyOps(w: Uint32Array, start: number, end: number, guarded: Node | null): void {
    const nodes = this.nodes
    const strings = this.strings as string[]
    let at = start
    try {
      while (at < end) {
        const word = w[at]
        const code = word & OP_MASK
        switch (code) {
          case OP_CREATE_ELEMENT: {
            const ns = word >>> ARG_SHIFT
            const tag = strings[w[at + 2]]
            const el = ns === NS_HTML ? document.createElement(tag) : document.createElementNS(NAMESPACES[ns], tag)
            this.addNode(w[at + 1], el, KIND_ELEMENT)
            at += 3
            break
          }
          case OP_CREATE_TEXT:
            this.addNode(w[at + 1], document.createTextNode(strings[w[at + 2]]), KIND_TEXT)
            at += 3
            break
          case OP_SET_TEXT:
            (nodes[w[at + 1]] as Text).data = strings[w[at + 2]]
            at += 3
            break
          case OP_SET_ATTR:
            (nodes[w[at + 1]] as Element).setAttribute(strings[w[at + 2]], strings[w[at + 3]])
            at += 4
            break
          case OP_REMOVE_ATTR:
            (nodes[w[at + 1]] as Element).removeAttribute(strings[w[at + 2]])
            at += 3
            break
          case OP_SET_PROP: {
            const node = nodes[w[at + 1]]!
            if (node !== guarded) setProperty(node, strings[w[at + 2]], word >>> ARG_SHIFT, strings[w[at + 3]])
            at += 4
            break
          }
          case OP_SET_STYLE:
            (nodes[w[at + 1]] as HTMLElement).style.setProperty(strings[w[at + 2]], strings[w[at + 3]])
            at += 4
            break
          case OP_REMOVE_STYLE:
            (nodes[w[at + 1]] as HTMLElement).style.removeProperty(strings[w[at + 2]])
            at += 3
            break
          case OP_APPEND:
            nodes[w[at + 1]]!.appendChild(nodes[w[at + 2]]!)
            at += 3
            break
          case OP_INSERT_BEFORE:
            nodes[w[at + 1]]!.insertBefore(nodes[w[at + 2]]!, nodes[w[at + 3]]!)
            at += 4
            break
          case OP_REMOVE:
            (nodes[w[at + 1]] as ChildNode).remove()
            at += 2
            break
          case OP_CLEAR_CHILDREN:
            nodes[w[at + 1]]!.textContent = ""
            at += 2
            break
          case OP_RELEASE_NODES: {
            const last = at + 2 + w[at + 1]
            for (let i = at + 2; i < last; i++) this.releaseNode(w[i])
            at = last
            break
          }
          case OP_SET_EVENT:
            this.setEvent(w[at + 1], strings[w[at + 2]], (word >>> ARG_SHIFT) | EVENT_HANDLED)
            at += 3
            break
          case OP_REMOVE_EVENT:
            this.setEvent(w[at + 1], strings[w[at + 2]], 0)
            at += 3
            break
          case OP_FREE_STRINGS: {
            const last = at + 2 + w[at + 1]
            for (let i = at + 2; i < last; i++) this.strings[w[i]] = undefined
            at = last
            break
          }
          default:
            // Unreachable after validation; guards against a validator bug looping forever.
            throw new MalformedPatchError(`unknown op ${code}`, at)
        }
      }
    } catch (cause) {
      if (cause instanceof MalformedPatchError) throw cause
      throw new ApplyError(OP_NAMES[w[at] & OP_MASK], at, cause)
    }
  }

  private addNode(id: number, node: Node, kind: number): void {
    if (id >= this.kinds.length) this.kinds = grow8(this.kinds, id)
    this.kinds[id] = kind
    this.nodes[id] = node
    ;(node as unknown as Record<string, number>)[NODE_ID] = id
    this.liveCount++
  }

  private releaseNode(id: number): void {
    if (this.kinds[id] === KIND_ELEMENT) {
      for (let i = 0; i < this.eventTypes.length; i++) {
        const type = this.eventTypes[i]
        if (this.flagsFor(type, id) !== 0) this.setEvent(id, type, 0)
      }
    }
    if (this.guardNode === this.nodes[id]) this.guardNode = null
    this.nodes[id] = null
    this.kinds[id] = KIND_NONE
    this.liveCount--
  }

  private setEvent(id: number, type: string, flags: number): void {
    let table = this.eventFlags.get(type)
    if (table === undefined) {
      table = new Uint8Array(Math.max(1024, this.kinds.length))
      this.eventFlags.set(type, table)
      this.eventTypes.push(type)
    } else if (id >= table.length) {
      table = grow8(table, id)
      this.eventFlags.set(type, table)
    }
    const had = table[id] !== 0
    table[id] = flags
    const count = this.handlerCounts.get(type) ?? 0
    if (!had && flags !== 0) {
      this.handlerCounts.set(type, count + 1)
      if (count === 0) this.events.listen(type)
    } else if (had && flags === 0) {
      if (count === 1) {
        this.handlerCounts.delete(type)
        this.events.unlisten(type)
      } else this.handlerCounts.set(type, count - 1)
    }
  }
}

function setProperty(node: Node, name: string, kind: number, value: string): void {
  const target = node as unknown as Record<string, unknown>
  switch (kind) {
    case PROP_STRING:
      if (target[name] !== value) target[name] = value
      return
    case PROP_TRUE:
      target[name] = true
      return
    case PROP_FALSE:
      target[name] = false
      return
    case PROP_NUMBER:
      target[name] = Number(value)
      return
    case PROP_NULL:
      target[name] = name === "value" ? "" : null
      return
  }
}

function grow8(array: Uint8Array, index: number): Uint8Array<ArrayBuffer> {
  let size = array.length * 2
  while (size <= index) size *= 2
  const grown = new Uint8Array(size)
  grown.set(array)
  return grown
}

function growI32(array: Int32Array, index: number): Int32Array<ArrayBuffer> {
  let size = array.length * 2
  while (size <= index) size *= 2
  const grown = new Int32Array(size)
  grown.set(array)
  return grown
}

function grow32(array: Uint32Array, index: number): Uint32Array<ArrayBuffer> {
  let size = array.length * 2
  while (size <= index) size *= 2
  const grown = new Uint32Array(size)
  grown.set(array)
  return grown
}
