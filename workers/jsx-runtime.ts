import type { ElementProps, RegisteredMsg } from "./element-props.ts"
import { createNode, Fragment } from "./h.ts"
import type { Child, Component, Key, Props, VNode } from "./vnode.ts"

/**
 * The automatic JSX runtime: set `"jsxImportSource": "shuttle-ui"` in tsconfig (or esbuild's
 * `jsxImportSource`) and write TSX in the worker.
 *
 * Elements' props are `ElementProps`: handlers take the messages declared once in
 * `Register` (`declare module "shuttle-ui/worker" { interface Register { msg: Msg } }`),
 * and their event is inferred. Components' props are checked against their parameter.
 *
 * @since 0.1.0
 */
export { Fragment }

export function jsx(type: string | Component, props: Props, key?: Key): VNode {
  // The key goes beside the props, not into a copy of them (a keyed row cost two copies).
  return createNode(type, props, undefined as Child | undefined, key)
}
export const jsxs = jsx
export const jsxDEV = jsx

export declare namespace JSX {
  type Element = VNode
  /** What may stand as a tag: an element name, or a component returning any Child (arrays, text, null). */
  type ElementType = string | Component<any>
  interface ElementChildrenAttribute {
    children: {}
  }
  interface IntrinsicAttributes {
    key?: Key | null
  }
  /** Every element takes ElementProps, with the registered messages. */
  interface IntrinsicElements {
    [tag: string]: ElementProps<RegisteredMsg>
  }
}
