import { VNODE_COMPONENT, type VNode } from "../vnode.ts"
import type { ComponentInstance } from "../components/instance.ts"

/**
 * Helpers of the hot swap (RootRuntime.hotSwap, docs/hmr.md): new code for a running
 * root, in the same worker, under the same model and the same DOM.
 */

/** Every component instance of a mounted tree, outermost first. */
export function collectInstances(tree: readonly VNode[]): ComponentInstance[] {
  const found: ComponentInstance[] = []
  const stack: VNode[] = tree.slice().reverse()
  while (stack.length > 0) {
    const vnode = stack.pop()!
    if (vnode.kind === VNODE_COMPONENT) {
      if (vnode.instance !== null) found.push(vnode.instance)
      if (vnode.rendered !== null) stack.push(vnode.rendered)
      continue
    }
    const children = vnode.children as readonly VNode[]
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i])
  }
  return found
}
