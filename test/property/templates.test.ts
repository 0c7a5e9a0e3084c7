// @vitest-environment happy-dom
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Applier } from "../../src/dom/applier.ts"
import { ApplyError, MalformedPatchError, UnknownNodeError, type UnsafeValueError } from "../../protocol/errors.ts"
import { LANE_DEFAULT } from "../../protocol/lanes.ts"
import { EVENT_PREVENT_DEFAULT, Header, HEADER_WORDS, NS_HTML, TEMPLATE_ELEMENT, TEMPLATE_TEXT } from "../../protocol/opcodes.ts"
import { decodePatch } from "../../protocol/patch-reader.ts"
import { PatchWriter } from "../../protocol/patch-writer.ts"
import { h } from "../../workers/h.ts"
import { Renderer } from "../../workers/diff/renderer.ts"
import type { ElementProps } from "../../workers/element-props.ts"
import type { Child } from "../../workers/vnode.ts"

/**
 * Templates (workers/diff/templates.ts, DEFINE_TEMPLATE / CLONE_TEMPLATE): the template
 * path and the plain path give the same DOM, byte for byte, the same ids and the same
 * keyed node identity; malformed template ops are refused before any DOM call; a template
 * is checked as strictly as the ops it replaces.
 *
 *   SHUTTLE_FC_RUNS=2000 SHUTTLE_FC_SEED=… npx vitest run test/property/templates.test.ts
 */
const RUNS = Number(process.env.SHUTTLE_FC_RUNS ?? 200)
const SEED = Number(process.env.SHUTTLE_FC_SEED ?? 0x7e3)

function pipeline(templates: boolean) {
  const container = document.createElement("div")
  const listened = new Set<string>()
  const refused: UnsafeValueError[] = []
  const applier = new Applier(container, { listen: (t) => listened.add(t), unlisten: (t) => listened.delete(t) }, (e) => refused.push(e))
  const renderer = new Renderer(1, { templates })
  const ops = new Map<string, number>()
  return {
    container,
    applier,
    renderer,
    listened,
    refused,
    ops,
    render(view: Child): void {
      const buffer = renderer.render(() => view, LANE_DEFAULT, 0)
      if (buffer === null) return
      const sent = buffer.slice(0)
      for (const op of decodePatch(sent).ops) ops.set(op.op, (ops.get(op.op) ?? 0) + 1)
      renderer.acknowledge(applier.apply(sent), buffer)
    }
  }
}
type Pipeline = ReturnType<typeof pipeline>

// ---- rows of a few shapes, edited at random ------------------------------------------

interface RowSpec {
  readonly key: number
  readonly shape: number
  readonly texts: readonly string[]
  readonly flag: boolean
}
const TEXTS = ["", "a", "hello", "ü👍", "<&>", "42"]

/** Shapes of list rows: static ones (templates), one with a component-free style object and one with an input (never templates). */
function row(spec: RowSpec): Child {
  const [a, b, c] = spec.texts
  switch (spec.shape) {
    case 0:
      return h("tr", { key: spec.key, class: spec.flag ? "danger" : undefined },
        h("td", { class: "col-md-1" }, a),
        h("td", { class: "col-md-4" }, h("a", { class: "lbl", onClick: { msg: "select" } } as unknown as ElementProps, b)),
        h("td", { class: "col-md-1" }, h("a", { class: "remove", onClick: { msg: "remove", preventDefault: true } } as unknown as ElementProps, h("span", { class: "glyphicon", "aria-hidden": "true" }))),
        h("td", { class: "col-md-6" }))
    case 1:
      return h("li", { key: spec.key, title: a, "data-x": spec.flag },
        h("b", null, b), " and ", h("i", { hidden: spec.flag }, c), c)
    case 2:
      return h("li", { key: spec.key, style: spec.flag ? "color: red" : "" }, h("p", null, a, b), h("p", null, h("span", null)))
    case 3:
      return h("li", { key: spec.key, style: { color: spec.flag ? "red" : "blue" } }, h("p", null, a), h("p", null, b))
    default:
      return h("li", { key: spec.key }, h("input", { value: a, type: "text" }), h("span", null, b))
  }
}

const rowSpec = (key: number) => fc.record({
  key: fc.constant(key),
  shape: fc.integer({ min: 0, max: 4 }),
  texts: fc.array(fc.constantFrom(...TEXTS), { minLength: 3, maxLength: 3 }),
  flag: fc.boolean()
})

/** A step: the rows in order, with unique keys. */
const steps = fc.array(
  fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 14 }).chain((keys) => fc.tuple(...keys.map(rowSpec))),
  { minLength: 1, maxLength: 6 }
)

function view(rows: readonly RowSpec[]): Child {
  return h("table", { id: "t" }, h("tbody", null, rows.map(row)))
}

/** Ids in document order, and each node's event flags: must be the same on both paths. */
function idsAndEvents(p: Pipeline): string {
  const out: string[] = []
  const walker = document.createTreeWalker(p.container)
  for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
    const id = (n as unknown as Record<string, number>).__shuttleId
    if (p.applier.node(id) !== n) out.push(`!${id}`)
    out.push(`${id}:${p.applier.flagsFor("click", id)}`)
  }
  return out.join(" ") + " | " + [...p.listened].sort().join()
}

/** For each row element of the step, whether it is the same DOM node as the row with its key in the previous step. */
function identity(p: Pipeline, before: Map<string, Node>): string {
  const rows = p.container.querySelectorAll("tbody > *")
  let out = ""
  const now = new Map<string, Node>()
  rows.forEach((el, i) => {
    const key = String(i) + ":" + el.textContent
    now.set(key, el)
    out += before.get(key) === el ? "=" : "+"
  })
  before.clear()
  for (const [k, v] of now) before.set(k, v)
  return out
}

describe("templates: the template path equals the plain path", () => {
  it(`random row lists and edits (seed ${SEED}, ${RUNS} runs): same markup, ids, events and keyed node identity`, () => {
    let clones = 0
    fc.assert(
      fc.property(steps, (sequence) => {
        const withTemplates = pipeline(true)
        const plain = pipeline(false)
        const seenT = new Map<string, Node>()
        const seenP = new Map<string, Node>()
        for (let i = 0; i < sequence.length; i++) {
          withTemplates.render(view(sequence[i]))
          plain.render(view(sequence[i]))
          expect(withTemplates.container.innerHTML, `step ${i}`).toBe(plain.container.innerHTML)
          expect(idsAndEvents(withTemplates), `step ${i}`).toBe(idsAndEvents(plain))
          expect(identity(withTemplates, seenT), `step ${i}`).toBe(identity(plain, seenP))
          expect(withTemplates.applier.nodeCount).toBe(plain.applier.nodeCount)
          expect(withTemplates.renderer.tableSizes.liveNodes).toBe(withTemplates.applier.nodeCount)
          expect(withTemplates.renderer.tableSizes.strings).toBe(withTemplates.applier.stringCount)
        }
        expect(plain.ops.has("CLONE_TEMPLATE")).toBe(false)
        clones += withTemplates.ops.get("CLONE_TEMPLATE") ?? 0
      }),
      { seed: SEED, numRuns: RUNS }
    )
    // The generator does exercise the template path.
    expect(clones).toBeGreaterThan(RUNS)
  })

  it("1,000 jfb-like rows: one definition, 999 clones, the same DOM as plain ops", () => {
    const rows: RowSpec[] = Array.from({ length: 1000 }, (_, i) => ({ key: i + 1, shape: 0, texts: [String(i + 1), `label ${i}`, ""], flag: i === 3 }))
    const withTemplates = pipeline(true)
    const plain = pipeline(false)
    withTemplates.render(view(rows))
    plain.render(view(rows))
    // Row 4 (class "danger") is a shape seen once: plain ops, like the first row.
    expect(withTemplates.ops.get("DEFINE_TEMPLATE")).toBe(1)
    expect(withTemplates.ops.get("CLONE_TEMPLATE")).toBe(998)
    expect(withTemplates.container.innerHTML).toBe(plain.container.innerHTML)
    expect(idsAndEvents(withTemplates)).toBe(idsAndEvents(plain))
  })

  it("a throwing render rolls templates back with its strings: the next render defines them again", () => {
    const p = pipeline(true)
    const rows: RowSpec[] = Array.from({ length: 4 }, (_, i) => ({ key: i, shape: 1, texts: ["a", "b", "c"], flag: false }))
    expect(() => p.renderer.render(() => [view(rows), h("x", { onClick: "alert(1)" } as unknown as ElementProps)], LANE_DEFAULT, 0)).toThrow()
    p.render(view(rows))
    const plain = pipeline(false)
    plain.render(view(rows))
    expect(p.container.innerHTML).toBe(plain.container.innerHTML)
    expect(p.ops.get("DEFINE_TEMPLATE")).toBe(1)
  })
})

// ---- malformed template ops ------------------------------------------------------------

function list(write: (w: PatchWriter) => void, strings: readonly string[] = [], firstString = 0): ArrayBuffer {
  const w = new PatchWriter()
  w.begin(null, 1, 1, 0, 0)
  strings.forEach((s, i) => w.defineString(firstString + i, s))
  write(w)
  const buffer = w.finish()
  return buffer.slice(0, new Uint32Array(buffer, 0, HEADER_WORDS)[Header.ByteLength])
}

/** <div class=s1 onclick(flags 1)><b>slot</b>slot</div>: tag s0, class s1/s2, b s3, click s4. */
const BODY = [TEMPLATE_ELEMENT | (1 << 8) | (1 << 16), 2, 0, 1, 2, 4, EVENT_PREVENT_DEFAULT, TEMPLATE_ELEMENT, 1, 3, TEMPLATE_TEXT, TEMPLATE_TEXT]
const STRINGS = ["div", "class", "box", "b", "click", "one", "two"]

function clone(w: PatchWriter, template: number, parent: number, ref: number, slots: readonly number[]): void {
  const at = w.cloneTemplate(template, parent, ref, slots.length)
  slots.forEach((s, i) => w.setWord(at + i, s))
}

function env() {
  const container = document.createElement("div")
  const refused: UnsafeValueError[] = []
  const applier = new Applier(container, { listen() {}, unlisten() {} }, (e) => refused.push(e))
  const observer = new MutationObserver(() => undefined)
  observer.observe(container, { subtree: true, childList: true, attributes: true, characterData: true })
  return { container, applier, observer, refused }
}

describe("template ops: validation", () => {
  it("DEFINE then CLONE build the tree, its ids, texts and events", () => {
    const e = env()
    e.applier.apply(list((w) => {
      w.defineTemplate(0, BODY, BODY.length)
      clone(w, 0, 0, 0, [1, 2, 3, 4, 5, 6])
      clone(w, 0, 0, 1, [7, 8, 9, 10, 6, 5])
    }, STRINGS))
    expect(e.container.innerHTML).toBe('<div class="box"><b>two</b>one</div><div class="box"><b>one</b>two</div>')
    expect(e.applier.node(3)!.textContent).toBe("one")
    expect(e.applier.flagsFor("click", 7)).toBe(EVENT_PREVENT_DEFAULT | 0x80)
    expect(e.applier.nodeCount).toBe(8)
  })

  const cases: ReadonlyArray<readonly [string, (w: PatchWriter) => void]> = [
    ["an unknown template", (w) => clone(w, 1, 0, 0, [1, 2, 3, 4, 5, 6])],
    ["too few ids", (w) => { w.defineTemplate(0, BODY, BODY.length); clone(w, 0, 0, 0, [1, 2, 3, 5, 6]) }],
    ["too many ids", (w) => { w.defineTemplate(0, BODY, BODY.length); clone(w, 0, 0, 0, [1, 2, 3, 4, 5, 6, 6]) }],
    ["an id twice", (w) => { w.defineTemplate(0, BODY, BODY.length); clone(w, 0, 0, 0, [1, 2, 2, 4, 5, 6]) }],
    ["an id in use", (w) => { w.createText(3, 5); w.defineTemplate(0, BODY, BODY.length); clone(w, 0, 0, 0, [1, 2, 3, 4, 5, 6]) }],
    ["id 0", (w) => { w.defineTemplate(0, BODY, BODY.length); clone(w, 0, 0, 0, [0, 2, 3, 4, 5, 6]) }],
    ["an undefined text", (w) => { w.defineTemplate(0, BODY, BODY.length); clone(w, 0, 0, 0, [1, 2, 3, 4, 5, 99]) }],
    ["a ref that is not a child", (w) => { w.createText(9, 5); w.defineTemplate(0, BODY, BODY.length); clone(w, 0, 0, 9, [1, 2, 3, 4, 5, 6]) }],
    ["a text parent", (w) => { w.createText(9, 5); w.defineTemplate(0, BODY, BODY.length); clone(w, 0, 9, 0, [1, 2, 3, 4, 5, 6]) }],
    ["a template defined twice", (w) => { w.defineTemplate(0, BODY, BODY.length); w.defineTemplate(0, BODY, BODY.length) }],
    ["a template id out of range", (w) => w.defineTemplate(256, BODY, BODY.length)],
    ["a body cut short", (w) => w.defineTemplate(0, BODY, BODY.length - 1)],
    ["a body with words after its tree", (w) => w.defineTemplate(0, [...BODY, TEMPLATE_TEXT], BODY.length + 1)],
    ["a text root", (w) => w.defineTemplate(0, [TEMPLATE_TEXT], 1)],
    ["an undefined tag", (w) => w.defineTemplate(0, [TEMPLATE_ELEMENT, 0, 77], 3)],
    ["an attribute name the DOM refuses", (w) => w.defineTemplate(0, [TEMPLATE_ELEMENT | (1 << 8), 0, 0, 7, 2], 5)],
    ["an unknown node kind", (w) => w.defineTemplate(0, [3, 0, 0], 3)],
    ["a namespace out of range", (w) => w.defineTemplate(0, [TEMPLATE_ELEMENT | (3 << 2), 0, 0], 3)],
    ["event flags out of range", (w) => w.defineTemplate(0, [TEMPLATE_ELEMENT | (1 << 16), 0, 0, 4, 0x80], 5)]
  ]
  for (const [name, write] of cases) {
    it(`refuses ${name} before any DOM call`, () => {
      const e = env()
      e.applier.apply(list((w) => { w.createElement(20, 0, NS_HTML); w.append(0, 20) }, [...STRINGS, "bad tag"]))
      e.observer.takeRecords()
      const html = e.container.innerHTML
      const bad = list(write, [])
      let error: unknown = null
      try {
        e.applier.apply(bad)
      } catch (caught) {
        error = caught
      }
      expect(error instanceof MalformedPatchError || error instanceof UnknownNodeError, String(error)).toBe(true)
      expect(e.observer.takeRecords()).toHaveLength(0)
      expect(e.container.innerHTML).toBe(html)
      expect(e.applier.nodeCount).toBe(1)
      // The next valid list applies: nothing of the refused one (its template) was kept.
      e.applier.apply(list((w) => { w.defineTemplate(0, BODY, BODY.length); clone(w, 0, 20, 0, [1, 2, 3, 4, 5, 6]) }))
      expect(e.container.innerHTML).toBe('<div><div class="box"><b>one</b>two</div></div>')
    })
  }

  it("a template is checked as its ops would be: on… and javascript: attributes and script elements are refused", () => {
    const e = env()
    const strings = ["div", "onclick", "alert(1)", "a", "href", "javascript:alert(1)", "script", "title", "ok"]
    const body = [
      TEMPLATE_ELEMENT | (2 << 8), 3, 0, 1, 2, 7, 8,
      TEMPLATE_ELEMENT | (1 << 8), 0, 3, 4, 5,
      TEMPLATE_ELEMENT, 1, 6, TEMPLATE_TEXT,
      TEMPLATE_TEXT
    ]
    e.applier.apply(list((w) => {
      w.defineTemplate(0, body, body.length)
      clone(w, 0, 0, 0, [1, 2, 3, 4, 5, 8, 8])
      clone(w, 0, 0, 0, [11, 12, 13, 14, 15, 8, 8])
    }, strings))
    expect(e.container.innerHTML).toBe('<div title="ok"><a></a><template>ok</template>ok</div>'.repeat(2))
    expect(e.container.querySelector("script")).toBeNull()
    // Once when the template is built; happy-dom moves a <template>'s appended children into its
    // content, so this template is built node by node for each clone too (Template.clonable).
    expect([...new Set(e.refused.map((r) => `${r.kind} ${r.tag} ${r.attribute}`))].sort()).toEqual(["attribute a href", "attribute div onclick", "element script "])
  })

  it("every truncation and bit flip of a list with DEFINE and CLONE: applied or refused typed, DOM untouched", () => {
    const good = list((w) => {
      w.defineTemplate(0, BODY, BODY.length)
      clone(w, 0, 0, 0, [1, 2, 3, 4, 5, 6])
      clone(w, 0, 0, 1, [7, 8, 9, 10, 6, 5])
    }, STRINGS)
    const check = (bytes: ArrayBuffer) => {
      const e = env()
      try {
        e.applier.apply(bytes)
      } catch (error) {
        if (!(error instanceof MalformedPatchError || error instanceof UnknownNodeError || error instanceof ApplyError)) throw error
        if (!(error instanceof ApplyError)) {
          expect(e.observer.takeRecords()).toHaveLength(0)
          expect(e.container.innerHTML).toBe("")
          expect(e.applier.nodeCount).toBe(0)
        }
      }
      // Whatever happened, the good list applies to a fresh applier.
      env().applier.apply(good.slice(0))
    }
    for (let cut = 0; cut < good.byteLength; cut += 4) check(good.slice(0, cut))
    const random = fc.sample(fc.tuple(fc.nat(good.byteLength * 8 - 1), fc.nat(good.byteLength * 8 - 1)), { seed: SEED, numRuns: 400 })
    for (const [a, b] of random) {
      const bytes = new Uint8Array(good.slice(0))
      bytes[a >> 3] ^= 1 << (a & 7)
      bytes[b >> 3] ^= 1 << (b & 7)
      check(bytes.buffer)
    }
  })
})
