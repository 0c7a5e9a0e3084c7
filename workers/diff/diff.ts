import { NS_HTML, NS_MATHML, NS_SVG } from "../../protocol/opcodes.ts"
import { mountChildren, mountChunk, patchChildren } from "./children.ts"
import { toVNode } from "../h.ts"
import { ComponentInstance } from "../components/instance.ts"
import { eventType, isEventName, isHandler, markProps, mountProps, patchProps } from "./props.ts"
import { TEMPLATE_MOUNTED, TEMPLATE_NOT_YET, type TemplateInfo } from "./templates.ts"
import { builtinOf, type ChunkWork, MOUNT_CHUNK, type RenderContext } from "./render-context.ts"
import type { RenderProfile } from "./profile.ts"
import {
  type Child,
  cloneVNode,
  type Component,
  createVNode,
  EMPTY_CHILDREN,
  EMPTY_PROPS,
  type Props,
  type VNode,
  VNODE_COMPONENT,
  VNODE_ELEMENT,
  VNODE_FRAGMENT,
  VNODE_TEXT
} from "../vnode.ts"

/**
 * The per-node diff: mount, patch, unmount and move, writing ops into the context's
 * PatchWriter. Plain TypeScript on purpose: no Effect, no closures in the loops.
 *
 * The old tree is never mutated (only the new vnodes get ids), so a render that throws
 * half-way can be rolled back: the old tree still describes the DOM.
 */

/** The `id` of a mounted fragment, which has no DOM node. */
const FRAGMENT_IN_USE = -1

/**
 * Same kind, same tag or component, same key: the DOM can be kept. `hot` (the render
 * after a hot swap): a component of the new code is the same as the old one of its name.
 */
export function sameType(a: VNode, b: VNode, hot: boolean): boolean {
  return a.kind === b.kind && a.key === b.key && (a.type === b.type || (hot && a.kind === VNODE_COMPONENT && sameComponentName(a.type, b.type)))
}

/** Two functions named alike (not built-ins, which no edit replaces). */
function sameComponentName(a: unknown, b: unknown): boolean {
  return typeof a === "function" && typeof b === "function" && a.name !== "" && a.name === b.name && builtinOf(a) === null && builtinOf(b) === null
}

/** Mounts `vnode` into `parent` before `ref` (0: at the end). Returns the vnode mounted (a clone if it was already in use). */
export function mount(ctx: RenderContext, vnode: VNode, parent: number, ref: number, namespace: number): VNode {
  if (vnode.id !== 0 || vnode.rendered !== null) vnode = cloneVNode(vnode)
  switch (vnode.kind) {
    case VNODE_ELEMENT: {
      const tag = vnode.type as string
      const ns = childNamespace(namespace, tag)
      let tried = -1
      if (ns === NS_HTML && ctx.templates.enabled && ctx.templates.suppressed === 0) {
        tried = mountTemplate(ctx, vnode, parent, ref)
        if (tried === TEMPLATE_MOUNTED) break
        // A static shape mounted plainly: its descendants are static too, not worth a key walk each.
        if (tried === TEMPLATE_NOT_YET) ctx.templates.suppressed++
      }
      const id = ctx.ids.allocate()
      vnode.id = id
      vnode.namespace = ns
      ctx.nodes[id] = vnode
      ctx.writer.createElement(id, ctx.strings.intern(tag, ctx.writer), ns)
      mountProps(ctx, vnode)
      // Children first, into the detached element: one insertion into the live DOM.
      if (vnode.children.length > 0) mountChildren(ctx, vnode.children as VNode[], id, 0, tag === "foreignObject" ? NS_HTML : ns, tag, true)
      if (tried === TEMPLATE_NOT_YET) ctx.templates.suppressed--
      insert(ctx, parent, id, ref)
      break
    }
    case VNODE_TEXT: {
      const id = ctx.ids.allocate()
      vnode.id = id
      ctx.nodes[id] = vnode
      ctx.writer.createText(id, ctx.strings.intern(vnode.text, ctx.writer))
      insert(ctx, parent, id, ref)
      break
    }
    case VNODE_FRAGMENT:
      // Fragments have no DOM node of their own; the id marks this vnode as in use, so
      // placing it again (another root, another position) clones it instead of sharing it.
      vnode.id = FRAGMENT_IN_USE
      if (vnode.children.length > 0) mountChildren(ctx, vnode.children as VNode[], parent, ref, namespace, "fragment", false)
      break
    case VNODE_COMPONENT: {
      const builtin = builtinOf(vnode.type)
      const instance = builtin !== null ? builtin.makeInstance(ctx) : new ComponentInstance(ctx.host, ctx.effects, ctx.resources, ctx.boundary)
      instance.parent = ctx.parentInstance
      vnode.instance = instance
      vnode.rendered = builtin !== null
        ? builtin.render(ctx, vnode, instance, null, parent, ref, namespace)
        : mountRendered(ctx, vnode, parent, ref, namespace)
      break
    }
  }
  return vnode
}

/**
 * Patches `old` (mounted) into `next` (same type). `anchor` is the DOM id right after
 * old's nodes (0: the end of parent); only fragments and components need it.
 */
export function patch(ctx: RenderContext, old: VNode, next: VNode, parent: number, anchor: number, namespace: number): VNode {
  if (old === next) return next
  if (next.id !== 0 || next.rendered !== null) next = cloneVNode(next)
  switch (next.kind) {
    case VNODE_ELEMENT: {
      next.id = old.id
      next.namespace = old.namespace
      ctx.nodes[old.id] = next
      // Props and children only touch this element's subtree: defer them, so that a
      // sliced render can pause between elements (see drainWork).
      if (old.props !== next.props || old.children.length > 0 || next.children.length > 0) {
        if (ctx.noDefer === 0) ctx.work.push(old, next)
        else patchElement(ctx, old, next)
      }
      break
    }
    case VNODE_TEXT:
      next.id = old.id
      ctx.nodes[old.id] = next
      if (next.text !== old.text) {
        ctx.strings.noteDrop()
        ctx.writer.setText(old.id, ctx.strings.intern(next.text, ctx.writer))
      }
      break
    case VNODE_FRAGMENT:
      next.id = FRAGMENT_IN_USE
      patchChildren(ctx, parent, old.children, next.children as VNode[], anchor, namespace, "fragment", false)
      break
    case VNODE_COMPONENT: {
      const previous = old.rendered!
      const instance = old.instance!
      next.instance = instance
      const builtin = builtinOf(next.type)
      if (builtin !== null) {
        instance.boundary = ctx.boundary
        next.rendered = builtin.render(ctx, next, instance, previous, parent, anchor, namespace)
        break
      }
      if (!ctx.hot && !instance.dirty && !instance.childDirty && shallowEqual(old.props, next.props)) {
        next.rendered = previous
        // A stamp, not a flag: rendering needs no write to clear it (devtools compare it with the last commit's).
        instance.skippedAt = ctx.renderSeq
        if (ctx.profile !== null) ctx.profile.skipped(next.type as Component)
        break
      }
      instance.boundary = ctx.boundary
      const outer = ctx.parentInstance
      ctx.parentInstance = instance
      try {
        next.rendered = place(ctx, previous, render(ctx, next), parent, anchor, namespace)
      } finally {
        ctx.parentInstance = outer
      }
      break
    }
  }
  return next
}

/** Mounts `next` where `old` is, then removes `old`. */
export function replace(ctx: RenderContext, old: VNode, next: VNode, parent: number, anchor: number, namespace: number): VNode {
  const first = firstDomId(old)
  const mounted = mount(ctx, next, parent, first !== 0 ? first : anchor, namespace)
  unmount(ctx, old, true)
  return mounted
}

/** Releases every node id under `vnode`; with `detach`, also removes its top DOM nodes. */
export function unmount(ctx: RenderContext, vnode: VNode, detach: boolean): void {
  switch (vnode.kind) {
    case VNODE_ELEMENT:
      if (detach) ctx.writer.remove(vnode.id)
      releaseTree(ctx, vnode)
      break
    case VNODE_TEXT:
      if (detach) ctx.writer.remove(vnode.id)
      ctx.nodes[vnode.id] = undefined
      ctx.ids.release(vnode.id)
      break
    case VNODE_FRAGMENT:
      for (let i = 0; i < vnode.children.length; i++) unmount(ctx, vnode.children[i], detach)
      break
    case VNODE_COMPONENT:
      if (vnode.instance !== null) ctx.closing.push(vnode.instance)
      if (vnode.rendered !== null) unmount(ctx, vnode.rendered, detach)
      break
  }
}

/** Releases ids below a node that is removed as a whole (no REMOVE op per descendant). */
function releaseTree(ctx: RenderContext, vnode: VNode): void {
  switch (vnode.kind) {
    case VNODE_ELEMENT: {
      ctx.nodes[vnode.id] = undefined
      ctx.ids.release(vnode.id)
      const children = vnode.children
      for (let i = 0; i < children.length; i++) releaseTree(ctx, children[i])
      break
    }
    case VNODE_TEXT:
      ctx.nodes[vnode.id] = undefined
      ctx.ids.release(vnode.id)
      break
    case VNODE_FRAGMENT:
      for (let i = 0; i < vnode.children.length; i++) releaseTree(ctx, vnode.children[i])
      break
    case VNODE_COMPONENT:
      if (vnode.instance !== null) ctx.closing.push(vnode.instance)
      if (vnode.rendered !== null) releaseTree(ctx, vnode.rendered)
      break
  }
}

/** Moves the DOM nodes of a mounted vnode before `ref` (0: the end). */
export function move(ctx: RenderContext, vnode: VNode, parent: number, ref: number): void {
  switch (vnode.kind) {
    case VNODE_ELEMENT:
    case VNODE_TEXT:
      insert(ctx, parent, vnode.id, ref)
      break
    case VNODE_FRAGMENT:
      for (let i = 0; i < vnode.children.length; i++) move(ctx, vnode.children[i], parent, ref)
      break
    case VNODE_COMPONENT:
      if (vnode.rendered !== null) move(ctx, vnode.rendered, parent, ref)
      break
  }
}

/** The id of the first DOM node of a mounted vnode, or 0 if it has none (an empty fragment). */
export function firstDomId(vnode: VNode): number {
  switch (vnode.kind) {
    case VNODE_ELEMENT:
    case VNODE_TEXT:
      return vnode.id
    case VNODE_FRAGMENT:
      for (let i = 0; i < vnode.children.length; i++) {
        const id = firstDomId(vnode.children[i])
        if (id !== 0) return id
      }
      return 0
    case VNODE_COMPONENT:
      return vnode.rendered === null ? 0 : firstDomId(vnode.rendered)
  }
  return 0
}

/** The first DOM id among `list[from..]`, or `anchor` if they have none. */
export function firstDomIdFrom(list: readonly VNode[], from: number, anchor: number): number {
  for (let i = from; i < list.length; i++) {
    const id = firstDomId(list[i])
    if (id !== 0) return id
  }
  return anchor
}

/**
 * Mounts an HTML element's subtree as a clone of a template if its shape is one (templates.ts):
 * one CLONE_TEMPLATE with an id per node and a string per text, in preorder. Otherwise
 * says why not (TEMPLATE_NOT_SHAPE, TEMPLATE_NOT_YET) and writes nothing.
 */
function mountTemplate(ctx: RenderContext, vnode: VNode, parent: number, ref: number): number {
  const templates = ctx.templates
  const template = templates.templateFor(vnode, ctx.writer, ctx.strings)
  if (template === null) return templates.lastAnswer
  const at = ctx.writer.cloneTemplate(template.id, parent, ref, template.nodeCount + template.textCount)
  templates.idAt = at
  templates.textAt = at + template.nodeCount
  mountClone(ctx, vnode, template)
  return TEMPLATE_MOUNTED
}

/** Gives the nodes of a cloned subtree their ids (and texts their strings) in preorder, as `mount` would. */
function mountClone(ctx: RenderContext, vnode: VNode, template: TemplateInfo): void {
  const templates = ctx.templates
  const writer = ctx.writer
  const id = ctx.ids.allocate()
  vnode.id = id
  ctx.nodes[id] = vnode
  writer.setWord(templates.idAt++, id)
  if (vnode.kind === VNODE_TEXT) {
    writer.setWord(templates.textAt++, ctx.strings.intern(vnode.text, writer))
    return
  }
  vnode.namespace = NS_HTML
  if (template.hasEvents) {
    const props = vnode.props
    for (const name in props) {
      if (!isEventName(name) || !isHandler(props[name])) continue
      const type = eventType(name)
      if (type !== null) ctx.eventProps.set(type, name)
    }
  }
  const children = vnode.children as VNode[]
  for (let i = 0; i < children.length; i++) {
    let child = children[i]
    if (child.id !== 0 || child.rendered !== null) children[i] = child = cloneVNode(child)
    mountClone(ctx, child, template)
  }
}

function insert(ctx: RenderContext, parent: number, id: number, ref: number): void {
  if (ref === 0) ctx.writer.append(parent, id)
  else ctx.writer.insertBefore(parent, id, ref)
}

function childNamespace(parent: number, tag: string): number {
  if (tag === "svg") return NS_SVG
  if (tag === "math") return NS_MATHML
  return parent
}

/** Renders a new component's output and mounts it, with the component as the parent instance. */
function mountRendered(ctx: RenderContext, vnode: VNode, parent: number, ref: number, namespace: number): VNode {
  const outer = ctx.parentInstance
  ctx.parentInstance = vnode.instance
  try {
    return mount(ctx, render(ctx, vnode), parent, ref, namespace)
  } finally {
    ctx.parentInstance = outer
  }
}

/** Calls a function component and normalizes its output to one vnode. */
function render(ctx: RenderContext, vnode: VNode): VNode {
  const component = vnode.type as Component
  const instance = vnode.instance!
  instance.dirty = false
  instance.childDirty = false
  // Profiling off costs this one check; the timed call lives apart so this stays small.
  if (ctx.profile !== null) return renderTimed(ctx.profile, component, vnode, instance)
  return single(component(vnode.props, instance), component.name || "component")
}

/** `render` while profiling: times the component call alone (not the diff of its output), a throw included. */
function renderTimed(profile: RenderProfile, component: Component, vnode: VNode, instance: ComponentInstance): VNode {
  const start = profile.clock()
  let output: Child
  try {
    output = component(vnode.props, instance)
  } finally {
    profile.rendered(component, profile.clock() - start)
  }
  return single(output, component.name || "component")
}

/** Any Child as one vnode: arrays become a fragment, nothing becomes an empty fragment. */
export function single(child: Child, parent: string): VNode {
  return toVNode(child, parent) ?? createVNode(VNODE_FRAGMENT, null, null, EMPTY_PROPS, EMPTY_CHILDREN, "")
}

/** Mounts `next` where nothing was (previous null), or patches or replaces `previous` with it. */
export function place(ctx: RenderContext, previous: VNode | null, next: VNode, parent: number, anchor: number, namespace: number): VNode {
  if (previous === null) return mount(ctx, next, parent, anchor, namespace)
  return sameType(previous, next, ctx.hot) ? patch(ctx, previous, next, parent, anchor, namespace) : replace(ctx, previous, next, parent, anchor, namespace)
}

/** Points the node table back at the vnodes of a mounted tree (after a rewind). */
export function reindex(ctx: RenderContext, vnode: VNode): void {
  switch (vnode.kind) {
    case VNODE_ELEMENT:
      ctx.nodes[vnode.id] = vnode
      for (let i = 0; i < vnode.children.length; i++) reindex(ctx, vnode.children[i])
      break
    case VNODE_TEXT:
      ctx.nodes[vnode.id] = vnode
      break
    case VNODE_FRAGMENT:
      for (let i = 0; i < vnode.children.length; i++) reindex(ctx, vnode.children[i])
      break
    case VNODE_COMPONENT:
      if (vnode.rendered !== null) reindex(ctx, vnode.rendered)
      break
  }
}

function shallowEqual(a: Props, b: Props): boolean {
  if (a === b) return true
  let count = 0
  for (const key in a) {
    if (a[key] !== b[key]) return false
    count++
  }
  for (const _ in b) count--
  return count === 0
}

/** Marks every string the mounted tree uses (string-table sweep). */
export function markTree(ctx: RenderContext, vnode: VNode): void {
  switch (vnode.kind) {
    case VNODE_ELEMENT:
      ctx.strings.mark(vnode.type as string)
      markProps(ctx, vnode.props)
      for (let i = 0; i < vnode.children.length; i++) markTree(ctx, vnode.children[i])
      break
    case VNODE_TEXT:
      ctx.strings.mark(vnode.text)
      break
    case VNODE_FRAGMENT:
      for (let i = 0; i < vnode.children.length; i++) markTree(ctx, vnode.children[i])
      break
    case VNODE_COMPONENT:
      if (vnode.rendered !== null) markTree(ctx, vnode.rendered)
      break
  }
}

/** Patches the props and children of an element whose id `next` already took over from `old`. */
function patchElement(ctx: RenderContext, old: VNode, next: VNode): void {
  patchProps(ctx, old, next)
  const tag = next.type as string
  if (old.children.length > 0 || next.children.length > 0) {
    patchChildren(ctx, next.id, old.children, next.children as VNode[], 0, tag === "foreignObject" ? NS_HTML : next.namespace, tag, true)
  }
}

/** Check the clock every this many work items: cheap enough, and fine-grained for 5 ms slices. */
const CLOCK_EVERY = 16

/** Runs deferred work until none is left (true) or `clock()` passes `deadline` (false). */
export function drainWork(ctx: RenderContext, deadline: number, clock: () => number): boolean {
  const work = ctx.work
  let sinceCheck = 0
  while (work.length > 0) {
    if (++sinceCheck === CLOCK_EVERY) {
      sinceCheck = 0
      if (clock() >= deadline) return false
    }
    const next = work.pop()
    const old = work.pop() as VNode
    if (old === MOUNT_CHUNK) mountChunk(ctx, next as ChunkWork)
    else patchElement(ctx, old, next as VNode)
  }
  return true
}
