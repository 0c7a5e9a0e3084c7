// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { InvalidVNodeError } from "../../workers/errors.ts"
import { Fragment, h } from "../../workers/h.ts"
import { jsx } from "../../workers/jsx-runtime.ts"
import { VNODE_ELEMENT, VNODE_TEXT } from "../../workers/vnode.ts"
import { createPipeline } from "../_util/pipeline.ts"

describe("h()", () => {
  it("flattens arrays, turns numbers into text and drops null, undefined and booleans", () => {
    const vnode = h("p", null, "a", [1, [null, "b"]], false, undefined, true, 2n)
    expect(vnode.kind).toBe(VNODE_ELEMENT)
    expect(vnode.children.map((c) => [c.kind, c.text])).toEqual([[VNODE_TEXT, "a"], [VNODE_TEXT, "1"], [VNODE_TEXT, "b"], [VNODE_TEXT, "2"]])
  })

  it("children given as arguments win over children in the props, even a null one", () => {
    expect(h("div", { children: "x" } as never, null).children).toEqual([])
    expect(h("div", { children: "x" } as never).children.map((c) => c.text)).toEqual(["x"])
  })

  it("takes the key out of the props", () => {
    const vnode = h("li", { key: 7, class: "x" })
    expect(vnode.key).toBe(7)
    expect(vnode.props).toEqual({ class: "x" })
  })

  it("rejects a child that is not renderable with InvalidVNodeError naming the value and the parent", () => {
    const bad = () => h("ul", null, { label: "not a vnode" } as never)
    expect(bad).toThrow(InvalidVNodeError)
    try {
      bad()
    } catch (error) {
      expect((error as InvalidVNodeError).parent).toBe("ul")
      expect((error as Error).message).toContain('{"label":"not a vnode"}')
    }
    expect(() => h("div", null, (() => 1) as never)).toThrow(/a function/)
  })
})

describe("JSX runtime (jsxImportSource: shuttle)", () => {
  it("renders elements, fragments, components, keys and text like h()", () => {
    const Item = (props: { label: string }) => <li class="item">{props.label}</li>
    const viaJsx = (
      <>
        <ul>
          {["a", "b"].map((label) => <Item key={label} label={label} />)}
        </ul>
        <p>
          count: {3}
        </p>
      </>
    )
    const viaH = h(Fragment, null, h("ul", null, ["a", "b"].map((label) => h(Item, { key: label, label }))), h("p", null, "count: ", 3))
    const a = createPipeline()
    a.render(viaJsx)
    const b = createPipeline()
    b.render(viaH)
    expect(a.container.innerHTML).toBe('<ul><li class="item">a</li><li class="item">b</li></ul><p>count: 3</p>')
    expect(a.container.innerHTML).toBe(b.container.innerHTML)
  })

  it("an element's children in its props never become an attribute, on mount or patch, with or without templates", () => {
    const row = (n: number) => <tr class={n % 2 === 0 ? "even" : undefined}><td class="id">{n}</td><td><a class="lbl">{`label ${n}`}</a></td></tr>
    const table = (from: number) => <table><tbody>{[0, 1, 2].map((i) => row(from + i))}</tbody></table>
    const pipeline = createPipeline()
    pipeline.render(table(0))
    pipeline.render(table(1))
    const expected = '<table><tbody><tr><td class="id">1</td><td><a class="lbl">label 1</a></td></tr><tr class="even"><td class="id">2</td><td><a class="lbl">label 2</a></td></tr><tr><td class="id">3</td><td><a class="lbl">label 3</a></td></tr></tbody></table>'
    expect(pipeline.container.innerHTML).toBe(expected)
    // Many rows: the template path (a repeated shape) takes the same props.
    const many = createPipeline()
    many.render(<table><tbody>{Array.from({ length: 40 }, (_, i) => row(i))}</tbody></table>)
    expect(many.container.innerHTML).not.toContain("children")
    expect(many.container.querySelectorAll("tr").length).toBe(40)
  })

  it("puts the key on the vnode and never in the props, whether given beside the props or spread in them; an element keeps JSX's props object", () => {
    const Item = (props: { label: string }) => <li>{props.label}</li>
    const keyed = <Item key="k1" label="x" />
    expect(keyed.key).toBe("k1")
    expect(keyed.props).toEqual({ label: "x" })
    const element = <li key={3} class="c">text</li>
    expect(element.key).toBe(3)
    // An element's props are JSX's, children included (as React's): kept, not copied.
    expect(element.props).toEqual({ class: "c", children: "text" })
    const spread = { key: "s", title: "t" }
    const fromSpread = <li {...spread} />
    expect(fromSpread.key).toBe("s")
    expect(fromSpread.props).toEqual({ title: "t" })
    const unkeyed = <li class="c" />
    expect(unkeyed.key).toBeNull()
    // Not copied: the props object JSX built is the vnode's (one allocation less per element).
    const props = { class: "c", children: "x" }
    expect(jsx("li", props).props).toBe(props)
  })
})
