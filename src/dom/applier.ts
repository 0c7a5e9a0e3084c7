import { ApplyError, MalformedPatchError, UnsafeValueError } from "../../protocol/errors.ts"
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
  PROP_FALSE,
  PROP_KIND_LAST,
  PROP_NULL,
  PROP_NUMBER,
  PROP_STRING,
  PROP_TRUE,
  TEMPLATE_TEXT
} from "../../protocol/opcodes.ts"
import { grow, KIND_ELEMENT, KIND_NONE, KIND_TEXT, NODE_ID, NodeTable } from "./node-table.ts"
import { PatchValidator } from "./patch-validator.ts"
import {
  ANIMATION_CLASSIFIED,
  ANIMATION_UNSAFE,
  animationTargetUnsafe,
  classifyUrl,
  MEDIA_TAGS,
  nameRefusal,
  SAFE_ANIMATION_TARGET,
  SAFE_GUARDED_ATTR,
  SAFE_PROPERTY,
  SAFE_REFUSED_TAG,
  SAFE_URL,
  URL_CLASS_MASK,
  URL_MEDIA_ONLY,
  URL_REFUSED,
  URL_UNKNOWN,
  urlRefusal
} from "./url-safety.ts"

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
 * No per-node allocation: tables are typed arrays indexed by id, grown by doubling
 * (node-table.ts); validation is patch-validator.ts.
 *
 * Nothing a list holds can run script in the page (docs/safety.md): event-handler
 * attributes, `srcdoc`, script URLs in URL attributes, `<script>`/`<base>` elements and
 * properties other than the form-control ones are refused, each reported to `onUnsafe` as
 * an UnsafeValueError once the list is applied, and the rest of the list applies. The
 * checks cost one bit test per SET_ATTR, SET_PROP and CREATE_ELEMENT: what a string is as
 * a name is asked once per string id (url-safety.ts), when the validator first sees it used.
 */
export class Applier {
  private readonly table: NodeTable
  private readonly validator: PatchValidator
  /** Event type → per-node flags (EVENT_HANDLED | flags from SET_EVENT). */
  private readonly eventFlags = new Map<string, Uint8Array<ArrayBuffer>>()
  /** The keys of eventFlags as an array, so releasing a node iterates without an iterator object. */
  private readonly eventTypes: string[] = []
  private readonly handlerCounts = new Map<string, number>()
  private liveCount = 0
  /** Defined strings (validation guarantees a define hits a free id and a free hits a defined one). */
  private liveStrings = 0
  /** Controlled input the user is typing into, and the seq of the last event sent from it. */
  private guardNode: Node | null = null
  private guardSeq = 0

  private readonly events: EventTypeListener
  private readonly onUnsafe: (error: UnsafeValueError) => void
  /** Refusals of the list being applied, reported when it is done. */
  private readonly refused: UnsafeValueError[] = []

  /** `onUnsafe` is told of every refused op (createRoot passes the root's onError); default console.error. */
  constructor(container: Element, events: EventTypeListener, onUnsafe?: (error: UnsafeValueError) => void) {
    this.events = events
    this.onUnsafe = onUnsafe ?? ((error) => console.error(error))
    this.table = new NodeTable(container)
    this.validator = new PatchValidator(this.table)
  }

  /** Nodes in the table, the container excluded. */
  get nodeCount(): number {
    return this.liveCount
  }

  /** Live strings in the string table. */
  get stringCount(): number {
    return this.liveStrings
  }

  /** The DOM node with this id, or null. */
  node(id: number): Node | null {
    return id < this.table.nodes.length ? this.table.nodes[id] ?? null : null
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
    const text = this.validator.validate(words, buffer)
    this.defineStrings(words, text)
    const guarded = this.guardNode !== null && words[Header.EventSeq] < this.guardSeq ? this.guardNode : null
    try {
      this.applyOps(words, HEADER_WORDS, HEADER_WORDS + words[Header.OpWords], guarded)
    } finally {
      if (this.refused.length > 0) this.reportRefused()
    }
    return words[Header.CommitId]
  }

  /** Drops every node and string (on unmount). */
  reset(): void {
    this.table.nodes.length = 1
    this.table.kinds.fill(0, 1)
    this.table.strings.length = 0
    this.table.templates.length = 0
    this.liveStrings = 0
    this.eventFlags.clear()
    this.eventTypes.length = 0
    this.handlerCounts.clear()
    this.liveCount = 0
    this.guardNode = null
    this.refused.length = 0
  }

  // ---- application ----------------------------------------------------------------

  private defineStrings(words: Uint32Array, text: string): void {
    const opEnd = HEADER_WORDS + words[Header.OpWords]
    const count = words[Header.StringCount]
    let pos = 0
    for (let i = 0; i < count; i++) {
      const length = words[opEnd + count + i]
      this.table.strings[words[opEnd + i]] = text.substring(pos, pos + length)
      this.liveStrings++
      pos += length
    }
  }

  private applyOps(w: Uint32Array, start: number, end: number, guarded: Node | null): void {
    const nodes = this.table.nodes
    const strings = this.table.strings as string[]
    // The validator has classified every name this list uses (and grown the table for it).
    const names = this.table.names
    let at = start
    try {
      while (at < end) {
        const word = w[at]
        const code = word & OP_MASK
        switch (code) {
          case OP_CREATE_ELEMENT:
            this.addNode(w[at + 1], this.createElement(word >>> ARG_SHIFT, w[at + 2]), KIND_ELEMENT)
            at += 3
            break
          case OP_CREATE_TEXT:
            this.addNode(w[at + 1], document.createTextNode(strings[w[at + 2]]), KIND_TEXT)
            at += 3
            break
          case OP_SET_TEXT:
            (nodes[w[at + 1]] as Text).data = strings[w[at + 2]]
            at += 3
            break
          case OP_SET_ATTR:
            this.setAttribute(nodes[w[at + 1]] as Element, w[at + 2], w[at + 3])
            at += 4
            break
          case OP_REMOVE_ATTR:
            (nodes[w[at + 1]] as Element).removeAttribute(strings[w[at + 2]])
            at += 3
            break
          case OP_SET_PROP: {
            const node = nodes[w[at + 1]]!
            if ((names[w[at + 2]] & SAFE_PROPERTY) === 0) this.refuseProperty(node as Element, strings[w[at + 2]], word >>> ARG_SHIFT, w[at + 3])
            else if (node !== guarded) setProperty(node, strings[w[at + 2]], word >>> ARG_SHIFT, strings[w[at + 3]])
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
            for (let i = at + 2; i < last; i++) this.table.strings[w[i]] = undefined
            this.liveStrings -= last - at - 2
            at = last
            break
          }
          case OP_DEFINE_TEMPLATE:
            at = this.defineTemplate(w, at, word >>> ARG_SHIFT)
            break
          case OP_CLONE_TEMPLATE:
            at = this.cloneTemplate(w, at, word >>> ARG_SHIFT)
            break
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

  /** CREATE_ELEMENT, and each element of a template: a refused tag (script, base) becomes an inert `<template>`. */
  private createElement(ns: number, tagId: number): Element {
    const tag = this.table.strings[tagId]!
    if ((this.table.names[tagId] & SAFE_REFUSED_TAG) !== 0) return this.refuseElement(tag)
    return ns === NS_HTML ? document.createElement(tag) : document.createElementNS(NAMESPACES[ns], tag)
  }

  /** SET_ATTR, and each attribute of a template: names the validator classified as guarded go through setGuardedAttr. */
  private setAttribute(el: Element, nameId: number, valueId: number): void {
    const strings = this.table.strings
    const bits = this.table.names[nameId]
    if ((bits & SAFE_GUARDED_ATTR) === 0) el.setAttribute(strings[nameId]!, strings[valueId]!)
    else this.setGuardedAttr(el, bits, strings[nameId]!, valueId)
  }

  /**
   * DEFINE_TEMPLATE: builds the template's detached tree once, with the same element and
   * attribute code as CREATE_ELEMENT and SET_ATTR (so with the same refusals, reported once
   * here rather than per clone). Returns the offset after the op.
   */
  private defineTemplate(w: Uint32Array, at: number, id: number): number {
    const template = this.validator.definedTemplate(id)
    const end = at + 2 + w[at + 1]
    template.body = w.slice(at + 2, end)
    const made = this.templateNodes
    made.length = 0
    const root = this.buildTemplate(template.body, made)
    for (let i = 0; i < template.eventTypeIds.length; i++) template.eventTypes.push(this.table.strings[template.eventTypeIds[i]]!)
    // Cloning is trusted only if the clone's preorder walk would meet the nodes made, one for one.
    let i = 0
    let node: Node | null = root
    while (node !== null && i < made.length && node === made[i]) {
      i++
      node = nextInPreorder(node, root)
    }
    template.clonable = node === null && i === made.length
    template.root = root
    this.table.templates[id] = template
    made.length = 0
    return end
  }

  /** Preorder nodes of the template being built (scratch). */
  private readonly templateNodes: Node[] = []

  /** Builds a template body's tree; pushes its nodes in preorder onto `made`. */
  private buildTemplate(body: Uint32Array, made: Node[]): Node {
    const open: Node[] = []
    const expected: number[] = []
    for (let p = 0; p < body.length;) {
      const head = body[p]
      let node: Node
      let children = 0
      if (head === TEMPLATE_TEXT) {
        node = document.createTextNode("")
        p++
      } else {
        const attrs = (head >>> 8) & 0xff
        const el = this.createElement((head >>> 2) & 63, body[p + 2])
        children = body[p + 1]
        let q = p + 3
        for (let i = 0; i < attrs; i++, q += 2) this.setAttribute(el, body[q], body[q + 1])
        node = el
        p = q + 2 * (head >>> 16)
      }
      made.push(node)
      if (open.length > 0) {
        open[open.length - 1].appendChild(node)
        expected[expected.length - 1]--
      }
      if (children > 0) {
        open.push(node)
        expected.push(children)
      }
      while (expected.length > 0 && expected[expected.length - 1] === 0) {
        open.pop()
        expected.pop()
      }
    }
    return made[0]
  }

  /**
   * CLONE_TEMPLATE: one `cloneNode(true)`, then a preorder walk of the clone that gives each
   * node its id (and each text slot its text), the template's events, and one insertion.
   * Returns the offset after the op.
   */
  private cloneTemplate(w: Uint32Array, at: number, id: number): number {
    const template = this.table.templates[id]!
    const strings = this.table.strings
    const kinds = template.kinds
    const ids = at + 4
    let text = ids + template.nodeCount
    let root: Node
    if (template.clonable) {
      root = template.root!.cloneNode(true)
      let node: Node | null = root
      for (let i = 0; node !== null; i++) {
        this.addNode(w[ids + i], node, kinds[i])
        if (kinds[i] === KIND_TEXT) (node as Text).data = strings[w[text++]]!
        node = nextInPreorder(node, root)
      }
    } else {
      // Cold: a template cloneNode would not reproduce node for node (see Template.clonable).
      const made = this.templateNodes
      made.length = 0
      root = this.buildTemplate(template.body!, made)
      for (let i = 0; i < made.length; i++) {
        this.addNode(w[ids + i], made[i], kinds[i])
        if (kinds[i] === KIND_TEXT) (made[i] as Text).data = strings[w[text++]]!
      }
      made.length = 0
    }
    for (let i = 0; i < template.eventNodes.length; i++) {
      this.setEvent(w[ids + template.eventNodes[i]], template.eventTypes[i], template.eventFlags[i] | EVENT_HANDLED)
    }
    const parent = this.table.nodes[w[at + 2]]!
    const ref = w[at + 3]
    if (ref === 0) parent.appendChild(root)
    else parent.insertBefore(root, this.table.nodes[ref]!)
    return at + 4 + template.nodeCount + template.textCount
  }

  // ---- refusals (cold: only for attributes whose name needs a look at the value) -------

  /**
   * SET_ATTR of an event-handler, `srcdoc`, URL or `attributeName` attribute. A refused
   * attribute is removed rather than left with an older value: what the model asks for
   * cannot be shown, and a stale link would be wrong.
   */
  private setGuardedAttr(el: Element, bits: number, name: string, valueId: number): void {
    const value = this.table.strings[valueId]!
    let reason = nameRefusal(bits)
    if (reason === null && (bits & SAFE_ANIMATION_TARGET) !== 0 && (this.valueBits(valueId, value, true) & ANIMATION_UNSAFE) !== 0) {
      reason = "SVG animation of an href or event-handler attribute could turn a link into script"
    }
    if (reason === null && (bits & SAFE_URL) !== 0) {
      const urlClass = this.valueBits(valueId, value, false) & URL_CLASS_MASK
      if (urlClass === URL_REFUSED || (urlClass === URL_MEDIA_ONLY && !MEDIA_TAGS.has(el.localName))) reason = urlRefusal(value, urlClass)
    }
    if (reason === null) {
      try {
        el.setAttribute(name, value)
        return
      } catch (cause) {
        // Names are validated, so only Trusted Types throws a TypeError here (embed src, object data).
        if (!(cause instanceof TypeError)) throw cause
        reason = `the page requires Trusted Types and the browser takes only a trusted value for ${el.localName} ${name}`
      }
    }
    if (el.hasAttribute(name)) el.removeAttribute(name)
    this.refused.push(new UnsafeValueError("attribute", el.localName, name, value, reason))
  }

  /** What a string is as a URL or an `attributeName` value: classified once per string id. */
  private valueBits(id: number, value: string, animation: boolean): number {
    const values = this.table.values
    let bits = values[id]
    if (animation && (bits & ANIMATION_CLASSIFIED) === 0) {
      bits |= ANIMATION_CLASSIFIED | (animationTargetUnsafe(value) ? ANIMATION_UNSAFE : 0)
      values[id] = bits
    } else if (!animation && (bits & URL_CLASS_MASK) === URL_UNKNOWN) {
      bits |= classifyUrl(value)
      values[id] = bits
    }
    return bits
  }

  /** CREATE_ELEMENT of `script` or `base`: an inert `<template>` takes the id, so the list's other ops on it still apply. */
  private refuseElement(tag: string): Element {
    const reason = tag.toLowerCase() === "base"
      ? "a <base> element redirects every relative URL of the page, the page's own script loads included"
      : "a <script> element runs its text or its src when inserted"
    this.refused.push(new UnsafeValueError("element", tag, "", "", reason))
    return document.createElement("template")
  }

  private refuseProperty(el: Element, name: string, kind: number, valueId: number): void {
    const value = kind === PROP_STRING || kind === PROP_NUMBER ? this.table.strings[valueId]!
      : kind === PROP_TRUE ? "true" : kind === PROP_FALSE ? "false" : "null"
    this.refused.push(new UnsafeValueError("property", el.localName, name, value,
      "Shuttle sets only the form-control properties value, checked, selected, indeterminate and muted; any other (innerHTML, href, onclick…) could run script or pass the attribute checks"))
  }

  /**
   * Tells `onUnsafe` of this list's refusals, after the list is applied. A throwing
   * callback is rethrown in a microtask (reported as uncaught, as a throwing event listener
   * is), so it cannot stop the commit half-way.
   */
  private reportRefused(): void {
    const refused = this.refused.splice(0)
    for (let i = 0; i < refused.length; i++) {
      try {
        this.onUnsafe(refused[i])
      } catch (error) {
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }

  private addNode(id: number, node: Node, kind: number): void {
    if (id >= this.table.kinds.length) this.table.kinds = grow(this.table.kinds, id)
    this.table.kinds[id] = kind
    this.table.nodes[id] = node
    ;(node as unknown as Record<string, number>)[NODE_ID] = id
    this.liveCount++
  }

  private releaseNode(id: number): void {
    if (this.table.kinds[id] === KIND_ELEMENT) {
      for (let i = 0; i < this.eventTypes.length; i++) {
        const type = this.eventTypes[i]
        if (this.flagsFor(type, id) !== 0) this.setEvent(id, type, 0)
      }
    }
    if (this.guardNode === this.table.nodes[id]) this.guardNode = null
    this.table.nodes[id] = null
    this.table.kinds[id] = KIND_NONE
    this.liveCount--
  }

  private setEvent(id: number, type: string, flags: number): void {
    let table = this.eventFlags.get(type)
    if (table === undefined) {
      table = new Uint8Array(Math.max(1024, this.table.kinds.length))
      this.eventFlags.set(type, table)
      this.eventTypes.push(type)
    } else if (id >= table.length) {
      table = grow(table, id)
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

/** The node after `node` in a preorder walk of `root`'s subtree, or null at its end. */
function nextInPreorder(node: Node, root: Node): Node | null {
  const first = node.firstChild
  if (first !== null) return first
  let at: Node | null = node
  while (at !== null && at !== root) {
    const next: Node | null = at.nextSibling
    if (next !== null) return next
    at = at.parentNode
  }
  return null
}

/**
 * Sets a DOM property. A setter may refuse a value in ways validation cannot foresee (a
 * read-only property, `value` of a file input, a setter that takes only strings): the
 * element then keeps its value, as when it sanitizes one, instead of the list stopping
 * half-applied (found by test/property/decoder-fuzz.test.ts).
 */
function setProperty(node: Node, name: string, kind: number, value: string): void {
  try {
    assignProperty(node, name, kind, value)
  } catch {
    // Refused by the element: see above.
  }
}

function assignProperty(node: Node, name: string, kind: number, value: string): void {
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
