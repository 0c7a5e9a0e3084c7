/**
 * Devtools queries about the worker's side of a root, and their answers (docs/devtools.md,
 * "Inspecting the worker"). The page sends them with `root.inspect(query)`; the worker
 * answers from the tree it holds (workers/runtime/inspect.ts). Answers are plain data:
 * props are summaries, never the values themselves (a function, a model of megabytes).
 *
 * @since 0.1.0
 */

export type InspectQuery =
  /** The tree the worker holds for the root, as last committed; at most `limit` nodes (default 5,000). */
  | { readonly q: "tree"; readonly limit?: number }
  /** What rendered the DOM node `id` (the page reads it as `node.__shuttleId`). */
  | { readonly q: "node"; readonly id: number }
  /** Per-component render timing on or off for this root (CommitInfo.profile). */
  | { readonly q: "profile"; readonly on: boolean }

/** How a node of the worker's tree came to be. */
export type InspectKind = "component" | "element" | "text" | "fragment"

/**
 * A prop value as devtools show it: plain data, bounded in depth and size. Functions are
 * `"ƒ name"`, an event handler given as a message is that message, strings are cut,
 * deep or large values end in `"…"` marks.
 */
export type PropSummary = string | number | boolean | null | readonly PropSummary[] | { readonly [name: string]: PropSummary }

export interface InspectNode {
  readonly kind: InspectKind
  /** The component function's name, the tag, `#text` or `#fragment`. */
  readonly name: string
  readonly key: string | number | null
  /** DOM node id of an element or text (`node.__shuttleId` on the page); null for components and fragments. */
  readonly id: number | null
  /** A component's or element's props, summarized; `{}` for text and fragments. */
  readonly props: { readonly [name: string]: PropSummary }
  /** A text node's text (cut if long). */
  readonly text?: string
  /** The last render skipped this component: equal props, nothing below it dirty. */
  readonly memo?: true
  /** An ErrorBoundary or Suspense. */
  readonly boundary?: "error" | "suspense"
  /** The boundary shows its fallback in place of its children. */
  readonly showingFallback?: boolean
  /** An element's or fragment's children; a component's one rendered node. */
  readonly children: readonly InspectNode[]
}

/** The answer to `{ q: "tree" }`. */
export interface InspectTree {
  /** The root's top-level nodes (a view may return several). */
  readonly children: readonly InspectNode[]
  /** Nodes in the answer. */
  readonly count: number
  /** The tree had more than `limit` nodes: children past it are left out. */
  readonly truncated: boolean
  /** Per-component render timing is on. */
  readonly profiling: boolean
}

/** One component above a DOM node, in the answer to `{ q: "node" }`. */
export interface InspectComponent {
  readonly name: string
  readonly key: string | number | null
  readonly props: { readonly [name: string]: PropSummary }
  readonly boundary?: "error" | "suspense"
}

/** The answer to `{ q: "node", id }` (null when no mounted node has that id). */
export interface InspectNodeInfo {
  readonly id: number
  readonly kind: "element" | "text"
  /** The tag, or `#text`. */
  readonly name: string
  readonly key: string | number | null
  readonly props: { readonly [name: string]: PropSummary }
  readonly text?: string
  /** The components from the root down to the node, outermost first. */
  readonly components: readonly InspectComponent[]
}

/** The answer to `{ q: "profile", on }`. */
export interface InspectProfileState {
  readonly profiling: boolean
}

/** One component's counts in a commit (all instances of one name together). */
export interface ComponentProfile {
  readonly name: string
  /** Calls of the component function. */
  readonly renders: number
  /** Renders skipped as memoized (equal props, nothing below dirty). */
  readonly skipped: number
  /** Milliseconds in the component function itself, over all its renders (not the diff of its output, nor components below). */
  readonly ms: number
}

/** CommitInfo.profile: what the commit's render cost, by component, while profiling is on. */
export interface CommitProfile {
  /** Slowest first. */
  readonly components: readonly ComponentProfile[]
  /** The `update` call that took longest in the commit's fold: its message, summarized. */
  readonly slowestUpdate?: { readonly msg: PropSummary; readonly ms: number }
}
