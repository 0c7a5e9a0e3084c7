/**
 * Type tests of JSX: what `npx tsc -p tsconfig.json` must accept and refuse. Each
 * `@ts-expect-error` fails the typecheck if its error goes away. The element checks live
 * in functions that are never called; the tests below them check that the run-time shapes
 * did not change (the types cost nothing at run time).
 */
import { describe, expect, expectTypeOf, it } from "vitest"
import {
  type Child,
  type ComponentSelf,
  ErrorBoundary,
  type Handler,
  lazy,
  type RegisteredMsg,
  type ShuttleEvent,
  Suspense,
  type VNode
} from "shuttle-ui/worker"
import type { TestMsg } from "./register.ts"

const Row = (props: { label: string; selected?: boolean }): VNode => <li class={{ selected: props.selected === true }}>{props.label}</li>
const Panel = (props: { title: string; children?: Child }) => <section><h2>{props.title}</h2>{props.children}</section>
const List = (props: { items: readonly string[] }): VNode[] => props.items.map((item) => <li key={item}>{item}</li>)
const Profile = (_: object, self: ComponentSelf<TestMsg>) => {
  expectTypeOf(self.dispatch).parameter(0).toEqualTypeOf<TestMsg>()
  return <p>profile</p>
}

function accepted(text: string, retry: () => void): VNode {
  return (
    <main id="app" data-testid="app" aria-label="app" tabindex={0} hidden={false} title={undefined}>
      {/* Handlers: a message, a function of the event, a spec with flags. */}
      <button type="button" onClick={{ type: "inc" }}>+</button>
      <input
        value={text}
        onInput={(e) => {
          expectTypeOf(e).toEqualTypeOf<ShuttleEvent>()
          return { type: "typed", text: e.value ?? "" }
        }}
        onKeyDown={(e) => (e.key === "Enter" ? { type: "saved" } : undefined)}
        onBlur={false}
        onFocus={null}
      />
      <form onSubmit={{ msg: { type: "saved" }, preventDefault: true }}>
        <a href="#" onClick={{ handler: (e) => ({ type: "typed", text: String(e.clientX) }), stopPropagation: true }}>a</a>
        <a href="#" onClick={{ preventDefault: true }}>nothing dispatched, default prevented</a>
      </form>
      {/* A side-effect-only handler (no message): ErrorBoundary's retry. */}
      <button onClick={retry}>retry</button>
      <div onPointerMove={(e) => ({ type: "typed", text: `${e.clientX},${e.clientY}` })} onDoubleClick={{ type: "inc" }} />
      {/* class: string, array (falsy items skipped), object. */}
      <p class="a b" className={["a", false, null, ["b"], { c: true, d: undefined }]} />
      {/* style: string, camelCase, kebab-case, custom properties; numbers get px. */}
      <p style="color: red" />
      <p style={{ color: "red", fontSize: 12, "font-weight": 700, "--gap": "4px", opacity: null }} />
      {/* Form properties. */}
      <input type="checkbox" checked={true} indeterminate={false} />
      <select><option value={1} selected>one</option></select>
      <video muted src="a.mp4" />
      {/* Attributes: string | number | boolean | null | undefined; SVG in camelCase. */}
      <svg viewBox="0 0 10 10" width={10}><path d="M0,0" stroke-width="2" /></svg>
      {/* Components: props checked, key allowed, children where declared. */}
      <Row label="a" key="a" />
      <Row label="b" selected />
      <Panel title="t"><Row label="c" /></Panel>
      <List items={["x", "y"]} />
      <Profile />
      <ErrorBoundary fallback={(error, again) => <button onClick={again}>{String(error)}</button>} onError={(error) => console.error(error)}>
        <Row label="d" />
      </ErrorBoundary>
      <Suspense fallback={<p>Loading…</p>} delayMs={100} minDurationMs={300}>
        <Row label="e" />
      </Suspense>
      <>{[1, "two", null, false, undefined, 3n]}</>
    </main>
  )
}

function refused(): VNode[] {
  return [
    // @ts-expect-error: a message that is not registered (a typo of "inc")
    <button onClick={{ type: "incc" }} />,
    // @ts-expect-error: a function returning a message that is not registered
    <input onInput={(e) => ({ type: "typed", txt: e.value })} />,
    // @ts-expect-error: a function returning a number
    <button onClick={() => 1} />,
    // @ts-expect-error: an unknown handler shape (`handle` is not `handler`)
    <button onClick={{ handle: () => ({ type: "inc" }) }} />,
    // @ts-expect-error: `{ msg }` without a flag: the runtime would dispatch `{ msg }` itself
    <button onClick={{ msg: { type: "inc" } }} />,
    // @ts-expect-error: a flag that is not a boolean
    <button onClick={{ msg: { type: "inc" }, preventDefault: "yes" }} />,
    // @ts-expect-error: a string in a handler prop (script in HTML; the runtime refuses it)
    <button onClick="alert(1)" />,
    // @ts-expect-error: any `on…` prop is a handler, whatever its case
    <button onclick="alert(1)" />,
    // @ts-expect-error: in any case
    <button ONCLICK="alert(1)" />,
    // @ts-expect-error: `on` alone too
    <button on="x" />,
    // @ts-expect-error: an unknown event name is still a handler prop
    <button onFoo="x" />,
    // @ts-expect-error: style is a string or an object
    <p style={12345} />,
    // @ts-expect-error: a misspelt camelCase CSS property
    <p style={{ colr: "red" }} />,
    // @ts-expect-error: a CSS value is a string or a number
    <p style={{ color: ["red"] }} />,
    // @ts-expect-error: class is a string, an array or { name: boolean }
    <p class={() => 1} />,
    // @ts-expect-error: class object values are booleans
    <p className={{ a: "yes" }} />,
    // @ts-expect-error: checked is a boolean
    <input checked="yes" />,
    // @ts-expect-error: value is a string or a number
    <input value={{ text: "a" }} />,
    // @ts-expect-error: a key is a string or a number
    <li key={{ id: 1 }} />,
    // @ts-expect-error: a component's prop of the wrong type
    <Row label={1} />,
    // @ts-expect-error: a component's missing prop
    <Row />,
    // @ts-expect-error: an unknown prop of a component
    <Row label="a" colour="red" />,
    // @ts-expect-error: children for a component that takes none
    <Row label="a">child</Row>,
    // @ts-expect-error: Suspense's delayMs is a number
    <Suspense fallback="…" delayMs="100" />,
    // @ts-expect-error: ErrorBoundary needs a fallback
    <ErrorBoundary><Row label="a" /></ErrorBoundary>,
    // @ts-expect-error: a function that is not a component (three parameters)
    <NotAComponent />
  ]
}

function NotAComponent(_a: object, _b: ComponentSelf, _c: number): VNode {
  return <p />
}

describe("JSX types", () => {
  it("registered messages type every handler", () => {
    expectTypeOf<TestMsg>().toMatchTypeOf<RegisteredMsg>()
    expectTypeOf<{ readonly type: "inc" }>().toMatchTypeOf<Handler>()
    expectTypeOf<{ readonly type: "incc" }>().not.toMatchTypeOf<Handler>()
    expectTypeOf<Handler<TestMsg>>().not.toMatchTypeOf<string>()
  })

  it("lazy components keep their props", () => {
    const Chart = lazy(async () => ({ default: Row }))
    expectTypeOf(Chart).parameter(0).toEqualTypeOf<{ label: string; selected?: boolean }>()
    const ok = <Chart label="a" />
    // @ts-expect-error: the lazy component's props are the loaded one's
    const wrong = <Chart label={2} />
    expect([ok, wrong].every((vnode) => vnode.type === Chart)).toBe(true)
  })

  it("props reach the vnode as written: the types cost nothing at run time", () => {
    const click = { type: "inc" } as const
    const spec = { msg: { type: "saved" }, preventDefault: true } as const
    const style = { fontSize: 12, "--gap": "4px" }
    const vnode = <button key={1} class={["a", { b: true }]} style={style} onClick={click} onSubmit={spec} data-x={1}>x</button>
    expect(vnode.key).toBe(1)
    expect(vnode.props).toEqual({ class: ["a", { b: true }], style, onClick: click, onSubmit: spec, "data-x": 1, children: "x" })
    expect(vnode.props.onClick).toBe(click)
    expect(typeof accepted).toBe("function")
    expect(typeof refused).toBe("function")
  })
})
