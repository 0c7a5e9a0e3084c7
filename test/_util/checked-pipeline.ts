import { expect } from "vitest"
import { h } from "../../workers/h.ts"
import type { Child, Key, VNode } from "../../workers/vnode.ts"
import type { RenderTarget } from "./keyed-list.ts"
import { createPipeline, freshRender } from "./pipeline.ts"

/**
 * A pipeline for trees that mix keyed and unkeyed children, fragments, components, text
 * and nested lists. After every render it checks that the DOM equals a fresh render and
 * that DOM nodes were reused only where the diff may reuse them:
 *
 * - a keyed element (marked with a `data-key` attribute) is named by the path of keys
 *   from the root to it, since keys are per parent; one that keeps its path, its tag and
 *   its parent node is the same DOM object as before (views must keep key paths unique:
 *   no two unkeyed parents holding the same keys);
 * - any other keyed element (new key, new tag, or a parent that was rebuilt) is a new
 *   DOM object;
 * - an unkeyed node that survives is still unkeyed and has the same tag (or is text).
 */
export function createCheckedPipeline(pipeline: RenderTarget = createPipeline()) {
  return {
    pipeline,
    container: pipeline.container,
    /** Renders `view` and checks it; `context` prefixes failure messages. */
    render(view: Child, context = "render"): void {
      const before = label(pipeline.container)
      pipeline.render(view)
      expect(pipeline.container.innerHTML, context).toBe(freshRender(view))
      const after = label(pipeline.container)
      for (const [path, node] of after.byKey) {
        const old = before.byKey.get(path)
        const where = `${context}: key path ${path}`
        if (old !== undefined && old.localName === node.localName && before.parents.get(old) === node.parentNode) {
          expect(node, `${where} keeps its node`).toBe(old)
        } else expect(before.labels.has(node), `${where} is a new node`).toBe(false)
      }
      for (const [node, now] of after.labels) {
        const was = before.labels.get(node)
        if (was !== undefined && !now.startsWith("key:")) expect(now, `${context}: a reused unkeyed node keeps its kind`).toBe(was)
      }
    }
  }
}

/** An element with `key` and a matching `data-key` attribute, so the check can find it. */
export function keyed(tag: string, key: Key, ...children: Child[]): VNode {
  return h(tag, { key, "data-key": String(key) }, ...children)
}

interface Labels {
  /** Keyed elements by their key path (`g1/i2`). */
  readonly byKey: Map<string, Element>
  readonly parents: Map<Node, Node | null>
  /** Every node below the root: `key:<key>` for keyed elements, the tag or `#text` otherwise. */
  readonly labels: Map<Node, string>
}

function label(root: Node): Labels {
  const byKey = new Map<string, Element>()
  const labels = new Map<Node, string>()
  const parents = new Map<Node, Node | null>()
  const walk = (node: Node, path: string): void => {
    for (let child = node.firstChild; child !== null; child = child.nextSibling) {
      parents.set(child, node)
      let childPath = path
      if (child.nodeType === 1) {
        const element = child as Element
        const key = element.getAttribute("data-key")
        if (key !== null) {
          childPath = path === "" ? key : `${path}/${key}`
          byKey.set(childPath, element)
          labels.set(element, `key:${key}`)
        } else labels.set(element, element.localName)
      } else labels.set(child, child.nodeName)
      walk(child, childPath)
    }
  }
  walk(root, "")
  return { byKey, labels, parents }
}
