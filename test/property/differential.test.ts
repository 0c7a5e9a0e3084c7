// @vitest-environment happy-dom
import fc from "fast-check"
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { Fragment, h } from "../../workers/h.ts"
import type { ElementProps } from "../../workers/element-props.ts"
import type { Child } from "../../workers/vnode.ts"
import { createPipeline } from "../_util/pipeline.ts"

/**
 * Differential trees (Inferno's vnode fuzzer): random vnode trees rendered in sequence
 * through the whole pipeline (diff → encode → copy → decode → validate → apply), and after
 * every step the DOM must equal a fresh render of the same tree into a new container.
 *
 * Trees are generated as plain data (`Spec`) and turned into vnodes by `build`, so a
 * failing case prints as JSON and is saved as a fixture that replays without fast-check:
 *
 *   SHUTTLE_FC_RUNS=5000 SHUTTLE_FC_SEED=123 npx vitest run test/property/differential.test.ts
 *   SHUTTLE_SAVE_FIXTURES=1 …   writes the shrunk counterexample to test/property/fixtures/
 */

const RUNS = Number(process.env.SHUTTLE_FC_RUNS ?? 500)
const SEED = Number(process.env.SHUTTLE_FC_SEED ?? 0x5117)
// A path, not a URL: under happy-dom, `URL` is happy-dom's class, which node:fs refuses.
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures")

// ---- specs: trees as data ------------------------------------------------------------

type Key = string | number
type AttrValue = string | number | boolean | null
type ClassSpec = string | ReadonlyArray<string | null | false> | Readonly<Record<string, boolean>>
type StyleSpec = string | Readonly<Record<string, string | number | null>>
/** A message (a number: a string in an `on…` prop is refused, UnsafePropError), none, or a spec with flags. */
type HandlerSpec = number | null | { readonly msg: string; readonly preventDefault?: boolean; readonly stopPropagation?: boolean }
interface PropsSpec {
  readonly attrs?: Readonly<Record<string, AttrValue>>
  readonly class?: ClassSpec
  readonly style?: StyleSpec
  /** Event handlers by prop name (`onClick`): only their presence and flags reach the main thread. */
  readonly on?: Readonly<Record<string, HandlerSpec>>
}
type Spec =
  | { readonly t: "text"; readonly v: string | number }
  | { readonly t: "empty"; readonly v: null | false | true }
  | { readonly t: "el"; readonly tag: string; readonly key?: Key; readonly props: PropsSpec; readonly children: readonly Spec[] }
  | { readonly t: "input"; readonly key?: Key; readonly value?: string | number | null; readonly checked?: boolean | null }
  | { readonly t: "frag"; readonly key?: Key; readonly children: readonly Spec[] }
  /** A bare array: an unkeyed fragment. */
  | { readonly t: "array"; readonly children: readonly Spec[] }
  | { readonly t: "comp"; readonly c: ComponentName; readonly key?: Key; readonly text: string; readonly children: readonly Spec[] }
  /** One vnode object shared by every tree and every pipeline (a hoisted constant): the clone-on-reuse path. */
  | { readonly t: "hoisted"; readonly name: HoistedName }

/** Components are module constants: their identity is their type, stable across steps. */
const COMPONENTS = {
  Label: (props: { text: string }) => h("span", { class: "label" }, props.text),
  Box: (props: { text: string; children?: Child }) => h("section", { title: props.text }, props.children),
  Pair: (props: { text: string }) => [h("b", null, props.text), h("i", null, props.text)],
  Empty: () => null,
  // Renders a different type depending on its props: the component's output is replaced.
  Either: (props: { text: string; children?: Child }) => (props.text === "a" ? h("p", null, props.children) : `plain ${props.text}`)
}
type ComponentName = keyof typeof COMPONENTS

const HOISTED = {
  text: h("b", { class: "hoisted" }, "shared"),
  nested: h("div", { title: "hoisted" }, h("i", null, "a"), h(COMPONENTS.Label, { text: "h" }), "b")
}
type HoistedName = keyof typeof HOISTED

function buildProps(key: Key | undefined, props: PropsSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (key !== undefined) out.key = key
  if (props.attrs !== undefined) Object.assign(out, props.attrs)
  if (props.class !== undefined) out.class = props.class
  if (props.style !== undefined) out.style = props.style
  if (props.on !== undefined) Object.assign(out, props.on)
  return out
}

function build(spec: Spec): Child {
  switch (spec.t) {
    case "text":
    case "empty":
      return spec.v
    case "el":
      return h(spec.tag, buildProps(spec.key, spec.props) as ElementProps, ...spec.children.map(build))
    case "input": {
      const props: Record<string, unknown> = {}
      if (spec.key !== undefined) props.key = spec.key
      if (spec.value !== undefined) props.value = spec.value
      if (spec.checked !== undefined) props.checked = spec.checked
      return h("input", props as ElementProps)
    }
    case "frag":
      return h(Fragment, spec.key === undefined ? null : { key: spec.key }, ...spec.children.map(build))
    case "array":
      return spec.children.map(build)
    case "comp":
      return h(COMPONENTS[spec.c], spec.key === undefined ? { text: spec.text } : { key: spec.key, text: spec.text }, ...spec.children.map(build))
    case "hoisted":
      return HOISTED[spec.name]
  }
}

/** The root of every step is a div, so the tree under test is patched, not only the top list. */
function view(spec: readonly Spec[]): Child {
  return h("div", { id: "root" }, ...spec.map(build))
}

// ---- arbitraries ---------------------------------------------------------------------

const KEYS: readonly Key[] = ["a", "b", "c", "d", "e", "f", 1, "1"]
const TEXTS = ["", "a", "b", "hello", "ü", "👍🏽", "<&>", " "]
const HTML_TAGS = ["div", "span", "p", "ul", "li", "b"]
const SVG_TAGS = ["g", "circle", "rect"]

const text: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({ t: fc.constant("text" as const), v: fc.constantFrom(...TEXTS) }),
  fc.record({ t: fc.constant("text" as const), v: fc.constantFrom(0, 7, -1.5) }),
  fc.record({ t: fc.constant("empty" as const), v: fc.constantFrom(null, false, true) })
)

const attrs = fc.dictionary(
  fc.constantFrom("id", "title", "data-x", "aria-label", "hidden"),
  fc.oneof(fc.constantFrom<AttrValue>("x", "y", "", "ü👍", true, false, null), fc.constantFrom(0, 1)),
  { maxKeys: 3 }
)
const classSpec: fc.Arbitrary<ClassSpec> = fc.oneof(
  fc.constantFrom("x", "y z", ""),
  fc.array(fc.constantFrom<string | null | false>("x", "y", null, false), { maxLength: 3 }),
  fc.record({ x: fc.boolean(), y: fc.boolean() }, { requiredKeys: [] })
)
const styleSpec: fc.Arbitrary<StyleSpec> = fc.oneof(
  fc.constantFrom("color: red", "width: 5px", ""),
  fc.record(
    {
      color: fc.constantFrom("red", "blue", null),
      width: fc.constantFrom<string | number | null>(0, 10, "5em", null),
      opacity: fc.constantFrom(0.5, 1),
      marginTop: fc.constantFrom(3, "1em"),
      "--gap": fc.constantFrom("1", "2px")
    },
    { requiredKeys: [] }
  )
)
const handlers = fc.dictionary(
  fc.constantFrom("onClick", "onInput", "onKeyDown"),
  fc.constantFrom<HandlerSpec>(1, null, { msg: "m", preventDefault: true }, { msg: "m", stopPropagation: true }, { msg: "m", preventDefault: true, stopPropagation: true }),
  { maxKeys: 2 }
)
const props: fc.Arbitrary<PropsSpec> = fc.record({ attrs, class: classSpec, style: styleSpec, on: handlers }, { requiredKeys: [] })

/** Children lists: unkeyed, all keyed, or mixed; keys are unique among siblings. */
function childList(child: fc.Arbitrary<Spec>, keyable: fc.Arbitrary<Spec>): fc.Arbitrary<Spec[]> {
  const keyed = fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), keyable), { selector: ([key]) => key, maxLength: 5, depthIdentifier: depth })
    .map((pairs) => pairs.map(([key, node]) => ({ ...node, key }) as Spec))
  const mixed = fc.array(fc.tuple(fc.option(fc.constantFrom(...KEYS), { nil: undefined }), keyable), { maxLength: 5, depthIdentifier: depth }).map((pairs) => {
    const seen = new Set<Key>()
    return pairs.map(([key, node]) => {
      if (key === undefined || seen.has(key)) return node
      seen.add(key)
      return { ...node, key } as Spec
    })
  })
  return fc.oneof(recursive, fc.array(child, { maxLength: 4, depthIdentifier: depth }), keyed, mixed)
}

/** One depth counter for the whole tree, so nesting through any path is bounded. */
const depth = fc.createDepthIdentifier()
const recursive = { depthSize: "small", maxDepth: 7, depthIdentifier: depth, withCrossShrink: true } as const

const trees = fc.letrec<{ node: Spec; keyable: Spec; children: Spec[]; svg: Spec; svgChild: Spec; svgElement: Spec; svgChildren: Spec[] }>((tie) => ({
  node: fc.oneof(
    recursive,
    text,
    tie("keyable"),
    fc.record({ t: fc.constant("array" as const), children: tie("children") }),
    fc.record({ t: fc.constant("hoisted" as const), name: fc.constantFrom<HoistedName>("text", "nested") })
  ),
  keyable: fc.oneof(
    recursive,
    fc.record({ t: fc.constant("el" as const), tag: fc.constantFrom(...HTML_TAGS), props, children: tie("children") }),
    fc.record(
      { t: fc.constant("input" as const), value: fc.constantFrom<string | number | null>("", "a", "ü", 0, 5, null), checked: fc.constantFrom<boolean | null>(true, false, null) },
      { requiredKeys: ["t"] }
    ),
    fc.record({ t: fc.constant("frag" as const), children: tie("children") }),
    fc.record({ t: fc.constant("comp" as const), c: fc.constantFrom(...(Object.keys(COMPONENTS) as ComponentName[])), text: fc.constantFrom("a", "b"), children: tie("children") }),
    tie("svg")
  ),
  children: childList(tie("node"), tie("keyable")),
  svg: fc.record({ t: fc.constant("el" as const), tag: fc.constant("svg"), props, children: tie("svgChildren") }),
  svgChild: fc.oneof(recursive, text, tie("svgElement")),
  svgElement: fc.oneof(
    recursive,
    fc.record({ t: fc.constant("el" as const), tag: fc.constantFrom(...SVG_TAGS), props, children: tie("svgChildren") }),
    // Back to HTML inside foreignObject.
    fc.record({ t: fc.constant("el" as const), tag: fc.constant("foreignObject"), props, children: tie("children") })
  ),
  svgChildren: childList(tie("svgChild"), tie("svgElement"))
}))

const tree = trees.children.map(uniqueKeys)

/**
 * Sequences of 2–6 trees. Independent trees rarely share deep structure, so half the
 * sequences are edits of one tree: each step rebuilds the previous tree with some
 * subtrees swapped for other random subtrees and some child lists shuffled.
 */
const independent = fc.array(tree, { minLength: 2, maxLength: 6 })
const edited = fc.tuple(tree, fc.array(fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), fc.array(trees.node, { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 5 }))
  .map(([first, edits]) => {
    const steps: Spec[][] = [first]
    for (const [choices, replacements] of edits) steps.push(uniqueKeys(edit(steps[steps.length - 1], choices, replacements)))
    return steps
  })
const sequences = fc.oneof(independent, edited)

/** Rebuilds `list`, driven by `choices` (cycled): keep, replace with a replacement, shuffle, drop, or recurse. */
function edit(list: readonly Spec[], choices: readonly number[], replacements: readonly Spec[]): Spec[] {
  let at = 0
  const next = () => choices[at++ % choices.length]
  const editList = (items: readonly Spec[], depth: number): Spec[] => {
    // Edit the existing items first: recursing into an inserted subtree could insert forever.
    const out = items.map((item) => editNode(item, depth))
    switch (next() % 5) {
      case 1: out.reverse(); break
      case 2: if (out.length > 0) out.splice(next() % out.length, 1); break
      case 3: if (out.length > 1) { const [moved] = out.splice(next() % out.length, 1); out.splice(next() % out.length, 0, moved) } break
      case 4: out.splice(out.length === 0 ? 0 : next() % (out.length + 1), 0, replacements[next() % replacements.length]); break
    }
    return out
  }
  const editNode = (spec: Spec, depth: number): Spec => {
    const choice = next() % 4
    if (choice === 0) {
      // Keep the slot's key, so sibling keys stay unique; an unkeyed node is always safe.
      const replacement = replacements[next() % replacements.length]
      const key = "key" in spec ? spec.key : undefined
      if (key === undefined || replacement.t === "text" || replacement.t === "empty" || replacement.t === "array" || replacement.t === "hoisted") return replacement
      return { ...replacement, key } as Spec
    }
    if (choice === 3) return spec
    if (spec.t === "el" && next() % 2 === 0) {
      // Props change on a kept element: take another element's props, or drop one group.
      const donor = replacements.find((r) => r.t === "el")
      const drop = (["attrs", "class", "style", "on"] as const)[next() % 4]
      const { [drop]: _, ...rest } = spec.props
      const props = donor !== undefined && donor.t === "el" && next() % 2 === 0 ? donor.props : rest
      return { ...spec, props, children: editList(spec.children, depth + 1) }
    }
    if (spec.t === "input") {
      const values = ["", "a", "b", 5, null, undefined] as const
      const checks = [true, false, null, undefined] as const
      return { t: "input", key: spec.key, value: values[next() % values.length], checked: checks[next() % checks.length] }
    }
    switch (spec.t) {
      case "el":
      case "frag":
      case "array":
      case "comp":
        return { ...spec, children: editList(spec.children, depth + 1) } as Spec
      default:
        return spec
    }
  }
  return editList(list, 0)
}

/**
 * Makes keys unique among siblings as the diff sees them: `h` flattens nested arrays into
 * the parent's list, so the keys inside an "array" spec are siblings of the keys around it.
 * A repeated key is dropped (the node becomes unkeyed), which keeps the tree valid after
 * generation and after edits.
 */
function uniqueKeys(list: readonly Spec[]): Spec[] {
  const seen = new Set<Key>()
  const level = (items: readonly Spec[]): Spec[] => items.map((spec) => {
    if (spec.t === "array") return { ...spec, children: level(spec.children) }
    let out: Spec = spec
    if ("key" in spec && spec.key !== undefined) {
      if (seen.has(spec.key)) {
        const { key: _, ...rest } = spec
        out = rest as Spec
      } else seen.add(spec.key)
    }
    return "children" in out ? ({ ...out, children: uniqueKeys(out.children) } as Spec) : out
  })
  return level(list)
}

// ---- comparing DOMs ------------------------------------------------------------------

/**
 * The container's markup with attributes sorted and style declarations sorted. Attribute
 * order is not part of the DOM's meaning (an attribute added by a patch comes after the
 * ones set at creation, as in every renderer), so it is the only thing normalized;
 * text node boundaries, tags, namespaces and values all count.
 */
function canonical(node: Node): string {
  if (node.nodeType === 3) return JSON.stringify((node as Text).data)
  const el = node as Element
  const attrs = [...el.attributes].map((a) => {
    let value = a.value
    if (a.name === "style") value = value.split(";").map((d) => d.trim()).filter((d) => d !== "").sort().join("; ")
    return `${a.name}=${JSON.stringify(value)}`
  }).sort()
  const ns = el.namespaceURI === "http://www.w3.org/1999/xhtml" ? "" : ` {${el.namespaceURI}}`
  const children = [...el.childNodes].map(canonical).join("")
  return `<${el.localName}${ns}${attrs.length > 0 ? " " + attrs.join(" ") : ""}>${children}</${el.localName}>`
}

/**
 * `value` and `checked` are properties: they do not show in innerHTML. Only HTML inputs:
 * an `input` that edits moved under `<svg>` is an SVG element, where they are mere expandos.
 */
function formState(container: Element): string {
  const inputs = [...container.querySelectorAll("input")].filter((i) => i.namespaceURI === "http://www.w3.org/1999/xhtml")
  return JSON.stringify(inputs.map((i) => [i.value, i.checked]))
}

/** Event flags the applier holds for each element, in document order. */
function eventState(pipeline: ReturnType<typeof createPipeline>): string {
  const out: string[] = []
  for (const el of pipeline.container.querySelectorAll("*")) {
    const id = (el as unknown as Record<string, number>).__shuttleId
    out.push(["click", "input", "keydown"].map((type) => pipeline.applier.flagsFor(type, id)).join(","))
  }
  return `${out.join(" ")} listening: ${[...pipeline.listened].sort().join(",")}`
}

/** Renders the steps in sequence and checks every step against a fresh render; returns a failure message or null. */
function runSteps(steps: readonly Spec[][]): string | null {
  const pipeline = createPipeline()
  for (let i = 0; i < steps.length; i++) {
    pipeline.render(view(steps[i]))
    const fresh = createPipeline()
    fresh.render(view(steps[i]))
    const actual = canonical(pipeline.container)
    const expected = canonical(fresh.container)
    if (actual !== expected) return `step ${i}: DOM after patching differs from a fresh render\n  patched: ${actual}\n  fresh:   ${expected}`
    if (formState(pipeline.container) !== formState(fresh.container)) {
      return `step ${i}: input value/checked differ\n  patched: ${formState(pipeline.container)}\n  fresh:   ${formState(fresh.container)}`
    }
    if (eventState(pipeline) !== eventState(fresh)) {
      return `step ${i}: event flags differ\n  patched: ${eventState(pipeline)}\n  fresh:   ${eventState(fresh)}`
    }
    // The applier's table holds exactly the nodes in the container, and agrees with the worker.
    let domNodes = 0
    const walker = document.createTreeWalker(pipeline.container)
    for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
      domNodes++
      const id = (n as unknown as Record<string, number>).__shuttleId
      if (pipeline.applier.node(id) !== n) return `step ${i}: DOM node ${canonical(n)} is not in the applier's table under its id ${id}`
    }
    if (pipeline.applier.nodeCount !== domNodes) return `step ${i}: applier holds ${pipeline.applier.nodeCount} nodes, the container ${domNodes}`
    const sizes = pipeline.renderer.tableSizes
    if (sizes.liveNodes !== domNodes) return `step ${i}: the worker counts ${sizes.liveNodes} live nodes, the container has ${domNodes}`
    if (sizes.strings !== pipeline.applier.stringCount) return `step ${i}: the worker holds ${sizes.strings} strings, the applier ${pipeline.applier.stringCount}`
  }
  return null
}

/** One step per line: small diffs when a fixture is edited by hand. */
function formatFixture(fixture: Fixture): string {
  return `{\n  "description": ${JSON.stringify(fixture.description)},\n  "steps": [\n${fixture.steps.map((step) => "    " + JSON.stringify(step)).join(",\n")}\n  ]\n}\n`
}

/** A short stable name for a case. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0
  return hash.toString(16).padStart(8, "0")
}

function fixtureFiles(): string[] {
  return existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((f) => f.endsWith(".json")).sort() : []
}

interface Fixture {
  readonly description: string
  readonly steps: Spec[][]
}

// ---- tests ---------------------------------------------------------------------------

describe("differential: patching equals a fresh render", () => {
  it(`random tree sequences (seed ${SEED}, ${RUNS} runs)`, () => {
    const details = fc.check(
      fc.property(sequences, (steps) => {
        const failure = runSteps(steps)
        if (failure !== null) throw new Error(failure)
      }),
      { seed: SEED, numRuns: RUNS }
    )
    if (details.failed) {
      const steps = details.counterexample![0]
      if (process.env.SHUTTLE_SAVE_FIXTURES === "1") {
        mkdirSync(FIXTURES, { recursive: true })
        const file = join(FIXTURES, `seed-${SEED}-${fnv1a(JSON.stringify(steps))}.json`)
        const fixture: Fixture = { description: `shrunk counterexample (seed ${SEED}): ${String(details.errorInstance).split("\n")[0]}`, steps }
        writeFileSync(file, formatFixture(fixture))
      }
      expect.fail(`${String(details.errorInstance)}\n\n${fc.defaultReportMessage(details)}\n\nsteps as JSON:\n${JSON.stringify(steps)}`)
    }
  }, 600_000)

  it("the generator yields keyed lists, fragments, components, svg, handlers and inputs", () => {
    // Guards the property above against a generator that silently lost a feature.
    const seen = new Set<string>()
    const visit = (spec: Spec): void => {
      seen.add(spec.t === "el" ? (spec.tag === "svg" || spec.tag === "foreignObject" ? spec.tag : "el") : spec.t)
      if ("key" in spec && spec.key !== undefined) seen.add("keyed")
      if (spec.t === "el" && spec.props.style !== undefined && typeof spec.props.style === "object") seen.add("style object")
      if (spec.t === "el" && spec.props.on !== undefined && Object.keys(spec.props.on).length > 0) seen.add("handlers")
      if (spec.t === "el" || spec.t === "frag" || spec.t === "array" || spec.t === "comp") spec.children.forEach(visit)
    }
    for (const steps of fc.sample(sequences, { seed: SEED, numRuns: 200 })) steps.flat().forEach(visit)
    expect([...seen].sort()).toEqual(["array", "comp", "el", "empty", "foreignObject", "frag", "handlers", "hoisted", "input", "keyed", "style object", "svg", "text"])
  })
})

describe("differential fixtures (shrunk failures, replayed)", () => {
  const files = fixtureFiles()
  it("there are fixtures to replay", () => {
    expect(files.length).toBeGreaterThan(0)
  })
  for (const file of files) {
    it(file, () => {
      const fixture = JSON.parse(readFileSync(join(FIXTURES, file), "utf8")) as Fixture
      expect(runSteps(fixture.steps), fixture.description).toBeNull()
    })
  }
})
