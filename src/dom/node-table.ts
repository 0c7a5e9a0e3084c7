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
