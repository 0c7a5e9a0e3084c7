/**
 * Type tests of `h()`: typed like JSX (element props with the registered messages,
 * components' props checked), with `h<Msg>(…)` to name the messages for one call.
 */
import { describe, expect, expectTypeOf, it } from "vitest"
import { type Child, type ElementProps, ErrorBoundary, Fragment, h, Suspense, type VNode } from "shuttle-ui/worker"
import type { TestMsg } from "./register.ts"

const Row = (props: { label: string }): VNode => h("li", null, props.label)
const Empty = (): Child => null

function accepted(): VNode[] {
  return [
    h("button", { onClick: { type: "inc" }, class: ["a", { b: true }], style: { marginTop: 4 } }, "+"),
    h("input", { value: "a", onInput: (e) => ({ type: "typed", text: e.value ?? "" }) }),
    h("form", { onSubmit: { msg: { type: "saved" }, preventDefault: true } }),
    h("p", null, "a", 1, null, [h("b", null)]),
    h("p"),
    h<TestMsg>("button", { onClick: { type: "saved" } }),
    // Messages of any type but a string, with the event still inferred.
    h<unknown>("button", { onClick: 5, onKeyDown: (e) => e.key?.length }),
    h<number>("button", { onClick: 5 }),
    h(Row, { label: "a", key: 1 }),
    h(Empty, null),
    h(Fragment, null, h(Row, { label: "a" }), "text"),
    h(ErrorBoundary, { fallback: (_error, retry) => h("button", { onClick: retry }, "retry") }, h(Row, { label: "b" })),
    h(Suspense, { fallback: "…", delayMs: 100 }, h(Row, { label: "c" }))
  ]
}

function refused(): VNode[] {
  return [
    // @ts-expect-error: 5 is not a registered message
    h("div", { onClick: 5 }),
    // @ts-expect-error: a message that is not registered
    h("button", { onClick: { type: "incc" } }),
    // @ts-expect-error: not a message of the named type
    h<TestMsg>("button", { onClick: { type: "select", id: 1 } }),
    // @ts-expect-error: a string handler, even with messages of unknown type
    h<unknown>("button", { onClick: "inc" }),
    // @ts-expect-error: style is a string or an object
    h("p", { style: 12345 }),
    // @ts-expect-error: class is a string, an array or { name: boolean }
    h("p", { class: () => 1 }),
    // @ts-expect-error: a component's prop of the wrong type
    h(Row, { label: 1 }),
    // @ts-expect-error: an unknown prop of a component
    h(Row, { label: "a", colour: "red" }),
    // @ts-expect-error: null props for a component that requires some
    h(Row, null),
    // @ts-expect-error: no props for a component that requires some
    h(Row),
    // @ts-expect-error: a misspelt camelCase CSS property
    h("p", { style: { colr: "red" } }),
    // @ts-expect-error: Suspense's delayMs is a number
    h(Suspense, { fallback: "…", delayMs: "100" })
  ]
}

describe("h() types", () => {
  it("takes ElementProps for elements", () => {
    expectTypeOf(h<TestMsg>).toBeCallableWith("button", { onClick: { type: "inc" } })
    expectTypeOf<{ readonly onClick: { readonly type: "incc" } }>().not.toMatchTypeOf<ElementProps<TestMsg>>()
    expectTypeOf<{ readonly onClick: { readonly type: "inc" } }>().toMatchTypeOf<ElementProps<TestMsg>>()
  })

  it("builds the same vnodes as before: props pass through untouched", () => {
    const click = { type: "inc" } as const
    const vnode = h("button", { key: "k", onClick: click, "aria-label": "add" }, "+")
    expect(vnode.key).toBe("k")
    expect(vnode.props).toEqual({ onClick: click, "aria-label": "add" })
    expect(h(Row, { label: "a" }).props).toEqual({ label: "a" })
    expect(accepted()).toHaveLength(13)
    expect(typeof refused).toBe("function")
  })
})
