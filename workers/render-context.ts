import { PatchWriter } from "../src/protocol/patch-writer.ts"
import { NodeIds } from "./node-ids.ts"
import { StringTable } from "./string-table.ts"
import type { VNode } from "./vnode.ts"

/**
 * Everything one root's diff writes to. One per root and passed explicitly: there is no
 * module-level render state, so roots in one worker never share a table.
 */
export interface RenderContext {
  readonly writer: PatchWriter
  readonly strings: StringTable
  readonly ids: NodeIds
  /** Node id → the vnode mounted there (elements and text), for events. */
  readonly nodes: Array<VNode | undefined>
  /** Event type → the prop name that handles it (`click` → `onClick`). */
  readonly eventProps: Map<string, string>
}

export function createRenderContext(): RenderContext {
  return {
    writer: new PatchWriter(),
    strings: new StringTable(),
    ids: new NodeIds(),
    nodes: [],
    eventProps: new Map()
  }
}
