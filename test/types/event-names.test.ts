/**
 * The typed handler props (`EventHandlerName`) against the DOM and the runtime: each names
 * a DOM event (lib.dom's GlobalEventHandlersEventMap), the worker maps it to that event's
 * type, and the events the lanes and the delegation know are all there. The DOM events
 * left out are listed: they do not bubble and the main thread does not listen for them in
 * the capture phase, so a handler would never run (a newer lib.dom adding events fails
 * this test, to decide for each).
 */
import { describe, expect, expectTypeOf, it } from "vitest"
import type { EventHandlerName } from "shuttle-ui/worker"
import { CONTINUOUS_EVENT_TYPES } from "../../protocol/lanes.ts"
import { eventType } from "../../workers/diff/props.ts"

const NAMES = [
  "onClick", "onDblClick", "onDoubleClick", "onAuxClick", "onContextMenu",
  "onMouseDown", "onMouseUp", "onMouseMove", "onMouseOver", "onMouseOut", "onMouseEnter", "onMouseLeave",
  "onPointerDown", "onPointerUp", "onPointerMove", "onPointerOver", "onPointerOut", "onPointerEnter",
  "onPointerLeave", "onPointerCancel", "onGotPointerCapture", "onLostPointerCapture",
  "onWheel", "onScroll",
  "onTouchStart", "onTouchMove", "onTouchEnd", "onTouchCancel",
  "onDrag", "onDragStart", "onDragEnd", "onDragEnter", "onDragLeave", "onDragOver", "onDrop",
  "onKeyDown", "onKeyUp", "onKeyPress",
  "onInput", "onBeforeInput", "onChange", "onSubmit", "onReset", "onSelect", "onSelectStart",
  "onCompositionStart", "onCompositionUpdate", "onCompositionEnd",
  "onCopy", "onCut", "onPaste",
  "onFocus", "onBlur", "onFocusIn", "onFocusOut",
  "onLoad", "onError", "onToggle",
  "onAnimationStart", "onAnimationIteration", "onAnimationEnd", "onAnimationCancel",
  "onTransitionRun", "onTransitionStart", "onTransitionEnd", "onTransitionCancel"
] as const satisfies readonly EventHandlerName[]

/** The DOM event type of a handler prop, as the worker computes it (types). */
type EventTypeOf<Name extends string> = Name extends "onDoubleClick" ? "dblclick" : Name extends `on${infer Rest}` ? Lowercase<Rest> : never

/** Events that do not bubble, listened for in the capture phase (src/dom/event-delegation.ts NON_BUBBLING). */
const CAPTURED = ["focus", "blur", "mouseenter", "mouseleave", "pointerenter", "pointerleave", "load", "error", "scroll", "toggle"]

describe("handler props", () => {
  it("the list above is every EventHandlerName, and each names a DOM event", () => {
    expectTypeOf<(typeof NAMES)[number]>().toEqualTypeOf<EventHandlerName>()
    expectTypeOf<EventTypeOf<EventHandlerName>>().toMatchTypeOf<keyof GlobalEventHandlersEventMap>()
    expectTypeOf<Exclude<keyof GlobalEventHandlersEventMap, EventTypeOf<EventHandlerName>>>().toEqualTypeOf<
      // Media and resource events (do not bubble)
      | "abort" | "canplay" | "canplaythrough" | "durationchange" | "emptied" | "ended" | "loadeddata"
      | "loadedmetadata" | "loadstart" | "pause" | "play" | "playing" | "progress" | "ratechange" | "seeked"
      | "seeking" | "stalled" | "suspend" | "timeupdate" | "volumechange" | "waiting" | "cuechange"
      // Dialogs, popovers, forms, canvas, window (do not bubble, or not fired at elements)
      | "beforematch" | "beforetoggle" | "cancel" | "close" | "command" | "contextlost" | "contextrestored"
      | "formdata" | "invalid" | "resize" | "scrollend" | "securitypolicyviolation" | "selectionchange" | "slotchange"
      | "pointerrawupdate"
      // Prefixed duplicates
      | "webkitanimationend" | "webkitanimationiteration" | "webkitanimationstart" | "webkittransitionend"
    >()
  })

  it("the worker maps each prop to its event type", () => {
    for (const name of NAMES) {
      const expected = name === "onDoubleClick" ? "dblclick" : name.slice(2).toLowerCase()
      expect(eventType(name), name).toBe(expected)
    }
  })

  it("covers the continuous events of the lanes and the events the main thread captures", () => {
    const types = new Set(NAMES.map((name) => eventType(name)))
    for (const type of [...CONTINUOUS_EVENT_TYPES, ...CAPTURED]) expect(types.has(type), type).toBe(true)
  })
})
