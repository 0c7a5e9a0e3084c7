import type { ShuttleEvent } from "../protocol/messages.ts"
import type { Child, Key } from "./vnode.ts"

/**
 * Typed props of elements, for JSX and `h()`: event handlers, `class`, `style`, form
 * properties and attributes. Types only: nothing here exists at run time.
 *
 * @since 0.1.0
 */

/**
 * Where an app declares its messages, once, so that every handler in JSX and `h()` is
 * checked against them (JSX has no type parameter to carry them):
 *
 * ```ts
 * declare module "shuttle-ui/worker" {
 *   interface Register { msg: Msg }
 * }
 * ```
 *
 * The messages are the union of the members' types, so a project that typechecks several
 * programs together registers each under its own name (`table: TableMsg`, `chat: ChatMsg`);
 * their handlers then accept any of those messages. With nothing registered, handlers
 * take any message but a string (see `Handler`).
 *
 * @since 0.1.0
 * @category registry
 */
export interface Register {}

/**
 * The messages registered in `Register`: the union of its members' types, or `unknown`
 * when nothing is registered.
 *
 * @since 0.1.0
 * @category registry
 */
export type RegisteredMsg = keyof Register extends never ? unknown : Register[keyof Register]

/**
 * A handler with flags the main thread applies synchronously, since the worker cannot do it
 * in time. The runtime tells a spec from a message by its `handler`, `preventDefault` or
 * `stopPropagation` key, so a spec has a handler or a flag: `{ msg }` alone would be
 * dispatched as the message `{ msg }` itself.
 *
 * @since 0.1.0
 * @category handlers
 */
export type HandlerSpec<Msg = RegisteredMsg> =
  | {
    readonly handler: HandlerFunction<Msg>
    readonly preventDefault?: boolean
    readonly stopPropagation?: boolean
  }
  | { readonly msg?: Msg; readonly preventDefault: boolean; readonly stopPropagation?: boolean }
  | { readonly msg?: Msg; readonly preventDefault?: boolean; readonly stopPropagation: boolean }

/**
 * A function from the event to a message; `undefined` (or no return) dispatches nothing.
 *
 * @since 0.1.0
 * @category handlers
 */
export type HandlerFunction<Msg = RegisteredMsg> = (event: ShuttleEvent) => Msg | undefined | void

/**
 * An `onXxx` prop: the message itself (any message but a string: a string in an `on…`
 * prop is refused, as it would be script in HTML), a function from the event to a
 * message, or a `HandlerSpec`; `false`, `null` and `undefined` mean no handler. With
 * `Msg` unknown (nothing registered, or `h<unknown>`), any message but a string.
 *
 * @since 0.1.0
 * @category handlers
 * @example
 * h("button", { onClick: { type: "inc" } }, "+")
 * h("input", { onInput: (e) => ({ type: "typed", text: e.value ?? "" }) })
 * h("form", { onSubmit: { msg: { type: "save" }, preventDefault: true } })
 */
export type Handler<Msg = RegisteredMsg> =
  | (unknown extends Msg ? AnyMessage : Exclude<Msg, string>)
  | HandlerFunction<Msg>
  | HandlerSpec<Msg>
  | false
  | null
  | undefined

/** A message of unknown type given directly as a handler: anything but a string. */
type AnyMessage = object | number | bigint | boolean

/**
 * The events the runtime delivers, as props (`onClick` handles `click`; the prop name
 * lowercased is the DOM event type, and `onDoubleClick` is `dblclick`). The main thread
 * listens once per type on the root's container: bubbling events, plus the non-bubbling
 * ones it listens for in the capture phase (focus, blur, mouse and pointer enter/leave,
 * load, error, scroll, toggle). Others that do not bubble (media events such as `play`,
 * `invalid`, dialog `close`) would never arrive, so they are not here.
 *
 * @since 0.1.0
 * @category handlers
 */
export type EventHandlerName =
  // Mouse and pointer
  | "onClick" | "onDblClick" | "onDoubleClick" | "onAuxClick" | "onContextMenu"
  | "onMouseDown" | "onMouseUp" | "onMouseMove" | "onMouseOver" | "onMouseOut" | "onMouseEnter" | "onMouseLeave"
  | "onPointerDown" | "onPointerUp" | "onPointerMove" | "onPointerOver" | "onPointerOut" | "onPointerEnter"
  | "onPointerLeave" | "onPointerCancel" | "onGotPointerCapture" | "onLostPointerCapture"
  | "onWheel" | "onScroll"
  | "onTouchStart" | "onTouchMove" | "onTouchEnd" | "onTouchCancel"
  | "onDrag" | "onDragStart" | "onDragEnd" | "onDragEnter" | "onDragLeave" | "onDragOver" | "onDrop"
  // Keyboard, text and forms
  | "onKeyDown" | "onKeyUp" | "onKeyPress"
  | "onInput" | "onBeforeInput" | "onChange" | "onSubmit" | "onReset" | "onSelect" | "onSelectStart"
  | "onCompositionStart" | "onCompositionUpdate" | "onCompositionEnd"
  | "onCopy" | "onCut" | "onPaste"
  // Focus
  | "onFocus" | "onBlur" | "onFocusIn" | "onFocusOut"
  // Resources, details, animations
  | "onLoad" | "onError" | "onToggle"
  | "onAnimationStart" | "onAnimationIteration" | "onAnimationEnd" | "onAnimationCancel"
  | "onTransitionRun" | "onTransitionStart" | "onTransitionEnd" | "onTransitionCancel"

/**
 * Every `EventHandlerName` as an optional `Handler<Msg>` prop.
 *
 * @since 0.1.0
 * @category handlers
 */
export type EventHandlers<Msg = RegisteredMsg> = { readonly [Name in EventHandlerName]?: Handler<Msg> }

/**
 * `class` / `className`: a string, an array (nested, with falsy items skipped), or
 * `{ name: boolean }`.
 *
 * @since 0.1.0
 * @category attributes
 */
export type ClassValue =
  | string
  | false
  | null
  | undefined
  | ReadonlyArray<ClassValue>
  | { readonly [name: string]: boolean | null | undefined }

/** A CSS value: numbers get `px` except for unitless properties; `null`/`undefined` remove it. */
export type CSSValue = string | number | null | undefined

/**
 * camelCase CSS property names, taken from the DOM lib's CSSStyleDeclaration when the
 * program has it (any name when it has not, as in a WebWorker-only lib). Looked up through
 * `globalThis` so that the type does not fail to resolve without the DOM lib.
 */
type CSSPropertyName = typeof globalThis extends { readonly CSSStyleDeclaration: { readonly prototype: infer Declaration } }
  ? Exclude<{ [K in keyof Declaration]: Declaration[K] extends string ? K : never }[keyof Declaration], number | symbol | "cssText" | "cssFloat">
  : string

/**
 * A `style` object: camelCase properties (`fontSize`), kebab-case ones (`"font-size"`) and
 * custom properties (`"--gap"`).
 *
 * @since 0.1.0
 * @category attributes
 */
export type CSSProperties =
  & { readonly [Name in CSSPropertyName]?: CSSValue }
  & { readonly [name: `${string}-${string}`]: CSSValue }

/**
 * `style`: a string (the whole attribute) or a `CSSProperties` object.
 *
 * @since 0.1.0
 * @category attributes
 */
export type StyleValue = string | CSSProperties | null | undefined

/**
 * Any other prop is an attribute: `true` sets it empty; `false`, `null` and `undefined`
 * remove it; other values are written as strings.
 *
 * @since 0.1.0
 * @category attributes
 */
export type AttributeValue = string | number | boolean | null | undefined

/**
 * Props of an element, in JSX and `h()`. Handlers, `class`, `style`, the form properties
 * and `key` are typed; any other name is an attribute. Every `on…` name is a handler,
 * whatever its case (the runtime never writes it as an attribute).
 *
 * One index signature must admit every typed prop, so a name not listed here accepts
 * any of their types; the typed names themselves are checked exactly.
 *
 * @since 0.1.0
 * @category attributes
 */
export interface ElementProps<Msg = RegisteredMsg> extends EventHandlers<Msg> {
  /** Identifies the element among its siblings: unique among them. */
  readonly key?: Key | null
  readonly children?: Child
  readonly class?: ClassValue
  readonly className?: ClassValue
  readonly style?: StyleValue
  /** The DOM property, for form controls (compared with what the user typed). */
  readonly value?: string | number | null
  readonly checked?: boolean | null
  readonly selected?: boolean | null
  readonly indeterminate?: boolean | null
  readonly muted?: boolean | null
  /** `on…` in any case (`onclick`, `ONCLICK`) is a handler too: the runtime never writes it as an attribute. */
  readonly [handler: `${"o" | "O"}${"n" | "N"}${string}`]: Handler<Msg>
  readonly [attribute: string]: AttributeValue | Handler<Msg> | ClassValue | StyleValue | Child
}
