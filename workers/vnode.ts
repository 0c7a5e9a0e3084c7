import type { ComponentInstance, ComponentSelf } from "./components/instance.ts"

/**
 * Virtual nodes. Every vnode has the same shape (one factory sets every field), so the
 * diff's property reads stay monomorphic.
 *
 * @since 0.1.0
 */

export const VNODE_ELEMENT = 1
export const VNODE_TEXT = 2
export const VNODE_FRAGMENT = 3
export const VNODE_COMPONENT = 4

export type Key = string | number

/** A function component: props in, vnodes out. The second argument starts effects (see ComponentSelf). */
export type Component<P = any> = (props: P, self: ComponentSelf<any>) => Child

/** What a view may return or nest: vnodes, text, numbers, arrays; null, undefined and booleans render nothing. */
export type Child = VNode | string | number | bigint | boolean | null | undefined | readonly Child[]

/** Props as the diff reads them: typed for authors by ElementProps and the components' own props. */
export type Props = Readonly<Record<string, unknown>>

export interface VNode {
  readonly kind: number
  /** Tag name for elements, the function for components, null otherwise. */
  readonly type: string | Component | null
  readonly key: Key | null
  readonly props: Props
  /** Normalized children for elements and fragments; empty for text and components. */
  readonly children: readonly VNode[]
  /** Text of a text vnode. */
  readonly text: string
  /** Namespace for elements (NS_HTML, NS_SVG, NS_MATHML), set when mounted. */
  namespace: number
  /** DOM node id once mounted (elements and text); 0 before; -1 for a mounted fragment. */
  id: number
  /** A component's rendered output once mounted. */
  rendered: VNode | null
  /** A component's instance (effects, Scope, boundary state) once mounted. */
  instance: ComponentInstance | null
  /** Last value the user typed into this element, reported by input events. */
  liveValue: string | undefined
  /** Last checked state reported by events. */
  liveChecked: boolean | undefined
}

export const EMPTY_PROPS: Props = Object.freeze({})
export const EMPTY_CHILDREN: readonly VNode[] = Object.freeze([]) as readonly VNode[]

/**
 * Names in an element's props that are not attributes: JSX passes the children and `h`
 * the key inside the props object, which the vnode keeps as it is (no copy per element).
 */
export function isReservedProp(name: string): boolean {
  return name === "children" || name === "key"
}

export function createVNode(
  kind: number,
  type: string | Component | null,
  key: Key | null,
  props: Props,
  children: readonly VNode[],
  text: string
): VNode {
  return {
    kind,
    type,
    key,
    props,
    children,
    text,
    namespace: 0,
    id: 0,
    rendered: null,
    instance: null,
    liveValue: undefined,
    liveChecked: undefined
  }
}

export function textVNode(text: string): VNode {
  return createVNode(VNODE_TEXT, null, null, EMPTY_PROPS, EMPTY_CHILDREN, text)
}

/**
 * A fresh unmounted copy: used when the same vnode object is placed twice. The children
 * array is copied too, because mounting replaces reused children in place.
 */
export function cloneVNode(vnode: VNode): VNode {
  const children = vnode.children.length === 0 ? EMPTY_CHILDREN : vnode.children.slice()
  return createVNode(vnode.kind, vnode.type, vnode.key, vnode.props, children, vnode.text)
}

export function isVNode(value: unknown): value is VNode {
  return typeof value === "object" && value !== null && typeof (value as VNode).kind === "number" &&
    "rendered" in value && "children" in value
}
