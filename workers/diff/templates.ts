import { MAX_TEMPLATES, TEMPLATE_ELEMENT, TEMPLATE_TEXT } from "../../protocol/opcodes.ts"
import type { PatchWriter } from "../../protocol/patch-writer.ts"
import { type VNode, VNODE_ELEMENT, VNODE_TEXT } from "../vnode.ts"
import { classString, eventFlags, eventType, isEventName, isHandler, PROPERTIES } from "./props.ts"
import type { StringTable } from "./string-table.ts"

/**
 * Templates: a subtree mounted again and again with the same shape (a list row) is sent
 * once as DEFINE_TEMPLATE, then each instance as one CLONE_TEMPLATE (its ids and texts),
 * which the main thread builds with one `cloneNode(true)`.
 *
 * A subtree can be a template when it is "static in shape": HTML elements and texts only
 * (no components or fragments, no svg/math), unkeyed children, props that become only
 * attributes and events (no DOM properties, no style object). Its shape key holds tags,
 * attribute names and values, event types and flags, and the child structure; text
 * content is left out, since texts are slots filled by each clone.
 *
 * A shape becomes a template the second time the root mounts it (one-off subtrees cost a
 * key walk and nothing on the wire); a root keeps its templates for its life, at most
 * MAX_TEMPLATES (beyond, plain ops). The main thread holds a template as DOM, not as
 * string ids, so the string sweep need not keep a template's strings.
 */

/** Smaller subtrees save too little to be worth a template. */
export const TEMPLATE_MIN_NODES = 3
/** Larger subtrees are not templates (bounds the key walk at every mount). */
export const TEMPLATE_MAX_NODES = 64
/** Shapes counted at most: past it, new shapes are never templates. */
const SEEN_LIMIT = 4096
/** Whether a Renderer makes templates unless told otherwise. */
export const TEMPLATES_BY_DEFAULT = true

/** mountTemplate's answers. */
export const TEMPLATE_MOUNTED = 0
/** Not a template; its descendants may be. */
export const TEMPLATE_NOT_SHAPE = 1
/** A static shape not (yet) a template: its descendants need not try. */
export const TEMPLATE_NOT_YET = 2

/** What the worker keeps of a defined template. */
export interface TemplateInfo {
  readonly id: number
  readonly nodeCount: number
  readonly textCount: number
  readonly hasEvents: boolean
}

export class TemplateTable {
  enabled: boolean
  /** Above 0 while mounting the inside of a shape that was tried already. */
  suppressed = 0
  private readonly seen = new Map<string, number>()
  private readonly defined = new Map<string, TemplateInfo>()
  /** Keys defined in the open commit, in order (rolled back with the strings, see StringTable). */
  private readonly definedNow: string[] = []
  /** Scratch of the last key walk. */
  private nodes = 0
  private texts = 0
  private events = 0
  /** Scratch of a DEFINE_TEMPLATE body. */
  private readonly body: number[] = []
  /** Where the next id and text of the CLONE_TEMPLATE being filled go. */
  idAt = 0
  textAt = 0

  constructor(enabled: boolean) {
    this.enabled = enabled
  }

  /** Templates defined (sent or in the open commit). */
  get size(): number {
    return this.defined.size
  }

  /**
   * The template for an element's subtree, defining it (DEFINE_TEMPLATE) if this is the
   * second time its shape is mounted; otherwise null, with `lastAnswer` saying why.
   */
  templateFor(vnode: VNode, writer: PatchWriter, strings: StringTable): TemplateInfo | null {
    this.nodes = 0
    this.texts = 0
    this.events = 0
    const key = this.keyOf(vnode)
    if (key === null || this.nodes < TEMPLATE_MIN_NODES) {
      this.lastAnswer = TEMPLATE_NOT_SHAPE
      return null
    }
    const known = this.defined.get(key)
    if (known !== undefined) return known
    this.lastAnswer = TEMPLATE_NOT_YET
    const seen = this.seen.get(key)
    if (seen === undefined) {
      if (this.seen.size < SEEN_LIMIT) this.seen.set(key, 1)
      return null
    }
    if (this.defined.size >= MAX_TEMPLATES) return null
    this.seen.delete(key)
    const info: TemplateInfo = { id: this.defined.size, nodeCount: this.nodes, textCount: this.texts, hasEvents: this.events > 0 }
    this.body.length = 0
    this.encode(vnode, writer, strings)
    writer.defineTemplate(info.id, this.body, this.body.length)
    this.defined.set(key, info)
    this.definedNow.push(key)
    return info
  }

  /** Why the last `templateFor` returned null. */
  lastAnswer = TEMPLATE_NOT_SHAPE

  commit(): void {
    this.definedNow.length = 0
  }

  /** Templates defined so far in the open commit. */
  get definedMark(): number {
    return this.definedNow.length
  }

  /** Forgets the templates defined after the mark (their DEFINE_TEMPLATE ops were rewound). Ids are dense, so the last ones go. */
  rewind(mark: number): void {
    for (let i = this.definedNow.length - 1; i >= mark; i--) this.defined.delete(this.definedNow[i])
    this.definedNow.length = mark
  }

  /** The shape key of a subtree, or null if it cannot be a template. Counts nodes, texts and events. */
  private keyOf(vnode: VNode): string | null {
    if (++this.nodes > TEMPLATE_MAX_NODES) return null
    if (vnode.kind === VNODE_TEXT) {
      this.texts++
      return "#"
    }
    if (vnode.kind !== VNODE_ELEMENT) return null
    const tag = vnode.type as string
    if (tag === "svg" || tag === "math") return null
    // Lengths before names and values: no two different shapes give the same key.
    let key = "<" + tag.length + ":" + tag
    let attrs = 0
    let events = 0
    const props = vnode.props
    for (const name in props) {
      const value = props[name]
      if (isEventName(name)) {
        // A string handler throws on the plain path (UnsafePropError): let it.
        if (typeof value === "string") return null
        const type = eventType(name)
        if (type !== null && isHandler(value)) {
          this.events++
          events++
          key += "@" + type.length + ":" + type + eventFlags(value)
        }
        continue
      }
      let attr = name
      let text: string | null
      if (name === "class" || name === "className") {
        attr = "class"
        text = classString(value)
      } else if (name === "style") {
        if (typeof value === "object" && value !== null) return null
        text = typeof value === "string" && value !== "" ? value : null
      } else if (PROPERTIES.has(name)) return null
      else text = attrText(value)
      if (text !== null && ++attrs > 0xff) return null
      if (text !== null) key += "=" + attr.length + ":" + attr + text.length + ":" + text
    }
    if (events > 0xff) return null
    const children = vnode.children
    if (children.length === 0) return key + ">"
    key += "("
    for (let i = 0; i < children.length; i++) {
      // Keyed children: the plain path checks their keys for duplicates.
      if (children[i].key !== null) return null
      const child = this.keyOf(children[i])
      if (child === null) return null
      key += child
    }
    return key + ")"
  }

  /** Appends the DEFINE_TEMPLATE body of a subtree whose key walk succeeded (opcodes.ts). */
  private encode(vnode: VNode, writer: PatchWriter, strings: StringTable): void {
    const body = this.body
    if (vnode.kind === VNODE_TEXT) {
      body.push(TEMPLATE_TEXT)
      return
    }
    const head = body.length
    body.push(0, vnode.children.length, strings.intern(vnode.type as string, writer))
    const props = vnode.props
    let attrs = 0
    for (const name in props) {
      const value = props[name]
      if (isEventName(name)) continue
      let attr = name
      let text: string | null
      if (name === "class" || name === "className") {
        attr = "class"
        text = classString(value)
      } else if (name === "style") text = typeof value === "string" && value !== "" ? value : null
      else text = attrText(value)
      if (text === null) continue
      body.push(strings.intern(attr, writer), strings.intern(text, writer))
      attrs++
    }
    let events = 0
    for (const name in props) {
      const value = props[name]
      if (!isEventName(name)) continue
      const type = eventType(name)
      if (type === null || !isHandler(value)) continue
      body.push(strings.intern(type, writer), eventFlags(value))
      events++
    }
    if (attrs > 0xff || events > 0xff) throw new Error("Shuttle: a template element has more than 255 attributes or events")
    body[head] = TEMPLATE_ELEMENT | (attrs << 8) | (events << 16)
    const children = vnode.children
    for (let i = 0; i < children.length; i++) this.encode(children[i], writer, strings)
  }
}

/** An attribute's text as the plain path sets it (props.ts attrValue): null when absent. */
function attrText(value: unknown): string | null {
  if (value === undefined || value === null || value === false) return null
  if (value === true) return ""
  return String(value)
}
