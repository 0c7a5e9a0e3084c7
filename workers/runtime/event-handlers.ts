import type { ShuttleEvent } from "../../protocol/messages.ts"
import { handlerProp } from "../diff/props.ts"
import type { RenderContext } from "../diff/render-context.ts"

/**
 * Runs the handlers of one DOM event in the worker. `path` holds the ids of the nodes
 * that handle the event, innermost first, as the main thread found them. Returns true
 * if the event reported a new value or checked state of its target: then the view must
 * be diffed even if the model did not change, to set a rejected edit back.
 */
export function collectEventMessages(
  ctx: RenderContext,
  path: readonly number[],
  event: Omit<ShuttleEvent, "currentTarget">,
  out: unknown[]
): boolean {
  const target = ctx.nodes[event.target]
  let live = false
  // The DOM now holds what the user typed, whatever the model says.
  if (target !== undefined) {
    if (event.value !== undefined && event.value !== target.props.value) {
      target.liveValue = event.value
      live = true
    }
    if (event.checked !== undefined && event.checked !== target.props.checked) {
      target.liveChecked = event.checked
      live = true
    }
  }
  const propName = ctx.eventProps.get(event.type)
  if (propName === undefined) return live
  for (let i = 0; i < path.length; i++) {
    // A node removed by a commit the main thread had not applied yet: drop the event.
    const vnode = ctx.nodes[path[i]]
    if (vnode === undefined) continue
    const msg = resolveHandler(handlerProp(vnode.props, propName, event.type), { ...event, currentTarget: path[i] })
    if (msg !== undefined) out.push(msg)
  }
  return live
}

/** A handler spec is an object with `handler`, `preventDefault` or `stopPropagation`; any other value is the message. */
export function isHandlerSpec(value: unknown): value is { readonly msg?: unknown; readonly handler?: unknown } {
  return typeof value === "object" && value !== null && ("handler" in value || "preventDefault" in value || "stopPropagation" in value)
}

function resolveHandler(value: unknown, event: ShuttleEvent): unknown {
  if (value === undefined || value === null || value === false) return undefined
  if (typeof value === "function") return value(event)
  if (isHandlerSpec(value)) return typeof value.handler === "function" ? (value.handler as (event: ShuttleEvent) => unknown)(event) : value.msg
  return value
}
