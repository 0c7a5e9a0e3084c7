// @vitest-environment happy-dom
import * as Effect from "effect/Effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { InspectNode, InspectNodeInfo, InspectTree } from "../../protocol/inspect.ts"
import { StateError } from "../../protocol/errors.ts"
import { NODE_ID } from "../../src/dom/node-table.ts"
import type { CommitStats } from "../../src/index.ts"
import { ErrorBoundary } from "../../workers/components/error-boundary.ts"
import type { ComponentSelf } from "../../workers/components/instance.ts"
import { Suspense } from "../../workers/components/suspense.ts"
import { h } from "../../workers/h.ts"
import { summarize, summarizeProps } from "../../workers/runtime/inspect.ts"
import { type Child, type Component, isVNode, type VNode, VNODE_COMPONENT, VNODE_ELEMENT, VNODE_FRAGMENT, VNODE_TEXT } from "../../workers/vnode.ts"
import { mountProgram, useRoots } from "../_util/harness.ts"

/**
 * The worker side of devtools (workers/runtime/inspect.ts) through a whole root: the tree
 * `root.inspect({ q: "tree" })` answers is the tree the view returned (differential, over
 * random keyed edits), memoized components and boundaries showing fallbacks are marked,
 * `node` finds the components above a DOM node, and profiling puts per-component counts
 * on commits only while it is on.
 */
const { mount } = useRoots()

const SEED = 20261130
const RUNS = 200

// --- the differential test's app ------------------------------------------------------

/** One entry of the random list: which of the shapes below renders it, with which label. */
interface Item {
  readonly key: number
  readonly shape: number
  readonly label: string
}
type Model = readonly Item[]

function Row(props: { readonly label: string }): Child {
  return h("li", { class: "row", title: props.label }, props.label)
}
/** Returns an array: a fragment in the tree. */
function Pair(props: { readonly label: string }): Child {
  return [h("b", null, props.label), props.label, null, [h("i", null, "x")]]
}
/** A component rendering a component. */
function Wrap(props: { readonly label: string }): Child {
  return h(Row, { label: props.label + "!" })
}
/** Renders nothing for some labels: an empty fragment in the tree. */
function Maybe(props: { readonly label: string }): Child {
  return props.label === "a" ? null : h("span", null, props.label)
}
const COMPONENTS: readonly Component[] = [Row, Pair, Wrap, Maybe]
/** Shapes past the components are plain elements. */
const SHAPES = COMPONENTS.length + 2

function itemView(item: Item): VNode {
  if (item.shape < COMPONENTS.length) return h(COMPONENTS[item.shape] as Component<{ label: string }>, { key: item.key, label: item.label })
  if (item.shape === COMPONENTS.length) return h("li", { key: item.key, class: "plain" }, item.label)
  return h("p", { key: item.key }, h("em", null, item.label), item.label)
}
const listView = (model: Model) => h("ul", { id: "list" }, model.map(itemView))

/** What a tree node is made of, without ids and props. */
interface Shape {
  readonly kind: string
  readonly name: string
  readonly key: string | number | null
  readonly text?: string
  readonly children: readonly Shape[]
}

/**
 * The tree the view returned, with each component's output in place of the component,
 * normalized as the diff does (arrays are fragments, nothing is an empty fragment), computed
 * here without the renderer.
 */
function expectedShape(vnode: VNode): Shape {
  switch (vnode.kind) {
    case VNODE_ELEMENT:
      return { kind: "element", name: vnode.type as string, key: vnode.key, children: vnode.children.map(expectedShape) }
    case VNODE_TEXT:
      return { kind: "text", name: "#text", key: null, text: vnode.text, children: [] }
    case VNODE_FRAGMENT:
      return { kind: "fragment", name: "#fragment", key: vnode.key, children: vnode.children.map(expectedShape) }
    case VNODE_COMPONENT: {
      const type = vnode.type as Component
      const output = type(vnode.props, null as unknown as ComponentSelf)
      return { kind: "component", name: type.name, key: vnode.key, children: [expectedShape(asOne(output))] }
    }
  }
  throw new Error(`unknown vnode kind ${vnode.kind}`)
}

function asOne(child: Child): VNode {
  if (Array.isArray(child)) return fragmentOf(flatten(child))
  const one = asVNode(child)
  return one ?? fragmentOf([])
}

function flatten(children: readonly Child[]): VNode[] {
  const out: VNode[] = []
  for (const child of children) {
    if (Array.isArray(child)) out.push(...flatten(child))
    else {
      const one = asVNode(child)
      if (one !== null) out.push(one)
    }
  }
  return out
}

function asVNode(child: Child): VNode | null {
  if (typeof child === "string" || typeof child === "number") return { kind: VNODE_TEXT, text: String(child), key: null, children: [] } as unknown as VNode
  if (isVNode(child)) return child
  return null
}

function fragmentOf(children: VNode[]): VNode {
  return { kind: VNODE_FRAGMENT, key: null, children } as unknown as VNode
}

function shapeOf(node: InspectNode): Shape {
  const shape: Shape = { kind: node.kind, name: node.name, key: node.key, children: node.children.map(shapeOf) }
  return node.text === undefined ? shape : { ...shape, text: node.text }
}

/** Every node of the answer, depth first. */
function allNodes(nodes: readonly InspectNode[], out: InspectNode[] = []): InspectNode[] {
  for (const node of nodes) {
    out.push(node)
    allNodes(node.children, out)
  }
  return out
}

/** The page's nodes by the worker's id. */
function domById(container: Element): Map<number, Node> {
  const byId = new Map<number, Node>()
  const visit = (node: Node) => {
    const id = (node as unknown as Record<string, unknown>)[NODE_ID]
    if (typeof id === "number") byId.set(id, node)
    node.childNodes.forEach(visit)
  }
  container.childNodes.forEach(visit)
  return byId
}

const item = fc.record({ key: fc.integer({ min: 0, max: 15 }), shape: fc.integer({ min: 0, max: SHAPES - 1 }), label: fc.constantFrom("a", "b", "c", "long label") })

/**
 * One edit of the list: which items stay (most do, so memoized skips happen), which
 * change their label or shape, which move, and new ones inserted. Applied by `edit`,
 * deterministically, so a shrunk case replays as printed.
 */
const editStep = fc.record({
  keep: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 16 }),
  moves: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
  added: fc.array(fc.tuple(fc.nat(), item), { maxLength: 4 })
})
type Edit = typeof editStep extends fc.Arbitrary<infer E> ? E : never

function edit(model: Model, step: Edit): Model {
  const out: Item[] = []
  for (let i = 0; i < model.length; i++) {
    const roll = step.keep[i] ?? 0
    if (roll === 9) continue // removed
    if (roll === 8) out.push({ ...model[i], label: model[i].label === "a" ? "b" : "a" })
    else if (roll === 7) out.push({ ...model[i], shape: (model[i].shape + 1) % SHAPES })
    else out.push(model[i])
  }
  for (const [from, to] of step.moves) {
    if (out.length < 2) break
    const [moved] = out.splice(from % out.length, 1)
    out.splice(to % (out.length + 1), 0, moved)
  }
  for (const [at, added] of step.added) {
    if (out.some((entry) => entry.key === added.key)) continue
    out.splice(at % (out.length + 1), 0, added)
  }
  return out
}

describe("inspect: the tree", () => {
  it(`equals what the view returned after random keyed edits (seed ${SEED}, ${RUNS} runs), with DOM ids of the page's nodes and memo marks exactly where props were equal`, async () => {
    let memoSeen = 0
    await fc.assert(
      fc.asyncProperty(fc.array(editStep, { minLength: 1, maxLength: 6 }), async (edits) => {
        const mounted = mountProgram({ init: [] as Model, update: (_: Model, next: Model) => next, view: listView })
        try {
          await mounted.root.flush()
          let previous: Model = []
          for (let step = 0; step < edits.length; step++) {
            const model = edit(previous, edits[step])
            mounted.root.dispatch(model)
            await mounted.root.flush()
            const tree = await mounted.root.inspect({ q: "tree" }) as InspectTree
            const where = `step ${step}: ${JSON.stringify(model)}`
            expect(tree.truncated, where).toBe(false)
            expect(tree.children.map(shapeOf), where).toEqual([expectedShape(listView(model))])
            const nodes = allNodes(tree.children)
            expect(tree.count, where).toBe(nodes.length)
            // Every element and text is the page's node of that id.
            const dom = domById(mounted.container)
            const withIds = nodes.filter((node) => node.kind === "element" || node.kind === "text")
            expect(withIds.length, where).toBe(dom.size)
            for (const node of withIds) {
              const shown = dom.get(node.id!)
              expect(shown, `${where}: node ${node.id}`).toBeDefined()
              if (node.kind === "element") expect((shown as Element).tagName.toLowerCase(), where).toBe(node.name)
              else expect(shown!.textContent, where).toBe(node.text)
            }
            // memo: exactly the items whose key kept its component and label (equal props).
            const items = tree.children[0].children
            for (let i = 0; i < model.length; i++) {
              const before = previous.find((entry) => entry.key === model[i].key)
              const skipped = model[i].shape < COMPONENTS.length && before !== undefined && before.shape === model[i].shape && before.label === model[i].label
              expect(items[i].memo === true, `${where}: item ${model[i].key}`).toBe(skipped)
              if (skipped) memoSeen++
              // Wrap's Row is not reached when Wrap is skipped, and changes whenever Wrap renders.
              if (model[i].shape === 2) expect(items[i].children[0].memo, where).toBeUndefined()
            }
            previous = model
          }
        } finally {
          await mounted.cleanup()
        }
      }),
      { seed: SEED, numRuns: RUNS }
    )
    // The generator does exercise the memoized path.
    expect(memoSeen).toBeGreaterThan(RUNS)
  }, 120_000)

  it("marks an ErrorBoundary and a Suspense showing their fallbacks, and ones showing their children", async () => {
    const Boom = (props: { readonly fail: boolean }) => {
      if (props.fail) throw new Error("boom")
      return h("p", null, "fine")
    }
    const Pending = (_: object, self: ComponentSelf) => h("p", null, self.read("never", Effect.never) as string)
    const Ready = (_: object, self: ComponentSelf) => h("p", null, self.read("ready", Effect.succeed("ready")))
    const { root } = mount({
      init: false,
      update: (_: boolean, fail: boolean) => fail,
      view: (fail: boolean) => h("main", null,
        h(ErrorBoundary, { key: "eb", fallback: (error: unknown) => h("p", { class: "fallback" }, String(error)) }, h(Boom, { fail })),
        h(Suspense, { key: "pending", fallback: h("p", null, "loading") }, h(Pending, {})),
        h(Suspense, { key: "ready", fallback: "loading" }, h(Ready, {})))
    })
    await root.flush()
    const boundaries = async () => {
      const tree = await root.inspect({ q: "tree" }) as InspectTree
      return allNodes(tree.children).filter((node) => node.boundary !== undefined).map((node) => ({ key: node.key, name: node.name, boundary: node.boundary, showingFallback: node.showingFallback }))
    }
    // The resolved resource settles after the first commit: wait for its boundary to show it.
    for (let i = 0; i < 50 && (await boundaries())[2].showingFallback !== false; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(await boundaries()).toEqual([
      { key: "eb", name: "ErrorBoundary", boundary: "error", showingFallback: false },
      { key: "pending", name: "Suspense", boundary: "suspense", showingFallback: true },
      { key: "ready", name: "Suspense", boundary: "suspense", showingFallback: false }
    ])
    root.dispatch(true)
    await root.flush()
    const [errorBoundary] = await boundaries()
    expect(errorBoundary).toEqual({ key: "eb", name: "ErrorBoundary", boundary: "error", showingFallback: true })
    const tree = await root.inspect({ q: "tree" }) as InspectTree
    const eb = allNodes(tree.children).find((node) => node.boundary === "error")!
    // The fallback's element is what the boundary holds now.
    expect(eb.children.map(shapeOf)).toEqual([{ kind: "element", name: "p", key: null, children: [{ kind: "text", name: "#text", key: null, text: "Error: boom", children: [] }] }])
  })

  it("summarizes props as capped plain data: functions, handler specs, long strings, depth, odd values", async () => {
    function onPick() {
      return { type: "pick" }
    }
    const Card = (props: { readonly title: string; readonly data: unknown; readonly render: () => string }) =>
      h<unknown>("button", { onClick: { msg: { type: "open", id: 7 }, preventDefault: true }, onKeyDown: onPick, onFocus: { type: "focus" } }, props.title)
    const long = "x".repeat(500)
    const { root } = mount({
      init: 0,
      update: (n: number) => n,
      view: () => h(Card, { key: "k", title: long, data: { a: { b: { c: { d: 1 } } }, list: Array.from({ length: 30 }, (_, i) => i), map: new Map([[1, 2]]), big: 10n, when: new Date(0), nan: NaN }, render: () => "r" })
    })
    await root.flush()
    const tree = await root.inspect({ q: "tree" }) as InspectTree
    const card = tree.children[0]
    expect(card.name).toBe("Card")
    expect(card.props.title).toBe("x".repeat(120) + "…")
    expect(card.props.render).toBe("ƒ render")
    const data = card.props.data as Record<string, unknown>
    expect(data.a).toEqual({ b: { c: "{…}" } })
    expect((data.list as unknown[]).length).toBe(21)
    expect((data.list as unknown[])[20]).toBe("… 10 more")
    expect(data.map).toBe("Map(1)")
    expect(data.big).toBe("10n")
    expect(data.when).toBe("1970-01-01T00:00:00.000Z")
    expect(data.nan).toBe("NaN")
    const button = card.children[0]
    expect(button.props).toEqual({ onClick: { type: "open", id: 7 }, onKeyDown: "ƒ onPick", onFocus: { type: "focus" } })
    // The summarizers alone: a cyclic value and a throwing getter do not break an answer.
    const cyclic: Record<string, unknown> = { name: "loop" }
    cyclic.self = cyclic
    expect(summarize(cyclic)).toEqual({ name: "loop", self: { name: "loop", self: { name: "loop", self: "{…}" } } })
    expect(summarizeProps({ get bad(): never { throw new Error("no") } }, false)).toEqual({ bad: "⚠ unreadable" })
  })

  it("stops at the node limit and says so", async () => {
    const { root } = mount({ init: 100, update: (n: number) => n, view: (n: number) => h("ul", null, Array.from({ length: n }, (_, i) => h("li", { key: i }, String(i)))) })
    await root.flush()
    const whole = await root.inspect({ q: "tree" }) as InspectTree
    expect(whole).toMatchObject({ count: 201, truncated: false })
    const cut = await root.inspect({ q: "tree", limit: 10 }) as InspectTree
    expect(cut.count).toBe(10)
    expect(cut.truncated).toBe(true)
    expect(allNodes(cut.children).length).toBe(10)
  })

  it("refuses a query it does not know, with what to ask instead", async () => {
    const { root } = mount({ init: 0, update: (n: number) => n, view: () => h("p", null, "x") })
    await root.flush()
    await expect(root.inspect({ q: "what" })).rejects.toThrow(StateError)
    await expect(root.inspect({ q: "what" })).rejects.toThrow(/q: "tree"/)
    await expect(root.inspect({ q: "node", id: "3" })).rejects.toThrow(/__shuttleId/)
  })
})

describe("inspect: a DOM node", () => {
  it("names the components from the root down to an element, and the element's own tag and props", async () => {
    const Inner = (props: { readonly n: number }) => h("div", null, h("span", { id: "target", class: "hit" }, String(props.n)))
    const Outer = (props: { readonly title: string; readonly n: number }) => h("section", null, h("h2", null, props.title), h(Inner, { key: "inner", n: props.n }))
    const { container, root } = mount({ init: 4, update: (n: number) => n, view: (n: number) => h("main", null, h(Outer, { key: "outer", title: "Panel", n })) })
    await root.flush()
    const span = container.querySelector("#target")!
    const id = (span as unknown as Record<string, number>)[NODE_ID]
    const info = await root.inspect({ q: "node", id }) as InspectNodeInfo
    expect(info).toEqual({
      id,
      kind: "element",
      name: "span",
      key: null,
      props: { id: "target", class: "hit" },
      components: [
        { name: "Outer", key: "outer", props: { title: "Panel", n: 4 } },
        { name: "Inner", key: "inner", props: { n: 4 } }
      ]
    })
    const text = span.firstChild!
    const textInfo = await root.inspect({ q: "node", id: (text as unknown as Record<string, number>)[NODE_ID] }) as InspectNodeInfo
    expect(textInfo).toMatchObject({ kind: "text", name: "#text", text: "4", components: [{ name: "Outer" }, { name: "Inner" }] })
    // Outside every component: no components.
    const main = container.querySelector("main")!
    expect(await root.inspect({ q: "node", id: (main as unknown as Record<string, number>)[NODE_ID] })).toMatchObject({ name: "main", components: [] })
    expect(await root.inspect({ q: "node", id: 99_999 })).toBeNull()
  })
})

describe("inspect: profiling", () => {
  interface Rows {
    readonly labels: readonly string[]
  }
  type RowsMsg = { readonly type: "set"; readonly at: number; readonly label: string } | { readonly type: "slow" }
  const Item = (props: { readonly label: string }) => h("li", null, props.label)
  const Header = (props: { readonly count: number }) => h("h1", null, String(props.count))
  const program = {
    init: { labels: ["a", "b", "c", "d", "e"] } as Rows,
    update: (model: Rows, msg: RowsMsg): Rows => {
      if (msg.type === "slow") {
        // Long enough to stand out from the other updates of the fold, whatever the clock's grain.
        const until = performance.now() + 5
        while (performance.now() < until) { /* busy */ }
        return { labels: [...model.labels] }
      }
      return { labels: model.labels.map((label, i) => (i === msg.at ? msg.label : label)) }
    },
    view: (model: Rows) => h("main", null, h(Header, { count: model.labels.length }), h("ul", null, model.labels.map((label, i) => h(Item, { key: i, label }))))
  }

  it("on: each commit carries the render and skip counts of its components and the slowest update; off: no profile field", async () => {
    const { root } = mount(program)
    await root.flush()
    const commits: CommitStats[] = []
    root.observeCommits((commit) => commits.push(commit))
    root.dispatch({ type: "set", at: 1, label: "B" })
    await root.flush()
    expect(commits.length).toBe(1)
    expect("profile" in commits[0]).toBe(false)

    expect(await root.inspect({ q: "profile", on: true })).toEqual({ profiling: true })
    expect((await root.inspect({ q: "tree" }) as InspectTree).profiling).toBe(true)
    commits.length = 0
    root.dispatch({ type: "set", at: 3, label: "D" })
    await root.flush()
    expect(commits.length).toBe(1)
    const profile = commits[0].profile!
    const byName = Object.fromEntries(profile.components.map((c) => [c.name, c]))
    // One Item's props changed: one render, four skips; the Header's props are equal.
    expect(byName.Item).toMatchObject({ renders: 1, skipped: 4 })
    expect(byName.Header).toMatchObject({ renders: 0, skipped: 1 })
    expect(byName.Item.ms).toBeGreaterThanOrEqual(0)
    expect(profile.slowestUpdate?.msg).toEqual({ type: "set", at: 3, label: "D" })

    // Several messages in one commit: the slow one is named.
    commits.length = 0
    root.dispatch({ type: "set", at: 0, label: "A" })
    root.dispatch({ type: "slow" })
    root.dispatch({ type: "set", at: 2, label: "C" })
    await root.flush()
    const last = commits[commits.length - 1].profile!
    expect(last.slowestUpdate?.msg).toEqual({ type: "slow" })
    expect(last.slowestUpdate!.ms).toBeGreaterThanOrEqual(4)
    // Only the two Items whose labels changed rendered; "slow" made a new array of equal labels.
    const items = commits.flatMap((commit) => commit.profile!.components.filter((c) => c.name === "Item"))
    expect(items.reduce((sum, c) => sum + c.renders, 0)).toBe(2)

    expect(await root.inspect({ q: "profile", on: false })).toEqual({ profiling: false })
    commits.length = 0
    root.dispatch({ type: "set", at: 4, label: "E" })
    await root.flush()
    expect(commits.length).toBe(1)
    expect("profile" in commits[0]).toBe(false)
  })

  it("counts every render of a mount: n rows, n renders", async () => {
    const { root } = mount({ ...program, init: { labels: [] } as Rows, update: (_: Rows, msg: RowsMsg) => msg.type === "set" ? { labels: Array.from({ length: msg.at }, (_, i) => `${msg.label}${i}`) } : { labels: [] } })
    await root.flush()
    await root.inspect({ q: "profile", on: true })
    const commits: CommitStats[] = []
    root.observeCommits((commit) => commits.push(commit))
    root.dispatch({ type: "set", at: 300, label: "row" })
    await root.flush()
    const components = commits.flatMap((commit) => commit.profile!.components)
    expect(components.filter((c) => c.name === "Item").reduce((sum, c) => sum + c.renders, 0)).toBe(300)
    expect(components.filter((c) => c.name === "Header").reduce((sum, c) => sum + c.renders, 0)).toBe(1)
  })
})
