import { MalformedPatchError, UnknownNodeError } from "../../protocol/errors.ts"
import {
  ARG_SHIFT,
  CONTAINER_ID,
  Header,
  NAMESPACES,
  NS_HTML,
  HEADER_WORDS,
  NS_MATHML,
  OP_APPEND,
  OP_CLEAR_CHILDREN,
  OP_CLONE_TEMPLATE,
  OP_CREATE_ELEMENT,
  OP_DEFINE_TEMPLATE,
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
  PROP_KIND_LAST,
  PROP_NUMBER,
  PROP_STRING,
  MAX_TEMPLATE_NODES,
  MAX_TEMPLATES,
  TEMPLATE_ELEMENT,
  TEMPLATE_TEXT
} from "../../protocol/opcodes.ts"
import { checkHeader, opSize } from "../../protocol/patch-reader.ts"
import { grow, KIND_ELEMENT, KIND_NONE, KIND_TEXT, MAX_ID, NODE_ID, type NodeTable, Template } from "./node-table.ts"
import { classifyName, SAFE_CLASSIFIED, SAFE_EVENT_HANDLER, SAFE_NEVER } from "./url-safety.ts"

/** Validation scratch values (see parentScratch). */
const NO_PARENT = -1
const PARENT_UNREAD = 0xffffffff

/** What the DOM said of a string as a name (NodeTable.names, bits 0..5; url-safety.ts has the bits above): asked, and accepted, per use. */
const NAME_TAG_ASKED = 1 << 0
const NAME_TAG_OK = 1 << 1
const NAME_NS_TAG_ASKED = 1 << 2
const NAME_NS_TAG_OK = 1 << 3
const NAME_ATTR_ASKED = 1 << 4
const NAME_ATTR_OK = 1 << 5

/**
 * Checks a whole patch list before the applier touches the DOM: structure, opcodes, node
 * ids (against the node table as the list itself changes it), string ids, and the tree
 * moves (a ref must be a child of its parent; no node goes into its own subtree).
 *
 * It changes nothing: the table's changes are simulated in scratch arrays that are valid
 * for one pass (a generation stamp per id), so validation allocates nothing per node.
 */
export class PatchValidator {
  private readonly table: NodeTable
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
  /** Where each new string of the list being checked starts in `text`, and its length (for new ids of this pass). */
  private stringStart = new Uint32Array(1024)
  private stringLength = new Uint32Array(1024)
  private text = ""
  /** An inert document (a template's: no custom element constructors run) and a detached element, to ask the DOM about names. */
  private probeDocument: Document | null = null
  private probeElement: Element | null = null
  private pass = 0
  private readonly decoder = new TextDecoder()
  /** Templates defined by the list being checked (valid when their stamp equals `pass`); the applier takes them. */
  private readonly templateStamp = new Uint32Array(MAX_TEMPLATES)
  private readonly pendingTemplates: Array<Template | null> = []

  constructor(table: NodeTable) {
    this.table = table
  }


  /** Checks a whole patch list against the table (unchanged); returns its decoded new strings. Throws a typed error. */
  validate(words: Uint32Array, buffer: ArrayBuffer): string {
    checkHeader(words, buffer.byteLength)
    this.pass = (this.pass + 1) >>> 0
    if (this.pass === 0) {
      this.nodeStamp.fill(0)
      this.stringStamp.fill(0)
      this.templateStamp.fill(0)
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
      // What an earlier string of this id was as a name or a value says nothing of this one.
      this.table.names[id] = 0
      this.table.values[id] = 0
      this.stringStart[id] = chars
      this.stringLength[id] = words[opEnd + count + i]
      chars += words[opEnd + count + i]
    }
    const bytes = words[Header.StringBytes]
    const text = bytes === 0 ? "" : this.decoder.decode(new Uint8Array(buffer, (opEnd + 2 * count) * 4, bytes))
    if (text.length !== chars) throw new MalformedPatchError("string lengths do not match the string bytes", opEnd + count)
    this.text = text

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
        this.checkTag(w[at + 2], arg, at, code)
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
        this.expectElement(w[at + 1], at, code)
        this.checkAttr(w[at + 2], w[at + 3], at, code)
        return
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
        this.classify(w[at + 2])
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
      case OP_DEFINE_TEMPLATE:
        if (arg >= MAX_TEMPLATES) throw new MalformedPatchError(`template id ${arg} out of range`, at)
        if (this.templateOf(arg) !== null) throw new MalformedPatchError(`template ${arg} is defined twice`, at)
        this.pendingTemplates[arg] = this.checkTemplate(w, at + 2, at + size, code)
        this.templateStamp[arg] = this.pass
        return
      case OP_CLONE_TEMPLATE:
        this.checkClone(w, at, size, arg, code)
        return
    }
  }

  /** The template DEFINE_TEMPLATE `id` of the list just validated defined (for the applier, while it applies that list). */
  definedTemplate(id: number): Template {
    return this.pendingTemplates[id]!
  }

  /** A template as the list sees it at this point: defined by it, or earlier; null if unknown. */
  private templateOf(id: number): Template | null {
    if (id >= MAX_TEMPLATES) return null
    if (this.templateStamp[id] === this.pass) return this.pendingTemplates[id]!
    return this.table.templates[id] ?? null
  }

  /** A tag (CREATE_ELEMENT, a template's element): a defined string the DOM accepts as a tag in `namespace`. */
  private checkTag(tag: number, namespace: number, at: number, code: number): void {
    if (namespace > NS_MATHML) throw new MalformedPatchError(`unknown namespace ${namespace}`, at)
    this.expectString(tag, at)
    this.expectName(tag, namespace === NS_HTML ? NAME_TAG_ASKED : NAME_NS_TAG_ASKED, namespace, at, code)
    this.classify(tag)
  }

  /** An attribute (SET_ATTR, a template's element): defined strings, the name classified (the applier refuses unsafe ones by it). */
  private checkAttr(name: number, value: number, at: number, code: number): void {
    this.expectString(name, at)
    this.expectString(value, at)
    this.classify(name)
    // A name refused whatever its value never reaches the DOM, so the DOM is not asked
    // about it: under Trusted Types even the probe's setAttribute("onclick", "") is a violation.
    if ((this.table.names[name] & (SAFE_EVENT_HANDLER | SAFE_NEVER)) === 0) this.expectName(name, NAME_ATTR_ASKED, 0, at, code)
  }

  /**
   * Reads a DEFINE_TEMPLATE body (words start..end) as exactly one tree whose root is an
   * element, checking every tag and attribute as CREATE_ELEMENT and SET_ATTR are checked.
   * Iterative (a stack of open elements), so a deep body cannot overflow the call stack.
   */
  private checkTemplate(w: Uint32Array, start: number, end: number, code: number): Template {
    const kinds: number[] = []
    const parents: number[] = []
    const eventNodes: number[] = []
    const eventTypeIds: number[] = []
    const eventFlags: number[] = []
    /** Pairs: preorder index of an open element, children it still expects. */
    const open: number[] = []
    let textCount = 0
    let p = start
    do {
      if (p >= end) throw new MalformedPatchError("template body ends inside its tree", p)
      const index = kinds.length
      if (index >= MAX_TEMPLATE_NODES) throw new MalformedPatchError(`template has more than ${MAX_TEMPLATE_NODES} nodes`, p)
      const head = w[p]
      const parent = open.length > 0 ? open[open.length - 2] : -1
      let children = 0
      if (head === TEMPLATE_TEXT) {
        kinds.push(KIND_TEXT)
        textCount++
        p++
      } else if ((head & 3) === TEMPLATE_ELEMENT) {
        const namespace = (head >>> 2) & 63
        const attrs = (head >>> 8) & 0xff
        const events = head >>> 16
        if (events > 0xff) throw new MalformedPatchError("template element with more than 255 events", p)
        const next = p + 3 + 2 * attrs + 2 * events
        if (next > end) throw new MalformedPatchError("template element runs past its op", p)
        children = w[p + 1]
        if (children > MAX_TEMPLATE_NODES) throw new MalformedPatchError(`template element with ${children} children`, p)
        this.checkTag(w[p + 2], namespace, p, code)
        let q = p + 3
        for (let i = 0; i < attrs; i++, q += 2) this.checkAttr(w[q], w[q + 1], q, code)
        for (let i = 0; i < events; i++, q += 2) {
          this.expectString(w[q], q)
          if (w[q + 1] > 0x7f) throw new MalformedPatchError(`template event flags ${w[q + 1]} out of range`, q)
          eventNodes.push(index)
          eventTypeIds.push(w[q])
          eventFlags.push(w[q + 1])
        }
        kinds.push(KIND_ELEMENT)
        p = next
      } else throw new MalformedPatchError(`unknown template node word ${head}`, p)
      parents.push(parent)
      if (open.length > 0) open[open.length - 1]--
      if (children > 0) open.push(index, children)
      while (open.length > 0 && open[open.length - 1] === 0) open.length -= 2
    } while (open.length > 0)
    if (p !== end) throw new MalformedPatchError("template body has words after its tree", p)
    if (kinds[0] !== KIND_ELEMENT) throw new MalformedPatchError("a template's root must be an element", start)
    return new Template(textCount, Uint8Array.from(kinds), Int32Array.from(parents), eventNodes, eventTypeIds, eventFlags)
  }

  /** CLONE_TEMPLATE: a known template, one free and distinct id per node, a defined string per text slot, a parent and ref as INSERT_BEFORE's. */
  private checkClone(w: Uint32Array, at: number, size: number, id: number, code: number): void {
    const template = this.templateOf(id)
    if (template === null) throw new MalformedPatchError(`CLONE_TEMPLATE of unknown template ${id}`, at)
    if (size !== 4 + template.nodeCount + template.textCount) {
      throw new MalformedPatchError(`CLONE_TEMPLATE of template ${id} needs ${template.nodeCount} ids and ${template.textCount} texts`, at)
    }
    const parent = w[at + 2]
    const ref = w[at + 3]
    if (parent !== CONTAINER_ID) this.expectElement(parent, at, code)
    if (ref !== 0) {
      this.expectNode(ref, KIND_NONE, at, code)
      if (this.parentOf(ref) !== parent) throw new MalformedPatchError(`CLONE_TEMPLATE ref ${ref} is not a child of node ${parent}`, at)
    }
    const ids = at + 4
    for (let i = 0; i < template.nodeCount; i++) {
      // Free, and not an id taken earlier in this clone: each is simulated in use as it is checked.
      this.expectFreeId(w[ids + i], ids + i, code)
      this.simulateNode(w[ids + i], template.kinds[i], at)
      if (i > 0) this.setParent(w[ids + i], w[ids + template.parents[i]], at)
    }
    for (let i = ids + template.nodeCount; i < at + size; i++) this.expectString(w[i], i)
    this.setParent(w[ids], parent, at)
  }

  /** The simulated kind of a node id: the list's own changes first, then the table. */
  private kindOf(id: number): number {
    if (id < this.nodeStamp.length && this.nodeStamp[id] === this.pass) return this.nodeScratch[id]
    return id < this.table.kinds.length ? this.table.kinds[id] : KIND_NONE
  }

  /** Starts simulating `id` in this pass from what the table holds. */
  private touchNode(id: number): void {
    if (id >= this.nodeStamp.length) {
      this.nodeStamp = grow(this.nodeStamp, id)
      this.nodeScratch = grow(this.nodeScratch, id)
      this.parentScratch = grow(this.parentScratch, id)
      this.parentAt = grow(this.parentAt, id)
      this.clearedAt = grow(this.clearedAt, id)
    }
    if (this.nodeStamp[id] === this.pass) return
    this.nodeStamp[id] = this.pass
    this.nodeScratch[id] = id < this.table.kinds.length ? this.table.kinds[id] : KIND_NONE
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
    const dom = this.table.nodes[id]?.parentNode ?? null
    if (dom === null) return NO_PARENT
    if (dom === this.table.nodes[CONTAINER_ID]) return CONTAINER_ID
    const parent = (dom as unknown as Record<string, number | undefined>)[NODE_ID]
    // The expando stays on released nodes: trust it only if the table still maps it back.
    return parent !== undefined && parent < this.table.nodes.length && this.table.nodes[parent] === dom ? parent : NO_PARENT
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
    return id < this.table.strings.length && this.table.strings[id] !== undefined
  }

  private simulateString(id: number, defined: number): void {
    if (id >= this.stringStamp.length) {
      this.stringStamp = grow(this.stringStamp, id)
      this.stringScratch = grow(this.stringScratch, id)
      this.stringStart = grow(this.stringStart, id)
      this.stringLength = grow(this.stringLength, id)
    }
    if (id >= this.table.names.length) {
      this.table.names = grow(this.table.names, id)
      this.table.values = grow(this.table.values, id)
    }
    this.stringStamp[id] = this.pass
    this.stringScratch[id] = defined
  }

  private expectString(id: number, at: number): void {
    if (!this.stringDefined(id)) throw new MalformedPatchError(`unknown string id ${id}`, at)
  }

  /** The defined string `id`: new in this list, or from the table. */
  private stringText(id: number): string {
    if (id < this.stringStamp.length && this.stringStamp[id] === this.pass) {
      const start = this.stringStart[id]
      return this.text.substring(start, start + this.stringLength[id])
    }
    return this.table.strings[id]!
  }

  /** `asked`: a NAME_*_ASKED bit; its OK bit is the next one up. `namespace`: for tags. */
  private expectName(id: number, asked: number, namespace: number, at: number, code: number): void {
    let state = this.table.names[id]
    if ((state & asked) === 0) {
      state |= asked | (this.domAccepts(this.stringText(id), asked, namespace) ? asked << 1 : 0)
      this.table.names[id] = state
    }
    if ((state & (asked << 1)) === 0) {
      const what = asked === NAME_ATTR_ASKED ? "an attribute name" : "a tag name"
      throw new MalformedPatchError(`${OP_NAMES[code]} uses string id ${id}, ${JSON.stringify(this.stringText(id))}, which the DOM refuses as ${what}`, at)
    }
  }

  /**
   * Classifies a defined string used as a tag, attribute or property name, once per string
   * id (url-safety.ts): the applier then refuses unsafe ops by a bit test, with no string
   * work per op.
   */
  private classify(id: number): void {
    const names = this.table.names
    if ((names[id] & SAFE_CLASSIFIED) === 0) names[id] |= classifyName(this.stringText(id))
  }

  private domAccepts(name: string, asked: number, namespace: number): boolean {
    if (this.probeDocument === null) {
      const owner = this.table.nodes[CONTAINER_ID]!.ownerDocument!
      this.probeDocument = owner.createElement("template").content.ownerDocument ?? owner
      this.probeElement = this.probeDocument.createElement("div")
    }
    try {
      if (asked === NAME_ATTR_ASKED) {
        this.probeElement!.setAttribute(name, "")
        this.probeElement!.removeAttribute(name)
      } else if (asked === NAME_TAG_ASKED) this.probeDocument.createElement(name)
      else this.probeDocument.createElementNS(NAMESPACES[namespace], name)
      return true
    } catch {
      return false
    }
  }
}
