/**
 * The wire format of a Shuttle patch list (version 2). Both threads import this file;
 * `docs/wire-format.md` is the prose version of the same layout.
 *
 * A patch list is one ArrayBuffer of little-endian 32-bit words:
 *
 *   [ header: HEADER_WORDS words ][ op stream: OP_WORDS words ]
 *   [ string ids: STRING_COUNT words ][ string lengths (UTF-16 units): STRING_COUNT words ]
 *   [ UTF-8 bytes of all new strings, concatenated: STRING_BYTES bytes ]
 *
 * The new strings are defined before any op runs, so ops may refer to them. They are
 * concatenated so the applier decodes them with one TextDecoder call per commit and
 * cuts them apart with `substring`, instead of one decode per string.
 *
 * @since 0.1.0
 */

/** "SHTL" read as a little-endian u32. */
export const MAGIC = 0x4c544853
export const VERSION = 2

/** Header word offsets. */
export const Header = {
  Magic: 0,
  Version: 1,
  RootId: 2,
  CommitId: 3,
  Lane: 4,
  Flags: 5,
  /** Bytes of the buffer that are used; the rest of a pooled buffer is garbage. */
  ByteLength: 6,
  OpWords: 7,
  StringCount: 8,
  StringBytes: 9,
  /** Sequence number of the last DOM event the worker had seen when it rendered. */
  EventSeq: 10,
  Reserved: 11,
  Size: 12
} as const
export const HEADER_WORDS = Header.Size

/** Header flag: the worker rebuilt the view from scratch (after a failed render). */
export const COMMIT_FLAG_REBUILD = 1 << 0

/**
 * Opcodes. The first word of each op is `opcode | (arg << 8)`: the low byte says which
 * op it is, the upper 24 bits carry a small per-op argument (namespace, prop kind,
 * event flags). Each op lists its words; the reader returns the offset after it.
 */
export const OP_MASK = 0xff
export const ARG_SHIFT = 8

/** [op | ns<<8, id, tag]  ns: Namespace */
export const OP_CREATE_ELEMENT = 1
/** [op, id, text] */
export const OP_CREATE_TEXT = 2
/** [op, id, text] */
export const OP_SET_TEXT = 3
/** [op, id, name, value] */
export const OP_SET_ATTR = 4
/** [op, id, name] */
export const OP_REMOVE_ATTR = 5
/** [op | kind<<8, id, name, value]  kind: PropKind; value is a string id for PROP_STRING */
export const OP_SET_PROP = 6
/** [op, id, name, value]  name is a CSS property name (kebab-case) */
export const OP_SET_STYLE = 7
/** [op, id, name] */
export const OP_REMOVE_STYLE = 8
/** [op, parent, child] */
export const OP_APPEND = 9
/** [op, parent, child, ref]  insert child before ref, which is a child of parent */
export const OP_INSERT_BEFORE = 10
/** [op, id]  detach the node from its parent; its id stays valid until released */
export const OP_REMOVE = 11
/** [op, parent]  remove every child of parent (the fast path for "clear") */
export const OP_CLEAR_CHILDREN = 12
/** [op, count, id × count]  forget these ids: the worker may reuse them after the ack */
export const OP_RELEASE_NODES = 13
/** [op | flags<<8, id, type]  the node handles `type`; flags: EventFlag */
export const OP_SET_EVENT = 14
/** [op, id, type] */
export const OP_REMOVE_EVENT = 15
/** [op, count, id × count]  these string ids are unused; a later commit may redefine them */
export const OP_FREE_STRINGS = 16
/**
 * [op | template<<8, count, body × count]  defines template `template` (< MAX_TEMPLATES,
 * never defined before in this root) as one tree, in preorder, each node:
 *   element: [TEMPLATE_ELEMENT | ns<<2 | attrs<<8 | events<<16, children, tag,
 *             (name, value) × attrs, (type, flags) × events]
 *   text:    [TEMPLATE_TEXT]   a slot: its text comes with each clone
 * The root is an element. The main thread builds the tree once, through the same checks
 * as CREATE_ELEMENT and SET_ATTR; templates live as long as the root (no free op).
 */
export const OP_DEFINE_TEMPLATE = 17
/**
 * [op | template<<8, count, parent, ref, id × nodes, text × texts]  count = 2 + nodes + texts:
 * clones the template, gives its nodes the ids in preorder and its text slots the strings
 * in order, sets its events, and inserts it into parent before ref (ref 0: at the end).
 */
export const OP_CLONE_TEMPLATE = 18
export const OP_LAST = 18

/** Fixed op sizes in words; 0 marks a variable-length op (count in word 1). */
export const OP_WORDS: readonly number[] = [
  0, // 0 unused
  3, // CREATE_ELEMENT
  3, // CREATE_TEXT
  3, // SET_TEXT
  4, // SET_ATTR
  3, // REMOVE_ATTR
  4, // SET_PROP
  4, // SET_STYLE
  3, // REMOVE_STYLE
  3, // APPEND
  4, // INSERT_BEFORE
  2, // REMOVE
  2, // CLEAR_CHILDREN
  0, // RELEASE_NODES
  3, // SET_EVENT
  3, // REMOVE_EVENT
  0, // FREE_STRINGS
  0, // DEFINE_TEMPLATE
  0 // CLONE_TEMPLATE
]

export const OP_NAMES: readonly string[] = [
  "", "CREATE_ELEMENT", "CREATE_TEXT", "SET_TEXT", "SET_ATTR", "REMOVE_ATTR", "SET_PROP",
  "SET_STYLE", "REMOVE_STYLE", "APPEND", "INSERT_BEFORE", "REMOVE", "CLEAR_CHILDREN",
  "RELEASE_NODES", "SET_EVENT", "REMOVE_EVENT", "FREE_STRINGS", "DEFINE_TEMPLATE", "CLONE_TEMPLATE"
]

/** DEFINE_TEMPLATE node kinds (low 2 bits of a node's first word). */
export const TEMPLATE_ELEMENT = 1
export const TEMPLATE_TEXT = 2
/** Template ids are below this; a root never has more templates. */
export const MAX_TEMPLATES = 256
/** Nodes in one template at most (the worker makes them far smaller). */
export const MAX_TEMPLATE_NODES = 1024

/** Element namespaces (CREATE_ELEMENT argument). */
export const NS_HTML = 0
export const NS_SVG = 1
export const NS_MATHML = 2
export const NAMESPACES: readonly string[] = [
  "http://www.w3.org/1999/xhtml",
  "http://www.w3.org/2000/svg",
  "http://www.w3.org/1998/Math/MathML"
]

/** SET_PROP kinds: how to read the value word. */
export const PROP_STRING = 0
export const PROP_TRUE = 1
export const PROP_FALSE = 2
/** The value word is a string id whose text is parsed with Number(). */
export const PROP_NUMBER = 3
export const PROP_NULL = 4
export const PROP_KIND_LAST = 4

/** SET_EVENT flags, decided on the main thread synchronously. */
export const EVENT_PREVENT_DEFAULT = 1 << 0
export const EVENT_STOP_PROPAGATION = 1 << 1
/** Set by the applier on every handled (node, type); not sent on the wire. */
export const EVENT_HANDLED = 1 << 7

/** Node id 0 is the root container; the worker's ids start at 1. */
export const CONTAINER_ID = 0
