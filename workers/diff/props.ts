import {
  EVENT_PREVENT_DEFAULT,
  EVENT_STOP_PROPAGATION,
  PROP_FALSE,
  PROP_NULL,
  PROP_NUMBER,
  PROP_STRING,
  PROP_TRUE
} from "../../protocol/opcodes.ts"
import { UnsafePropError } from "../errors.ts"
import type { RenderContext } from "./render-context.ts"
import { isReservedProp, type Props, type VNode } from "../vnode.ts"

/**
 * Props of an element, diffed into attribute, property, style and event ops.
 *
 * - `onXxx`, in any case (`onClick`, `onclick`, `ONCLICK`): an event handler; the main
 *   thread learns only the type and the flags. Never an attribute: a string value would be
 *   script in HTML, so it throws UnsafePropError (and the main thread refuses an `on…`
 *   attribute anyway, docs/safety.md).
 * - `class`/`className`: a string, an array of strings, or `{ name: boolean }`.
 * - `style`: a string (the attribute) or an object of CSS properties (camelCase or kebab).
 * - `value`, `checked`, `selected`, `indeterminate`: DOM properties, for form controls.
 * - anything else: an attribute; `true` sets it empty, `false`/`null`/`undefined` removes it.
 */

/** Props set as DOM properties. The main thread sets no others (src/dom/url-safety.ts SET_PROPERTIES; a test keeps the two equal). */
export const PROPERTIES: ReadonlySet<string> = new Set(["value", "checked", "selected", "indeterminate", "muted"])
const UNITLESS = new Set([
  "opacity", "z-index", "flex", "flex-grow", "flex-shrink", "line-height", "font-weight", "order", "zoom",
  "column-count", "tab-size", "orphans", "widows", "grid-row", "grid-column"
])
const EVENT_ALIASES: Readonly<Record<string, string>> = { doubleclick: "dblclick" }

/** True for a prop named `on…` in any case: an event handler, never an attribute. */
export function isEventName(name: string): boolean {
  // `| 0x20` lowercases an ASCII letter: "O"/"o" → 111, "N"/"n" → 110.
  return name.length >= 2 && (name.charCodeAt(0) | 0x20) === 111 && (name.charCodeAt(1) | 0x20) === 110
}

/** Event types by handler prop name: an app spells few, and each row of a list asks again. */
const EVENT_TYPES = new Map<string, string>()
const EVENT_TYPES_LIMIT = 512

/** `onClick`, `onclick`, `ONCLICK` → `click`, or null if the prop is not an event handler (`on` alone names no event). */
export function eventType(name: string): string | null {
  if (name.length < 3 || !isEventName(name)) return null
  let type = EVENT_TYPES.get(name)
  if (type !== undefined) return type
  const lower = name.slice(2).toLowerCase()
  type = EVENT_ALIASES[lower] ?? lower
  if (EVENT_TYPES.size < EVENT_TYPES_LIMIT) EVENT_TYPES.set(name, type)
  return type
}

/**
 * The handler for `type` in an element's props: the prop `name` (the spelling the root
 * last registered for the type), or the element's own spelling of it when it differs
 * (`onclick` on one element, `onClick` on another).
 */
export function handlerProp(props: Props, name: string, type: string): unknown {
  const value = props[name]
  if (value !== undefined) return value
  for (const key in props) {
    if (key !== name && eventType(key) === type) return props[key]
  }
  return undefined
}

/** True if a handler prop value means "handle this event". */
export function isHandler(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false
}

export function eventFlags(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0
  const spec = value as { preventDefault?: boolean; stopPropagation?: boolean }
  return (spec.preventDefault === true ? EVENT_PREVENT_DEFAULT : 0) | (spec.stopPropagation === true ? EVENT_STOP_PROPAGATION : 0)
}

export function classString(value: unknown): string | null {
  if (value === undefined || value === null || value === false) return null
  if (typeof value === "string") return value
  if (Array.isArray(value)) {
    let out = ""
    for (const item of value) {
      const part = classString(item)
      if (part) out = out === "" ? part : out + " " + part
    }
    return out
  }
  if (typeof value === "object") {
    let out = ""
    for (const name in value as Record<string, unknown>) {
      if ((value as Record<string, unknown>)[name]) out = out === "" ? name : out + " " + name
    }
    return out
  }
  return String(value)
}

export function cssName(name: string): string {
  if (name.startsWith("--")) return name
  return name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())
}

export function cssValue(name: string, value: unknown): string | null {
  if (value === undefined || value === null || value === false || value === "") return null
  if (typeof value === "number" && value !== 0 && !UNITLESS.has(name) && !name.startsWith("--")) return value + "px"
  return String(value)
}

function attrValue(value: unknown): string | null {
  if (value === undefined || value === null || value === false) return null
  if (value === true) return ""
  return String(value)
}

/** Sets every prop of a freshly created element. */
export function mountProps(ctx: RenderContext, vnode: VNode): void {
  const props = vnode.props
  for (const name in props) setProp(ctx, vnode, name, undefined, props[name])
}

/** Emits the ops that turn `old`'s props into `next`'s on the node they share. */
export function patchProps(ctx: RenderContext, old: VNode, next: VNode): void {
  const before = old.props
  const after = next.props
  if (before === after) return
  for (const name in after) {
    const value = after[name]
    const previous = before[name]
    if (value !== previous || PROPERTIES.has(name)) setProp(ctx, next, name, previous, value, old)
  }
  for (const name in before) {
    if (!(name in after) && !stillHandled(name, after)) setProp(ctx, next, name, before[name], undefined)
  }
}

/** A handler prop that is gone, but whose event the new props handle under another spelling (`onClick` → `onclick`): its event stays. */
function stillHandled(name: string, after: Props): boolean {
  const type = eventType(name)
  if (type === null) return false
  for (const key in after) {
    if (eventType(key) === type && isHandler(after[key])) return true
  }
  return false
}

function setProp(ctx: RenderContext, vnode: VNode, name: string, previous: unknown, value: unknown, old?: VNode): void {
  if (isReservedProp(name)) return
  const writer = ctx.writer
  const strings = ctx.strings
  const id = vnode.id
  // A value replaced or removed: its string may be unused now (string-table sweep).
  if (previous !== undefined && previous !== null) strings.noteDrop()
  if (isEventName(name)) {
    if (typeof value === "string") throw new UnsafePropError({ prop: name, value, tag: String(vnode.type) })
    const type = eventType(name)
    if (type === null) return
    const had = isHandler(previous)
    const has = isHandler(value)
    if (has && (!had || eventFlags(previous) !== eventFlags(value))) {
      ctx.eventProps.set(type, name)
      writer.setEvent(id, strings.intern(type, writer), eventFlags(value))
    } else if (had && !has) writer.removeEvent(id, strings.intern(type, writer))
    return
  }
  if (name === "class" || name === "className") {
    const cls = classString(value)
    if (cls === classString(previous)) return
    const attr = strings.intern("class", writer)
    if (cls === null) writer.removeAttr(id, attr)
    else writer.setAttr(id, attr, strings.intern(cls, writer))
    return
  }
  if (name === "style") return setStyle(ctx, id, previous, value)
  if (PROPERTIES.has(name)) return setProperty(ctx, vnode, name, previous, value, old)
  const next = attrValue(value)
  if (next === attrValue(previous)) return
  const attr = strings.intern(name, writer)
  if (next === null) writer.removeAttr(id, attr)
  else writer.setAttr(id, attr, strings.intern(next, writer))
}

/**
 * Form properties compare against what the DOM last reported (`liveValue`), not only
 * the previous vnode: a controlled input whose update rejected a keystroke must be set
 * back even though the model did not change.
 */
function setProperty(ctx: RenderContext, vnode: VNode, name: string, previous: unknown, value: unknown, old?: VNode): void {
  if (old !== undefined) {
    const live = name === "value" ? old.liveValue : name === "checked" ? old.liveChecked : undefined
    if (live !== undefined) previous = live
  }
  if (value === previous || (value !== null && typeof value === "object")) return
  if (name === "value" && previous !== undefined && value !== undefined && String(value) === String(previous)) return
  const writer = ctx.writer
  const prop = ctx.strings.intern(name, writer)
  if (value === true) writer.setProp(vnode.id, prop, PROP_TRUE, 0)
  else if (value === false) writer.setProp(vnode.id, prop, PROP_FALSE, 0)
  else if (value === undefined || value === null) writer.setProp(vnode.id, prop, PROP_NULL, 0)
  else if (typeof value === "number") writer.setProp(vnode.id, prop, PROP_NUMBER, ctx.strings.intern(String(value), writer))
  else writer.setProp(vnode.id, prop, PROP_STRING, ctx.strings.intern(String(value), writer))
}

function setStyle(ctx: RenderContext, id: number, previous: unknown, value: unknown): void {
  const writer = ctx.writer
  const strings = ctx.strings
  const prevObject = typeof previous === "object" && previous !== null ? previous as Record<string, unknown> : null
  const nextObject = typeof value === "object" && value !== null ? value as Record<string, unknown> : null
  if (nextObject === null || prevObject === null) {
    // A string style (or none) replaces the whole attribute.
    if (prevObject !== null || (typeof previous === "string" && previous !== "")) writer.removeAttr(id, strings.intern("style", writer))
    if (typeof value === "string" && value !== "") writer.setAttr(id, strings.intern("style", writer), strings.intern(value, writer))
    if (nextObject !== null) for (const key in nextObject) setStyleEntry(ctx, id, key, undefined, nextObject[key])
    return
  }
  for (const key in nextObject) {
    if (nextObject[key] !== prevObject[key]) setStyleEntry(ctx, id, key, prevObject[key], nextObject[key])
  }
  for (const key in prevObject) {
    if (!(key in nextObject)) setStyleEntry(ctx, id, key, prevObject[key], undefined)
  }
}

function setStyleEntry(ctx: RenderContext, id: number, key: string, previous: unknown, value: unknown): void {
  const name = cssName(key)
  const next = cssValue(name, value)
  if (next === cssValue(name, previous)) return
  const writer = ctx.writer
  if (next === null) writer.removeStyle(id, ctx.strings.intern(name, writer))
  else writer.setStyle(id, ctx.strings.intern(name, writer), ctx.strings.intern(next, writer))
}

/** Marks every string that `mountProps` would intern for these props (string-table sweep). */
export function markProps(ctx: RenderContext, props: Props): void {
  const strings = ctx.strings
  for (const name in props) {
    if (isReservedProp(name)) continue
    const value = props[name]
    if (isEventName(name)) {
      const type = eventType(name)
      if (type !== null) strings.mark(type)
    } else if (name === "class" || name === "className") {
      strings.mark("class")
      const cls = classString(value)
      if (cls !== null) strings.mark(cls)
    } else if (name === "style") {
      strings.mark("style")
      if (typeof value === "string") strings.mark(value)
      else if (typeof value === "object" && value !== null) {
        for (const key in value as Record<string, unknown>) {
          const css = cssName(key)
          strings.mark(css)
          const v = cssValue(css, (value as Record<string, unknown>)[key])
          if (v !== null) strings.mark(v)
        }
      }
    } else {
      strings.mark(name)
      if (PROPERTIES.has(name)) {
        if (typeof value === "string" || typeof value === "number") strings.mark(String(value))
      } else {
        const v = attrValue(value)
        if (v !== null) strings.mark(v)
      }
    }
  }
}
