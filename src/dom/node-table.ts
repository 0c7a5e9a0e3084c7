/**
 * The main thread's tables of one root: id → DOM node, id → node kind, id → string. The
 * applier changes them; the validator reads them.
 */

/** Expando on DOM nodes holding their Shuttle id, read by event delegation. */
export const NODE_ID = "__shuttleId"

/** Node kinds in the node table. */
export const KIND_NONE = 0
export const KIND_ELEMENT = 1
export const KIND_TEXT = 2

/** Ids beyond this are rejected: they would make the tables grow without bound. */
export const MAX_ID = 1 << 24

export class NodeTable {
  readonly nodes: Array<Node | null> = []
  kinds: Uint8Array<ArrayBuffer> = new Uint8Array(1024)
  readonly strings: Array<string | undefined> = []
  /**
   * Per string id, what it is as a name: the validator's NAME_* bits (whether the DOM
   * accepts it as a tag or attribute name) and url-safety.ts's SAFE_* bits (whether it
   * is an event-handler or URL attribute, a refused tag, a settable property). Asked once
   * per string id, when it is first used as a name; cleared when a list defines the id anew.
   */
  names: Uint16Array<ArrayBuffer> = new Uint16Array(1024)
  /**
   * Per string id, what it is as the value of a guarded attribute (url-safety.ts: URL
   * class, attributeName bits). Asked once per string id, when first needed; cleared with `names`.
   */
  values: Uint8Array<ArrayBuffer> = new Uint8Array(1024)
  /** Template id → template (DEFINE_TEMPLATE), for the root's life. */
  readonly templates: Array<Template | null> = []

  constructor(container: Element) {
    this.nodes[0] = container
    this.kinds[0] = KIND_ELEMENT
  }
}

type Table = Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>

/** A copy of `array`, doubled until `index` fits: tables grow rarely, and never shrink. */
export function grow<T extends Table>(array: T, index: number): T {
  let size = array.length * 2
  while (size <= index) size *= 2
  const grown = new (array.constructor as new (length: number) => T)(size)
  grown.set(array as never)
  return grown
}

/**
 * A template of DEFINE_TEMPLATE: its shape, which the validator reads from the words, and
 * (once applied) its detached DOM tree, which CLONE_TEMPLATE clones. Arrays are by preorder
 * index; made once per template, so plain arrays.
 */
export class Template {
  /** The built tree; null until the applier runs the DEFINE_TEMPLATE op. */
  root: Node | null = null
  /** The DEFINE_TEMPLATE body, kept to build a clone node by node when `cloneNode` cannot be trusted. */
  body: Uint32Array<ArrayBuffer> | null = null
  /**
   * True if a clone of `root` walked in preorder meets exactly the nodes the body made (a
   * `<template>`, whose appended children may go to its content, or a custom element that
   * changes its children, breaks that): then CLONE_TEMPLATE clones; otherwise it builds.
   */
  clonable = false
  /** Event types of `eventTypeIds`, resolved when the tree is built (the strings may be freed later). */
  readonly eventTypes: string[] = []
  readonly nodeCount: number
  readonly textCount: number
  /** KIND_ELEMENT or KIND_TEXT. */
  readonly kinds: Uint8Array<ArrayBuffer>
  /** Preorder index of the parent; -1 for the root. */
  readonly parents: Int32Array<ArrayBuffer>
  /** Per event: the preorder index of its element, its type's string id, its flags. */
  readonly eventNodes: readonly number[]
  readonly eventTypeIds: readonly number[]
  readonly eventFlags: readonly number[]

  constructor(textCount: number, kinds: Uint8Array<ArrayBuffer>, parents: Int32Array<ArrayBuffer>, eventNodes: readonly number[], eventTypeIds: readonly number[], eventFlags: readonly number[]) {
    this.nodeCount = kinds.length
    this.textCount = textCount
    this.kinds = kinds
    this.parents = parents
    this.eventNodes = eventNodes
    this.eventTypeIds = eventTypeIds
    this.eventFlags = eventFlags
  }
}
