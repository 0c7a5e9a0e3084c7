import { Applier } from "../../src/dom/applier.ts"
import { decodePatch, type DecodedPatch } from "../../protocol/patch-reader.ts"
import { LANE_DEFAULT } from "../../protocol/lanes.ts"
import { Renderer } from "../../workers/diff/renderer.ts"
import type { Child } from "../../workers/vnode.ts"

/**
 * The whole pipeline without threads: view → diff → encode → (copy, as a transfer would)
 * → decode → validate → apply, into a happy-dom container. For tests of the diff, the
 * wire format and the applier together.
 */
export function createPipeline() {
  const container = document.createElement("div")
  const listened = new Set<string>()
  const applier = new Applier(container, {
    listen: (type) => listened.add(type),
    unlisten: (type) => listened.delete(type)
  })
  const renderer = new Renderer(1)
  return {
    container,
    applier,
    renderer,
    listened,
    /** Renders `view`; returns the decoded patch list (null when nothing changed). */
    render(view: Child): DecodedPatch | null {
      const buffer = renderer.render(() => view, LANE_DEFAULT, 0)
      if (buffer === null) return null
      const sent = buffer.slice(0)
      const decoded = decodePatch(sent)
      const commitId = applier.apply(sent)
      renderer.acknowledge(commitId, buffer)
      return decoded
    }
  }
}

/** A fresh render of `view` into a new container: what the DOM should equal after a patch. */
export function freshRender(view: Child): string {
  const pipeline = createPipeline()
  pipeline.render(view)
  return pipeline.container.innerHTML
}

/** Counts DOM moves and insertions on `parent` by wrapping its methods; returns a reader and a restore. */
export function traceInsertions(parent: Node) {
  const calls: Array<{ op: "insertBefore" | "appendChild"; node: Node }> = []
  const insertBefore = parent.insertBefore
  const appendChild = parent.appendChild
  parent.insertBefore = function <T extends Node>(node: T, ref: Node | null): T {
    calls.push({ op: "insertBefore", node })
    return insertBefore.call(this, node, ref) as T
  }
  parent.appendChild = function <T extends Node>(node: T): T {
    calls.push({ op: "appendChild", node })
    return appendChild.call(this, node) as T
  }
  return {
    calls,
    restore() {
      parent.insertBefore = insertBefore
      parent.appendChild = appendChild
    }
  }
}
