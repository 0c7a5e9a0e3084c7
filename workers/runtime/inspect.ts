import type {
  InspectComponent,
  InspectNode,
  InspectNodeInfo,
  InspectProfileState,
  InspectQuery,
  InspectTree,
  PropSummary
} from "../../protocol/inspect.ts"
import { componentName } from "../diff/profile.ts"
import { isEventName } from "../diff/props.ts"
import { isHandlerSpec } from "./event-handlers.ts"
import type { Renderer } from "../diff/renderer.ts"
import { type Component, isReservedProp, isVNode, type Props, type VNode, VNODE_COMPONENT, VNODE_ELEMENT, VNODE_FRAGMENT, VNODE_TEXT } from "../vnode.ts"

/**
 * Devtools queries about one root's worker side (its vnode tree, components, render
 * timings), answered from the renderer's state (protocol/inspect.ts has the shapes).
 * Not on any hot path: nothing here runs unless a devtools panel asks, and every answer
 * is built fresh from the committed tree, so the diff keeps no devtools state besides a
 * memo stamp per instance and, while profiling, a RenderProfile.
 *
 * Never imports the built-in components (that would put them into every app's bundle):
 * a boundary is recognised by its instance (`boundaryKind`).
 */
export function answerInspect(renderer: Renderer, query: unknown): unknown {
  const q = parseQuery(query)
  switch (q.q) {
    case "tree":
      return inspectTree(renderer, q.limit ?? TREE_LIMIT)
    case "node":
      return inspectNode(renderer, q.id)
    case "profile": {
      renderer.setProfiling(q.on)
      const state: InspectProfileState = { profiling: renderer.profiling }
      return state
    }
  }
}

/** Nodes in a tree answer unless the query asks for another limit. */
const TREE_LIMIT = 5_000
/** The most a query may ask for: an answer past this is too big to clone and show. */
const TREE_LIMIT_MAX = 100_000

function parseQuery(query: unknown): InspectQuery {
  const q = typeof query === "object" && query !== null ? query as Record<string, unknown> : {}
  switch (q.q) {
    case "tree":
      if (q.limit === undefined || (Number.isInteger(q.limit) && (q.limit as number) > 0 && (q.limit as number) <= TREE_LIMIT_MAX)) {
        return { q: "tree", limit: q.limit as number | undefined }
      }
      throw new Error(`a tree query's limit must be an integer from 1 to ${TREE_LIMIT_MAX}, not ${String(q.limit)}`)
    case "node":
      if (Number.isInteger(q.id)) return { q: "node", id: q.id as number }
      throw new Error(`a node query needs the DOM node's id (an integer: node.__shuttleId), not ${String(q.id)}`)
    case "profile":
      if (typeof q.on === "boolean") return { q: "profile", on: q.on }
      throw new Error(`a profile query needs on: true or false, not ${String(q.on)}`)
  }
  throw new Error(`unknown devtools query ${safeJson(query)}: ask { q: "tree" }, { q: "node", id } or { q: "profile", on }`)
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value)
  } catch {
    return String(value)
  }
}

// --- tree -------------------------------------------------------------------------

/** Counts nodes as the tree answer is built, and stops at the limit. */
class TreeWalk {
  count = 0
  truncated = false
  readonly limit: number
  readonly renderer: Renderer

  constructor(renderer: Renderer, limit: number) {
    this.renderer = renderer
    this.limit = limit
  }
}

function inspectTree(renderer: Renderer, limit: number): InspectTree {
  const walk = new TreeWalk(renderer, limit)
  const children = nodesOf(walk, renderer.current)
  return { children, count: walk.count, truncated: walk.truncated, profiling: renderer.profiling }
}

function nodesOf(walk: TreeWalk, vnodes: readonly VNode[]): InspectNode[] {
  const out: InspectNode[] = []
  for (let i = 0; i < vnodes.length; i++) {
    const node = nodeOf(walk, vnodes[i])
    if (node === null) break
    out.push(node)
  }
  return out
}

/** One vnode as devtools show it, or null once the walk reached its limit. */
function nodeOf(walk: TreeWalk, vnode: VNode): InspectNode | null {
  if (walk.count >= walk.limit) {
    walk.truncated = true
    return null
  }
  walk.count++
  switch (vnode.kind) {
    case VNODE_ELEMENT:
      return { kind: "element", name: vnode.type as string, key: vnode.key, id: vnode.id, props: summarizeProps(vnode.props, true), children: nodesOf(walk, vnode.children) }
    case VNODE_TEXT:
      return { kind: "text", name: "#text", key: null, id: vnode.id, props: {}, text: cut(vnode.text), children: [] }
    case VNODE_COMPONENT: {
      const node: Mutable<InspectNode> = {
        kind: "component",
        name: componentName(vnode.type as Component),
        key: vnode.key,
        id: null,
        props: summarizeProps(vnode.props, false),
        children: vnode.rendered === null ? [] : nodesOf(walk, [vnode.rendered])
      }
      const instance = vnode.instance
      if (instance !== null) {
        if (walk.renderer.wasSkipped(instance)) node.memo = true
        const boundary = instance.boundaryKind
        if (boundary !== null) {
          node.boundary = boundary
          node.showingFallback = instance.showingFallback
        }
      }
      return node
    }
    default:
      return { kind: "fragment", name: "#fragment", key: vnode.key, id: null, props: {}, children: nodesOf(walk, vnode.children) }
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

// --- node -------------------------------------------------------------------------

/** The element or text with DOM id `id` in the committed tree, with the components above it; null if none. */
function inspectNode(renderer: Renderer, id: number): InspectNodeInfo | null {
  if (id <= 0) return null
  const path: VNode[] = []
  const roots = renderer.current
  for (let i = 0; i < roots.length; i++) {
    const found = find(roots[i], id, path)
    if (found === null) continue
    const components: InspectComponent[] = path.map((vnode) => {
      const boundary = vnode.instance?.boundaryKind ?? null
      const component: InspectComponent = { name: componentName(vnode.type as Component), key: vnode.key, props: summarizeProps(vnode.props, false) }
      return boundary === null ? component : { ...component, boundary }
    })
    if (found.kind === VNODE_TEXT) return { id, kind: "text", name: "#text", key: null, props: {}, text: cut(found.text), components }
    return { id, kind: "element", name: found.type as string, key: found.key, props: summarizeProps(found.props, true), components }
  }
  return null
}

/**
 * Depth-first search of the committed tree for the node with DOM id `id` (by id, not
 * through the node table: mid-render the table already points at the new vnodes).
 * `path` holds the component vnodes above the one being searched.
 */
function find(vnode: VNode, id: number, path: VNode[]): VNode | null {
  switch (vnode.kind) {
    case VNODE_TEXT:
      return vnode.id === id ? vnode : null
    case VNODE_ELEMENT:
      if (vnode.id === id) return vnode
      return findIn(vnode.children, id, path)
    case VNODE_FRAGMENT:
      return findIn(vnode.children, id, path)
    case VNODE_COMPONENT: {
      if (vnode.rendered === null) return null
      path.push(vnode)
      const found = find(vnode.rendered, id, path)
      if (found === null) path.pop()
      return found
    }
  }
  return null
}

function findIn(children: readonly VNode[], id: number, path: VNode[]): VNode | null {
  for (let i = 0; i < children.length; i++) {
    const found = find(children[i], id, path)
    if (found !== null) return found
  }
  return null
}

// --- summaries --------------------------------------------------------------------

/** Strings longer than this are cut. */
const MAX_STRING = 120
/** Levels of objects and arrays shown in a value (a prop's value is level 0); deeper ones show as `{…}` / `[…n]`. */
const MAX_DEPTH = 3
/** Array items and object keys shown; the rest are counted. */
const MAX_ITEMS = 20
/** Props shown per node. */
const MAX_PROPS = 50

function cut(text: string): string {
  return text.length > MAX_STRING ? text.slice(0, MAX_STRING) + "…" : text
}

/**
 * A node's props as plain data. An element's `on…` props are handlers: a function shows
 * as `ƒ name`, a handler spec as its message (or its handler's name), a message as itself.
 */
export function summarizeProps(props: Props, element: boolean): { [name: string]: PropSummary } {
  return boundedRecord(props, MAX_PROPS, (name, value) => (element && isEventName(name) ? summarizeHandler(value) : summarize(value)), element ? isReservedProp : null)
}

/**
 * At most `max` of `source`'s enumerable properties, each summarized by `each`; the rest are
 * counted under "…". A property whose getter throws shows as unreadable.
 */
function boundedRecord(source: object, max: number, each: (name: string, value: unknown) => PropSummary, skip: ((name: string) => boolean) | null = null): { [name: string]: PropSummary } {
  const out: { [name: string]: PropSummary } = {}
  let total = 0
  for (const name in source) {
    if (skip !== null && skip(name)) continue
    if (total++ >= max) continue
    let value: unknown
    try {
      value = (source as Record<string, unknown>)[name]
    } catch {
      out[name] = "⚠ unreadable"
      continue
    }
    out[name] = each(name, value)
  }
  if (total > max) out["…"] = `${total - max} more`
  return out
}

function summarizeHandler(value: unknown): PropSummary {
  if (isHandlerSpec(value)) return summarize(typeof value.handler === "function" ? value.handler : value.msg)
  return summarize(value)
}

/**
 * Any value as bounded plain data: what devtools show, never the value itself (it may be
 * huge, cyclic, or not cloneable). Also used for the slowest message of a profiled commit.
 */
export function summarize(value: unknown, depth = 0): PropSummary {
  switch (typeof value) {
    case "string":
      return cut(value)
    case "number":
      return Number.isFinite(value) ? value : String(value)
    case "boolean":
      return value
    case "undefined":
      return "undefined"
    case "bigint":
      return `${value}n`
    case "symbol":
      return value.toString()
    case "function":
      return `ƒ ${(value as { name?: string }).name || "anonymous"}`
  }
  if (value === null) return null
  try {
    return summarizeObject(value as object, depth)
  } catch {
    // A throwing getter or proxy trap: the tree is still worth showing.
    return "⚠ unreadable"
  }
}

function summarizeObject(value: object, depth: number): PropSummary {
  if (isVNode(value)) return vnodeLabel(value)
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return `[…${value.length}]`
    const out: PropSummary[] = []
    const shown = Math.min(value.length, MAX_ITEMS)
    for (let i = 0; i < shown; i++) out.push(summarize(value[i], depth + 1))
    if (value.length > shown) out.push(`… ${value.length - shown} more`)
    return out
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString()
  if (value instanceof Error) return cut(`${value.name}: ${value.message}`)
  if (value instanceof Map) return `Map(${value.size})`
  if (value instanceof Set) return `Set(${value.size})`
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength})`
  if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength})`
  if (typeof (value as { then?: unknown }).then === "function") return "Promise"
  if (depth >= MAX_DEPTH) return "{…}"
  return boundedRecord(value, MAX_ITEMS, (_, item) => summarize(item, depth + 1))
}

/** A vnode held in props (`children`, a fallback) as a short label: `<li>`, `<Row>`, `"text"`, `<>`. */
function vnodeLabel(vnode: VNode): string {
  switch (vnode.kind) {
    case VNODE_ELEMENT:
      return `<${vnode.type as string}>`
    case VNODE_COMPONENT:
      return `<${componentName(vnode.type as Component)}>`
    case VNODE_TEXT:
      return JSON.stringify(cut(vnode.text))
  }
  return "<>"
}
