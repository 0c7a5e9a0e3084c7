import { MAX_TEMPLATES, TEMPLATE_ELEMENT, TEMPLATE_TEXT } from "../../protocol/opcodes.ts"
import type { PatchWriter } from "../../protocol/patch-writer.ts"
import { isReservedProp, type VNode, VNODE_ELEMENT, VNODE_TEXT } from "../vnode.ts"
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
 * attribute names and values, event types and flags, and the child structure (as tokens,
 * compared whole, found by a hash); text content is left out, since texts are slots filled
 * by each clone.
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

/** A shape seen or defined: its tokens (see `TemplateTable.shapeOf`), and its template once defined. */
interface Shape {
  readonly tokens: readonly unknown[]
  info: TemplateInfo | null
}

/** Structure tokens of a shape; strings (tags, names, values, types) and counts go between them. */
const SHAPE_TEXT = -1
const SHAPE_ELEMENT = -2
const SHAPE_ATTR = -3
const SHAPE_EVENT = -4

export class TemplateTable {
  enabled: boolean
  /** Above 0 while mounting the inside of a shape that was tried already. */
  suppressed = 0
  /** Shapes by hash (a list: different shapes may share a hash), seen once or defined. */
  private readonly shapes = new Map<number, Shape[]>()
  /** Shapes seen once and not defined, at most SEEN_LIMIT. */
  private seenCount = 0
  private definedCount = 0
  /** Shapes defined in the open commit, in order (rolled back with the strings, see StringTable). */
  private readonly definedNow: Shape[] = []
  /** Scratch of the last shape walk: its tokens, and what it counted. */
  private readonly tokens: unknown[] = []
  private nodes = 0
  private texts = 0
  private events = 0
  /** The shape the last walk matched or added. */
  private last: Shape | null = null
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
    return this.definedCount
  }

  /**
   * The template for an element's subtree, defining it (DEFINE_TEMPLATE) if this is the
   * second time its shape is mounted; otherwise null, with `lastAnswer` saying why.
   */
  templateFor(vnode: VNode, writer: PatchWriter, strings: StringTable): TemplateInfo | null {
    this.nodes = 0
    this.texts = 0
    this.events = 0
    this.tokens.length = 0
    if (!this.shapeOf(vnode) || this.nodes < TEMPLATE_MIN_NODES) {
      this.lastAnswer = TEMPLATE_NOT_SHAPE
      return null
    }
    // A list's rows share the last shape: compared token by token (strings by identity,
    // mostly), which spares hashing every attribute value of every row.
    let shape = this.last !== null && sameTokens(this.last.tokens, this.tokens) ? this.last : null
    if (shape === null) {
      const hash = hashTokens(this.tokens)
      let bucket = this.shapes.get(hash)
      shape = bucket === undefined ? null : this.find(bucket)
      if (shape === null) {
        this.lastAnswer = TEMPLATE_NOT_YET
        if (this.seenCount >= SEEN_LIMIT) return null
        if (bucket === undefined) {
          bucket = []
          this.shapes.set(hash, bucket)
        }
        this.last = { tokens: this.tokens.slice(), info: null }
        bucket.push(this.last)
        this.seenCount++
        return null
      }
      this.last = shape
    }
    if (shape.info !== null) return shape.info
    this.lastAnswer = TEMPLATE_NOT_YET
    if (this.definedCount >= MAX_TEMPLATES) return null
    const info: TemplateInfo = { id: this.definedCount, nodeCount: this.nodes, textCount: this.texts, hasEvents: this.events > 0 }
    this.body.length = 0
    this.encode(0, writer, strings)
    writer.defineTemplate(info.id, this.body, this.body.length)
    shape.info = info
    this.seenCount--
    this.definedCount++
    this.definedNow.push(shape)
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

  /**
   * Forgets the templates defined after the mark (their DEFINE_TEMPLATE ops were rewound):
   * their shapes count as seen once again. Ids are dense, so the last ones go.
   */
  rewind(mark: number): void {
    for (let i = this.definedNow.length - 1; i >= mark; i--) {
      this.definedNow[i].info = null
      this.definedCount--
      this.seenCount++
    }
    this.definedNow.length = mark
  }

  /** The shape in `bucket` whose tokens are the last walk's, or null. */
  private find(bucket: readonly Shape[]): Shape | null {
    for (let i = 0; i < bucket.length; i++) if (sameTokens(bucket[i].tokens, this.tokens)) return bucket[i]
    return null
  }

  /**
   * Walks a subtree into `tokens` (tags, attribute names and values, event types and
   * flags, the child structure; text content left out, texts are slots); false if it cannot
   * be a template. Counts nodes, texts and events. The tokens are compared whole, so two
   * different shapes never match, whatever their hashes.
   */
  private shapeOf(vnode: VNode): boolean {
    if (++this.nodes > TEMPLATE_MAX_NODES) return false
    const tokens = this.tokens
    if (vnode.kind === VNODE_TEXT) {
      this.texts++
      tokens.push(SHAPE_TEXT)
      return true
    }
    if (vnode.kind !== VNODE_ELEMENT) return false
    const tag = vnode.type as string
    if (tag === "svg" || tag === "math") return false
    tokens.push(SHAPE_ELEMENT, tag)
    let attrs = 0
    let events = 0
    const props = vnode.props
    for (const name in props) {
      if (isReservedProp(name)) continue
      const value = props[name]
      if (isEventName(name)) {
        // A string handler throws on the plain path (UnsafePropError): let it.
        if (typeof value === "string") return false
        const type = eventType(name)
        if (type !== null && isHandler(value)) {
          this.events++
          events++
          tokens.push(SHAPE_EVENT, type, eventFlags(value))
        }
        continue
      }
      let attr = name
      let text: string | null
      if (name === "class" || name === "className") {
        attr = "class"
        text = classString(value)
      } else if (name === "style") {
        if (typeof value === "object" && value !== null) return false
        text = typeof value === "string" && value !== "" ? value : null
      } else if (PROPERTIES.has(name)) return false
      else text = attrText(value)
      if (text === null) continue
      if (++attrs > 0xff) return false
      tokens.push(SHAPE_ATTR, attr, text)
    }
    if (events > 0xff) return false
    const children = vnode.children
    tokens.push(children.length)
    for (let i = 0; i < children.length; i++) {
      // Keyed children: the plain path checks their keys for duplicates.
      if (children[i].key !== null) return false
      if (!this.shapeOf(children[i])) return false
    }
    return true
  }

  /**
   * Appends the DEFINE_TEMPLATE body (opcodes.ts) of the subtree whose shape tokens start
   * at `at` (the last walk's); returns where its tokens end. Attributes go before events,
   * each in the order of the props, as the plain path sets them.
   */
  private encode(at: number, writer: PatchWriter, strings: StringTable): number {
    const tokens = this.tokens
    const body = this.body
    if (tokens[at] === SHAPE_TEXT) {
      body.push(TEMPLATE_TEXT)
      return at + 1
    }
    const head = body.length
    body.push(0, 0, strings.intern(tokens[at + 1] as string, writer))
    const first = at + 2
    // Attribute and event triples (SHAPE_ATTR, name, text | SHAPE_EVENT, type, flags), then the child count.
    let end = first
    let attrs = 0
    for (; tokens[end] === SHAPE_ATTR || tokens[end] === SHAPE_EVENT; end += 3) {
      if (tokens[end] !== SHAPE_ATTR) continue
      body.push(strings.intern(tokens[end + 1] as string, writer), strings.intern(tokens[end + 2] as string, writer))
      attrs++
    }
    let events = 0
    for (let i = first; i < end; i += 3) {
      if (tokens[i] !== SHAPE_EVENT) continue
      body.push(strings.intern(tokens[i + 1] as string, writer), tokens[i + 2] as number)
      events++
    }
    const children = tokens[end] as number
    body[head] = TEMPLATE_ELEMENT | (attrs << 8) | (events << 16)
    body[head + 1] = children
    let next = end + 1
    for (let i = 0; i < children; i++) next = this.encode(next, writer, strings)
    return next
  }
}

/** A hash of shape tokens (numbers and strings), to find a shape's list in the table. */
function hashTokens(tokens: readonly unknown[]): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]
    if (typeof token === "number") {
      hash = Math.imul(hash ^ (token & 0xffff), 16777619)
      continue
    }
    const text = token as string
    hash = Math.imul(hash ^ text.length, 16777619)
    for (let j = 0; j < text.length; j++) hash = Math.imul(hash ^ text.charCodeAt(j), 16777619)
  }
  return hash >>> 0
}

/** An attribute's text as the plain path sets it (props.ts attrValue): null when absent. */
function attrText(value: unknown): string | null {
  if (value === undefined || value === null || value === false) return null
  if (value === true) return ""
  return String(value)
}

function sameTokens(known: readonly unknown[], tokens: readonly unknown[]): boolean {
  if (known.length !== tokens.length) return false
  for (let j = 0; j < tokens.length; j++) if (known[j] !== tokens[j]) return false
  return true
}
