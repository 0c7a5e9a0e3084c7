import type { Applier, EventTypeListener } from "./applier.ts"
import { NODE_ID } from "./node-table.ts"
import { EVENT_PREVENT_DEFAULT, EVENT_STOP_PROPAGATION } from "../../protocol/opcodes.ts"
import type { ShuttleEvent } from "../../protocol/messages.ts"

/** Events that do not bubble: listened for in the capture phase, delivered to the target only. */
const NON_BUBBLING = new Set(["focus", "blur", "mouseenter", "mouseleave", "pointerenter", "pointerleave", "load", "error", "scroll", "toggle"])

/** Where a serialized event goes: its handler path and its data. */
export type EventSink = (path: number[], event: Omit<ShuttleEvent, "currentTarget">, target: Node) => void

/**
 * One delegated listener per event type, on the root container. On an event it walks
 * from the target up to the container, collects the ids of nodes that handle the type
 * (stopping after one that stops propagation), applies `preventDefault` /
 * `stopPropagation` synchronously, and hands a plain-data copy of the event to the sink.
 *
 * The object is its own listener (`handleEvent`), so no closure is made per type.
 */
export class EventDelegation implements EventTypeListener {
  private applier: Applier | null = null
  private readonly listening = new Set<string>()

  private readonly container: Element
  private readonly sink: EventSink

  constructor(container: Element, sink: EventSink) {
    this.container = container
    this.sink = sink
  }

  attach(applier: Applier): void {
    this.applier = applier
  }

  /** Event types with a listener on the container now. */
  get types(): ReadonlySet<string> {
    return this.listening
  }

  listen(type: string): void {
    if (this.listening.has(type)) return
    this.listening.add(type)
    this.container.addEventListener(type, this, NON_BUBBLING.has(type))
  }

  unlisten(type: string): void {
    if (!this.listening.delete(type)) return
    this.container.removeEventListener(type, this, NON_BUBBLING.has(type))
  }

  /** Removes every listener (on unmount). */
  detach(): void {
    for (const type of this.listening) this.container.removeEventListener(type, this, NON_BUBBLING.has(type))
    this.listening.clear()
    this.applier = null
  }

  handleEvent(event: Event): void {
    const applier = this.applier
    if (applier === null) return
    const type = event.type
    const bubbles = !NON_BUBBLING.has(type)
    const path: number[] = []
    let targetId = -1
    let targetNode: Node | null = null
    for (let node = event.target as Node | null; node !== null && node !== this.container; node = node.parentNode) {
      const id = (node as unknown as Record<string, number | undefined>)[NODE_ID]
      // Only nodes this root's table holds now: not nodes of a nested root, nor removed ones.
      if (id === undefined || applier.node(id) !== node) {
        if (!bubbles) break
        continue
      }
      if (targetId === -1) {
        targetId = id
        targetNode = node
      }
      const flags = applier.flagsFor(type, id)
      if (flags !== 0) {
        path.push(id)
        if ((flags & EVENT_PREVENT_DEFAULT) !== 0) event.preventDefault()
        if ((flags & EVENT_STOP_PROPAGATION) !== 0) {
          event.stopPropagation()
          break
        }
      }
      if (!bubbles) break
    }
    if (path.length === 0 || targetNode === null) return
    this.sink(path, serialize(event, targetId, targetNode), targetNode)
  }
}

function serialize(event: Event, target: number, node: Node): Omit<ShuttleEvent, "currentTarget"> {
  const e = event as Partial<KeyboardEvent & MouseEvent & WheelEvent>
  const el = node as Partial<HTMLInputElement>
  const out: { -readonly [K in keyof ShuttleEvent]?: ShuttleEvent[K] } = {
    type: event.type,
    target,
    altKey: e.altKey === true,
    ctrlKey: e.ctrlKey === true,
    metaKey: e.metaKey === true,
    shiftKey: e.shiftKey === true
  }
  if (typeof el.value === "string") out.value = el.value
  if (typeof el.checked === "boolean" && (el.type === "checkbox" || el.type === "radio")) out.checked = el.checked
  if (typeof e.key === "string") out.key = e.key
  if (typeof e.code === "string") out.code = e.code
  if (typeof e.button === "number") out.button = e.button
  if (typeof e.clientX === "number") {
    out.clientX = e.clientX
    out.clientY = e.clientY
  }
  if (typeof e.deltaX === "number") {
    out.deltaX = e.deltaX
    out.deltaY = e.deltaY
  }
  return out as Omit<ShuttleEvent, "currentTarget">
}
