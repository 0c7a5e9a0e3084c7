import type { ElementProps, RegisteredMsg } from "./element-props.ts"
import { InvalidVNodeError } from "./errors.ts"
import {
  type Child,
  type Component,
  createVNode,
  EMPTY_CHILDREN,
  EMPTY_PROPS,
  isVNode,
  type Key,
  type Props,
  textVNode,
  type VNode,
  VNODE_COMPONENT,
  VNODE_ELEMENT,
  VNODE_FRAGMENT
} from "./vnode.ts"

/**
 * Builds vnodes: `h("div", { class: "row" }, "text", child)`, `h(Component, props)`,
 * `h(Fragment, null, a, b)`.
 *
 * An element's props are `ElementProps`: its handlers take the messages registered in
 * `Register` (see README), or `h<Msg>(…)` names them for one call (`h<unknown>(…)`: any
 * message but a string). A component's props are checked against its parameter; they
 * may be left out or `null` only when it requires none.
 *
 * @since 0.1.0
 * @example
 * const row = h("tr", { key: 1, class: "danger" }, h("td", null, "1"), h("td", null, "label"))
 * const button = h<Msg>("button", { onClick: { type: "inc" } }, "+")
 */
// One signature rather than an element and a component overload: a call that fails is
// reported against the last overload, which would be the wrong one for half the mistakes.
export function h<Msg = RegisteredMsg, T extends string | Component<any> = string>(type: T, ...args: NoInfer<Arguments<T, Msg>>): VNode
export function h(type: string | Component, props?: object | null, ...children: Child[]): VNode {
  return createNode(type, (props ?? EMPTY_PROPS) as Props, children.length === 0 ? undefined : children.length === 1 ? children[0] : children)
}

/** What follows the tag in `h()`: an element's props, or a component's (required if it requires any); then children. */
type Arguments<T, Msg> = T extends string ? [props?: ElementProps<Msg> | null, ...children: Child[]]
  : T extends (props: infer P, ...rest: any) => any ? {} extends P ? [props?: (P & KeyProp) | null, ...children: Child[]]
    : [props: P & KeyProp, ...children: Child[]]
  : never

type KeyProp = { readonly key?: Key | null }

/** Groups children without a wrapping element. */
export function Fragment(props: { children?: Child }): Child {
  return props.children
}

/** Shared by `h` and the JSX runtime: `children` is the raw child or list, as JSX passes it. */
export function createNode(type: string | Component | typeof Fragment, props: Props, children: Child | undefined, jsxKey?: Key): VNode {
  let key: Key | null = jsxKey ?? null
  let own = props
  if (props.key !== undefined) {
    if (jsxKey === undefined) key = (props.key as Key | null) ?? null
    // A copy only when the key is in the props (`h`, a JSX spread): JSX passes it beside them.
    own = withoutKey(props)
  }
  const given = own.children as Child | undefined
  if (type === Fragment) return createVNode(VNODE_FRAGMENT, null, key, EMPTY_PROPS, normalizeChildren(children !== undefined ? children : given, "fragment"), "")
  if (typeof type === "function") {
    // Children given beside the props (`h`'s rest arguments) join them, as JSX passes them.
    const componentProps = children === undefined ? own : { ...own, children }
    return createVNode(VNODE_COMPONENT, type, key, componentProps, EMPTY_CHILDREN, "")
  }
  // An element keeps its props object as given, JSX's `children` included (as React's
  // element.props): no copy per element; the diff skips that name (isReservedProp).
  return createVNode(VNODE_ELEMENT, type, key, own, normalizeChildren(children !== undefined ? children : given, type), "")
}

/** A copy of `props` without `key` (a plain loop: cheaper than rest destructuring). */
function withoutKey(props: Props): Props {
  const rest: Record<string, unknown> = {}
  for (const name in props) if (name !== "key") rest[name] = (props as Record<string, unknown>)[name]
  return rest as Props
}

export function normalizeChildren(children: Child | undefined, parent: string): readonly VNode[] {
  if (children === undefined || children === null || typeof children === "boolean") return EMPTY_CHILDREN
  if (!Array.isArray(children)) {
    const one = toVNode(children as Child, parent)
    return one === null ? EMPTY_CHILDREN : [one]
  }
  const out: VNode[] = []
  flattenInto(children, out, parent)
  return out.length === 0 ? EMPTY_CHILDREN : out
}

/** Flattens arrays, turns text and numbers into text vnodes and drops null, undefined and booleans. */
function flattenInto(children: readonly Child[], out: VNode[], parent: string): void {
  for (let i = 0; i < children.length; i++) {
    const child = children[i]
    if (Array.isArray(child)) flattenInto(child, out, parent)
    else {
      const vnode = toVNode(child as Child, parent)
      if (vnode !== null) out.push(vnode)
    }
  }
}

/** One child as a vnode, or null for what renders nothing. */
export function toVNode(child: Child, parent: string): VNode | null {
  switch (typeof child) {
    case "string":
      return textVNode(child)
    case "number":
    case "bigint":
      return textVNode(String(child))
    case "boolean":
    case "undefined":
      return null
    case "object":
      if (child === null) return null
      if (Array.isArray(child)) return createVNode(VNODE_FRAGMENT, null, null, EMPTY_PROPS, normalizeChildren(child, parent), "")
      if (isVNode(child)) return child
  }
  throw new InvalidVNodeError({ value: describe(child), parent })
}

function describe(value: unknown): string {
  if (typeof value === "function") return `a function (${value.name || "anonymous"})`
  if (typeof value === "symbol") return "a symbol"
  try {
    return `the object ${JSON.stringify(value)?.slice(0, 80)}`
  } catch {
    return "an object"
  }
}
