import { DuplicateKeyError } from "../errors.ts"
import { firstDomId, firstDomIdFrom, mount, move, patch, replace, sameType, unmount } from "./diff.ts"
import { longestIncreasingSubsequence } from "./lis.ts"
import { type ChunkWork, MOUNT_CHUNK, type RenderContext } from "./render-context.ts"
import { type Key, type VNode, VNODE_ELEMENT, VNODE_TEXT } from "../vnode.ts"

/**
 * Reconciles a list of children: prefix and suffix trimming, then a key map and the
 * longest increasing subsequence for the fewest moves. Unkeyed children match unkeyed
 * children of the same type in order.
 *
 * `parent` is the DOM parent; `anchor` is the DOM id after this list (0: the end of the
 * parent). `ownsParent` is true when the list is all of parent's children (not a
 * fragment's), which allows the CLEAR_CHILDREN fast path.
 */
export function patchChildren(
  ctx: RenderContext,
  parent: number,
  oldChildren: readonly VNode[],
  newChildren: VNode[],
  anchor: number,
  namespace: number,
  parentTag: string,
  ownsParent: boolean
): void {
  const oldLength = oldChildren.length
  const newLength = newChildren.length
  if (oldLength === 0) {
    if (newLength > 0) mountChildren(ctx, newChildren, parent, anchor, namespace, parentTag, ownsParent)
    return
  }
  if (newLength === 0) {
    removeAll(ctx, parent, oldChildren, ownsParent)
    return
  }

  let start = 0
  let oldEnd = oldLength - 1
  let newEnd = newLength - 1
  while (start <= oldEnd && start <= newEnd && sameType(oldChildren[start], newChildren[start], ctx.hot)) {
    const old = oldChildren[start]
    newChildren[start] = patch(ctx, old, newChildren[start], parent, needsAnchor(old) ? firstDomIdFrom(oldChildren, start + 1, anchor) : 0, namespace)
    start++
  }
  while (start <= oldEnd && start <= newEnd && sameType(oldChildren[oldEnd], newChildren[newEnd], ctx.hot)) {
    const old = oldChildren[oldEnd]
    newChildren[newEnd] = patch(ctx, old, newChildren[newEnd], parent, needsAnchor(old) ? firstDomIdFrom(newChildren, newEnd + 1, anchor) : 0, namespace)
    oldEnd--
    newEnd--
  }

  if (start > oldEnd) {
    if (start <= newEnd) {
      checkKeys(newChildren, parentTag)
      mountRun(ctx, newChildren, start, newEnd + 1, parent, firstDomIdFrom(newChildren, newEnd + 1, anchor), namespace, ownsParent)
    }
    return
  }
  if (start > newEnd) {
    for (let i = start; i <= oldEnd; i++) unmount(ctx, oldChildren[i], true)
    return
  }
  reconcileMiddle(ctx, parent, oldChildren, newChildren, start, oldEnd, newEnd, anchor, namespace, parentTag, ownsParent)
}

function reconcileMiddle(
  ctx: RenderContext,
  parent: number,
  oldChildren: readonly VNode[],
  newChildren: VNode[],
  start: number,
  oldEnd: number,
  newEnd: number,
  anchor: number,
  namespace: number,
  parentTag: string,
  ownsParent: boolean
): void {
  // Keys of every new child (also checks them for duplicates); unkeyed middle children
  // are matched by their order among the unkeyed.
  const keyed = checkKeys(newChildren, parentTag)
  const unkeyed: number[] = []
  for (let i = start; i <= newEnd; i++) if (newChildren[i].key === null) unkeyed.push(i)
  let nextUnkeyed = 0

  const middle = newEnd - start + 1
  const sources = new Int32Array(middle).fill(-1)
  let matched = 0
  let moved = false
  let lastIndex = 0
  const orphans: VNode[] = []
  for (let i = start; i <= oldEnd; i++) {
    const old = oldChildren[i]
    let j: number | undefined
    if (old.key !== null) j = keyed?.get(old.key)
    else if (nextUnkeyed < unkeyed.length) j = unkeyed[nextUnkeyed++]
    if (j === undefined || j < start || j > newEnd || !sameType(old, newChildren[j], ctx.hot)) {
      orphans.push(old)
      continue
    }
    sources[j - start] = i
    matched++
    if (j < lastIndex) moved = true
    else lastIndex = j
  }

  if (matched === 0 && ownsParent && start === 0 && oldEnd === oldChildren.length - 1 && anchor === 0) {
    // Nothing is kept: drop all old children in one op, then build the new ones.
    removeAll(ctx, parent, oldChildren, true)
    mountRun(ctx, newChildren, 0, newChildren.length, parent, 0, namespace, true)
    return
  }
  for (let k = 0; k < orphans.length; k++) unmount(ctx, orphans[k], true)

  const stay = moved ? longestIncreasingSubsequence(sources) : null
  let stayAt = stay === null ? -1 : stay.length - 1
  let ref = firstDomIdFrom(newChildren, newEnd + 1, anchor)
  for (let j = newEnd; j >= start; j--) {
    const source = sources[j - start]
    let child: VNode
    if (source === -1) {
      child = mount(ctx, newChildren[j], parent, ref, namespace)
    } else {
      const old = oldChildren[source]
      child = patch(ctx, old, newChildren[j], parent, ref, namespace)
      if (stay !== null) {
        if (stayAt >= 0 && stay[stayAt] === j - start) stayAt--
        else move(ctx, child, parent, ref)
      }
    }
    newChildren[j] = child
    const first = firstDomId(child)
    if (first !== 0) ref = first
  }
}

/** Children mounted per work item when a long list is mounted in chunks. */
const CHUNK = 64

/**
 * Mounts a whole new list, checking its keys. A long list of an element's own children
 * (`chunkable`) is mounted in chunks of deferred work, in order, before the same `ref`,
 * so a sliced render can pause inside it. A fragment's children are mounted at once:
 * siblings after the fragment need their DOM ids.
 */
export function mountChildren(ctx: RenderContext, children: VNode[], parent: number, ref: number, namespace: number, parentTag: string, chunkable: boolean): void {
  if (children.length > 1) checkKeys(children, parentTag)
  mountRun(ctx, children, 0, children.length, parent, ref, namespace, chunkable)
}

function mountRun(ctx: RenderContext, children: VNode[], from: number, to: number, parent: number, ref: number, namespace: number, chunkable: boolean): void {
  if (!chunkable || to - from <= CHUNK || ctx.noDefer > 0) {
    for (let i = from; i < to; i++) children[i] = mount(ctx, children[i], parent, ref, namespace)
    return
  }
  // The work list is a stack: push the last chunk first so the first is mounted first.
  for (let start = from + Math.floor((to - from - 1) / CHUNK) * CHUNK; start >= from; start -= CHUNK) {
    ctx.work.push(MOUNT_CHUNK, { children, from: start, to: Math.min(start + CHUNK, to), parent, ref, namespace })
  }
}

/** Deferred part of mountChildren. */
export function mountChunk(ctx: RenderContext, chunk: ChunkWork): void {
  mountRun(ctx, chunk.children, chunk.from, chunk.to, chunk.parent, chunk.ref, chunk.namespace, false)
}

function removeAll(ctx: RenderContext, parent: number, children: readonly VNode[], ownsParent: boolean): void {
  if (ownsParent && children.length > 1) {
    ctx.writer.clearChildren(parent)
    for (let i = 0; i < children.length; i++) unmount(ctx, children[i], false)
  } else {
    for (let i = 0; i < children.length; i++) unmount(ctx, children[i], true)
  }
}

/** Fragments and components may need to insert relative to what follows them. */
function needsAnchor(vnode: VNode): boolean {
  return vnode.kind !== VNODE_ELEMENT && vnode.kind !== VNODE_TEXT
}

/** Map of key → index over the keyed children; throws DuplicateKeyError. Null if none is keyed. */
function checkKeys(children: readonly VNode[], parentTag: string): Map<Key, number> | null {
  let keys: Map<Key, number> | null = null
  for (let i = 0; i < children.length; i++) {
    const key = children[i].key
    if (key === null) continue
    if (keys === null) keys = new Map()
    else if (keys.has(key)) throw new DuplicateKeyError({ key, parent: parentTag })
    keys.set(key, i)
  }
  return keys
}
