// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest"
import { Applier } from "../../src/dom/applier.ts"
import { UnsafeValueError } from "../../protocol/errors.ts"
import { Header, HEADER_WORDS, NS_HTML, NS_SVG, PROP_FALSE, PROP_NULL, PROP_NUMBER, PROP_STRING, PROP_TRUE } from "../../protocol/opcodes.ts"
import { PatchWriter } from "../../protocol/patch-writer.ts"

/**
 * The applier refuses every value that could run script (docs/safety.md), whatever the
 * patch list says, reports each refusal as an UnsafeValueError after the list is applied,
 * and applies the rest of the list. The lists are written by hand, as a buggy or hostile
 * worker could write them: nothing here goes through the worker's own checks.
 */

const SCRIPT = "top.__xss = (top.__xss || 0) + 1"

interface Vector {
  readonly tag: string
  readonly ns?: number
  readonly name: string
  readonly value: string
}

/** Event-handler attributes in any case, on the elements where they would fire. */
const HANDLER_VECTORS: Vector[] = [
  { tag: "button", name: "onclick", value: SCRIPT },
  { tag: "button", name: "ONCLICK", value: SCRIPT },
  { tag: "button", name: "OnClick", value: SCRIPT },
  { tag: "img", name: "onerror", value: SCRIPT },
  { tag: "svg", ns: NS_SVG, name: "onload", value: SCRIPT },
  { tag: "input", name: "onfocus", value: SCRIPT },
  { tag: "div", name: "onmouseover", value: SCRIPT },
  { tag: "animate", ns: NS_SVG, name: "onbegin", value: SCRIPT },
  { tag: "body", name: "onpageshow", value: SCRIPT },
  { tag: "div", name: "on", value: SCRIPT },
  { tag: "div", name: "onclick", value: "" },
  { tag: "iframe", name: "srcdoc", value: `<script>${SCRIPT}</script>` },
  { tag: "iframe", name: "SRCDOC", value: "<p>even harmless-looking html</p>" }
]

/** Script-scheme URLs, as OWASP's filter-evasion list writes them, in every URL attribute. */
const SCHEMES = [
  `javascript:${SCRIPT}`,
  `JaVaScRiPt:${SCRIPT}`,
  `  javascript:${SCRIPT}`,
  `\tjavascript:${SCRIPT}`,
  `java\tscript:${SCRIPT}`,
  `java\nscript:${SCRIPT}`,
  `java\rscript:${SCRIPT}`,
  `\u0000\u0001 javascript:${SCRIPT}`,
  `javascript\t:${SCRIPT}`,
  `vbscript:msgbox(1)`,
  `VBSCRIPT:msgbox(1)`,
  `data:text/html,<script>${SCRIPT}</script>`,
  `DATA:text/html;base64,PHNjcmlwdD50b3AuX194c3M9MTwvc2NyaXB0Pg==`,
  ` data:text/html,<script>${SCRIPT}</script>`,
  `data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="${SCRIPT}"/>`,
  `blob:http://localhost/0b9e3e0a-0000-4000-8000-000000000000`,
  `filesystem:http://localhost/temporary/x.html`
]
const URL_PLACES: Array<Pick<Vector, "tag" | "ns" | "name">> = [
  { tag: "a", name: "href" },
  { tag: "a", name: "HREF" },
  { tag: "iframe", name: "src" },
  { tag: "embed", name: "src" },
  { tag: "object", name: "data" },
  { tag: "form", name: "action" },
  { tag: "button", name: "formaction" },
  { tag: "input", name: "formAction" },
  { tag: "a", ns: NS_SVG, name: "href" },
  { tag: "a", ns: NS_SVG, name: "xlink:href" },
  { tag: "area", name: "href" },
  { tag: "blockquote", name: "cite" },
  { tag: "a", name: "ping" },
  { tag: "table", name: "background" },
  { tag: "object", name: "codebase" },
  { tag: "html", name: "manifest" }
]
const URL_VECTORS: Vector[] = URL_PLACES.flatMap((place) => SCHEMES.map((value) => ({ ...place, value })))
/** Script schemes are refused on media elements too; only blob: and SVG images pass there. */
const MEDIA_VECTORS: Vector[] = [
  { tag: "img", name: "src", value: `javascript:${SCRIPT}` },
  { tag: "video", name: "poster", value: ` JAVASCRIPT:${SCRIPT}` },
  { tag: "source", name: "src", value: `data:text/html,<script>${SCRIPT}</script>` },
  { tag: "image", ns: NS_SVG, name: "href", value: `vbscript:x` }
]
/** SVG animation that would set an href (or a handler) to a script URL. */
const ANIMATION_VECTORS: Vector[] = [
  { tag: "set", ns: NS_SVG, name: "attributeName", value: "href" },
  { tag: "animate", ns: NS_SVG, name: "attributeName", value: "xlink:href" },
  { tag: "animate", ns: NS_SVG, name: "attributeName", value: " HREF" },
  { tag: "set", ns: NS_SVG, name: "attributeName", value: "onclick" }
]
const ALL_VECTORS = [...HANDLER_VECTORS, ...URL_VECTORS, ...MEDIA_VECTORS, ...ANIMATION_VECTORS]

/** Values that must still be written. */
const SAFE: Vector[] = [
  { tag: "a", name: "href", value: "https://example.com/path?q=javascript:alert(1)#x" },
  { tag: "a", name: "href", value: "/relative/path" },
  { tag: "a", name: "href", value: "relative.html" },
  { tag: "a", name: "href", value: "#anchor" },
  { tag: "a", name: "href", value: "mailto:someone@example.com" },
  { tag: "a", name: "href", value: "tel:+15555550100" },
  { tag: "a", name: "href", value: "//example.com/x" },
  { tag: "a", name: "href", value: "myapp://open" },
  { tag: "a", name: "href", value: "jav&#x09;ascript:alert(1)" },
  { tag: "a", name: "href", value: "javascript-tutorial.html" },
  { tag: "a", name: "href", value: "data:image/png;base64,iVBORw0KGgo=" },
  { tag: "img", name: "src", value: "data:image/png;base64,iVBORw0KGgo=" },
  { tag: "img", name: "src", value: "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>" },
  { tag: "img", name: "src", value: "blob:http://localhost/0b9e3e0a-0000-4000-8000-000000000000" },
  { tag: "video", name: "src", value: "blob:http://localhost/0b9e3e0a-0000-4000-8000-000000000000" },
  { tag: "image", ns: NS_SVG, name: "href", value: "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>" },
  { tag: "form", name: "action", value: "/submit" },
  { tag: "iframe", name: "src", value: "https://example.com/embed" },
  { tag: "set", ns: NS_SVG, name: "attributeName", value: "opacity" },
  { tag: "div", name: "title", value: `javascript:${SCRIPT}` },
  { tag: "div", name: "data-onclick", value: SCRIPT },
  { tag: "div", name: "aria-label", value: "<img src=x onerror=alert(1)>" }
]

let commitId = 0

/** A root's applier, a string table that interns as the worker's does, and the refusals reported. */
function setup(onUnsafe?: (error: UnsafeValueError) => void) {
  const container = document.createElement("div")
  document.body.appendChild(container)
  const refused: UnsafeValueError[] = []
  const applier = new Applier(container, { listen() {}, unlisten() {} }, onUnsafe ?? ((error) => refused.push(error)))
  const ids = new Map<string, number>()
  let nextString = 1
  let nextNode = 1
  /** A list written by `write`, with `s(text)` interning strings and `n()` making node ids. */
  const apply = (write: (w: PatchWriter, s: (text: string) => number, n: () => number) => void): number => {
    const w = new PatchWriter()
    w.begin(null, 1, ++commitId, 0, 0)
    const s = (text: string): number => {
      let id = ids.get(text)
      if (id === undefined) {
        id = nextString++
        ids.set(text, id)
        w.defineString(id, text)
      }
      return id
    }
    write(w, s, () => nextNode++)
    const buffer = w.finish()
    return applier.apply(buffer.slice(0, new Uint32Array(buffer, 0, HEADER_WORDS)[Header.ByteLength]))
  }
  /** Forgets a string, as the worker's sweep does (its id may then be defined anew). */
  const free = (text: string): void => {
    const id = ids.get(text)!
    ids.delete(text)
    apply((w) => w.freeStrings([id], 1))
  }
  return { container, applier, refused, apply, free }
}

/** One element per vector, each with a safe attribute and a text child beside the vector, in one list. */
function renderVectors(env: ReturnType<typeof setup>, vectors: readonly Vector[]): Element[] {
  const ids: number[] = []
  env.apply((w, s, n) => {
    for (const v of vectors) {
      const id = n()
      ids.push(id)
      w.createElement(id, s(v.tag), v.ns ?? NS_HTML)
      w.setAttr(id, s("class"), s("before"))
      w.setAttr(id, s(v.name), s(v.value))
      w.setAttr(id, s("data-after"), s("yes"))
      const text = n()
      w.createText(text, s(`text of ${v.tag}`))
      w.append(id, text)
      w.append(0, id)
    }
  })
  return ids.map((id) => env.applier.node(id) as Element)
}

afterEach(() => {
  document.body.textContent = ""
})

describe("the applier refuses what could run script, and applies the rest of the list", () => {
  it(`refuses ${ALL_VECTORS.length} event-handler, srcdoc, script-URL and animation vectors, each reported once as UnsafeValueError`, () => {
    const env = setup()
    const elements = renderVectors(env, ALL_VECTORS)
    ALL_VECTORS.forEach((v, i) => {
      const el = elements[i]
      const label = `${v.tag} ${v.name}=${JSON.stringify(v.value)}`
      // Refused: the attribute is absent, under either spelling.
      expect(el.hasAttribute(v.name), label).toBe(false)
      expect(el.getAttributeNames().some((name) => name.toLowerCase() === v.name.toLowerCase()), label).toBe(false)
      // The rest of the list applied: the ops before and after on the same element, its child, its place.
      expect(el.getAttribute("class"), label).toBe("before")
      expect(el.getAttribute("data-after"), label).toBe("yes")
      expect(el.textContent, label).toBe(`text of ${v.tag}`)
      expect(el.parentNode, label).toBe(env.container)
      const error = env.refused[i]
      expect(error, label).toBeInstanceOf(UnsafeValueError)
      expect(error._tag).toBe("UnsafeValueError")
      expect({ kind: error.kind, tag: error.tag, attribute: error.attribute, value: error.value }, label)
        .toEqual({ kind: "attribute", tag: el.localName, attribute: v.name, value: v.value })
      expect(error.message, label).toContain("The rest of the commit applied")
    })
    expect(env.refused).toHaveLength(ALL_VECTORS.length)
    expect(env.container.childNodes).toHaveLength(ALL_VECTORS.length)
  })

  it(`writes ${SAFE.length} safe values: https, relative, #anchor, mailto:, tel:, other schemes, literal entities, image data: URLs, blob: and SVG images on media elements`, () => {
    const env = setup()
    const elements = renderVectors(env, SAFE)
    SAFE.forEach((v, i) => expect(elements[i].getAttribute(v.name), `${v.tag} ${v.name}`).toBe(v.value))
    expect(env.refused).toEqual([])
  })

  it("a refused URL removes the value it replaces: a link that was safe does not keep pointing where the model no longer says", () => {
    const env = setup()
    const [a] = renderVectors(env, [{ tag: "a", name: "href", value: "https://example.com/" }])
    const id = (a as unknown as { __shuttleId: number }).__shuttleId
    env.apply((w, s) => w.setAttr(id, s("href"), s(`javascript:${SCRIPT}`)))
    expect(a.hasAttribute("href")).toBe(false)
    expect(env.refused.map((e) => e.value)).toEqual([`javascript:${SCRIPT}`])
    env.apply((w, s) => w.setAttr(id, s("href"), s("/back")))
    expect(a.getAttribute("href")).toBe("/back")
  })

  it("script and base elements are never created: an inert template takes the id, and the list's ops on it still apply", () => {
    const env = setup()
    let ids: number[] = []
    let text = 0
    env.apply((w, s, n) => {
      ids = [n(), n(), n(), n(), n()]
      const [script, upper, svg, svgScript, base] = ids
      w.createElement(script, s("script"), NS_HTML)
      w.setAttr(script, s("src"), s("https://example.com/evil.js"))
      text = n()
      w.createText(text, s(SCRIPT))
      w.append(script, text)
      w.append(0, script)
      w.createElement(upper, s("SCRIPT"), NS_HTML)
      w.append(0, upper)
      w.createElement(svg, s("svg"), NS_SVG)
      w.createElement(svgScript, s("script"), NS_SVG)
      w.setAttr(svgScript, s("href"), s("https://example.com/evil.js"))
      w.append(svg, svgScript)
      w.append(0, svg)
      w.createElement(base, s("base"), NS_HTML)
      w.setAttr(base, s("href"), s("https://evil.example/"))
      w.append(0, base)
      const after = n()
      w.createElement(after, s("p"), NS_HTML)
      w.append(0, after)
    })
    expect(env.container.getElementsByTagName("script")).toHaveLength(0)
    expect(env.container.getElementsByTagNameNS("http://www.w3.org/2000/svg", "script")).toHaveLength(0)
    expect(env.container.getElementsByTagName("base")).toHaveLength(0)
    const stand = ids.map((id) => env.applier.node(id) as Element)
    expect(stand[0].localName).toBe("template")
    // Not a script: its src is a plain URL attribute on an inert element, and its text is text.
    expect(stand[0].getAttribute("src")).toBe("https://example.com/evil.js")
    expect(stand[0].parentNode).toBe(env.container)
    expect((env.applier.node(text) as Text).data).toBe(SCRIPT)
    expect(stand[3].localName).toBe("template")
    expect(stand[3].parentNode).toBe(stand[2])
    expect(env.container.lastElementChild!.localName).toBe("p")
    expect(env.refused.map((e) => [e.kind, e.tag])).toEqual([["element", "script"], ["element", "SCRIPT"], ["element", "script"], ["element", "base"]])
    expect(env.refused[0].message).toContain("inert <template>")
  })

  it("SET_PROP writes only the form-control properties: innerHTML, outerHTML, srcdoc, href, onclick… are refused", () => {
    const env = setup()
    let div = 0
    let input = 0
    let a = 0
    env.apply((w, s, n) => {
      div = n()
      input = n()
      a = n()
      w.createElement(div, s("div"), NS_HTML)
      w.createElement(input, s("input"), NS_HTML)
      w.createElement(a, s("a"), NS_HTML)
      w.append(0, div)
      w.append(0, input)
      w.append(0, a)
      w.setProp(div, s("innerHTML"), PROP_STRING, s(`<img src=x onerror="${SCRIPT}">`))
      w.setProp(div, s("outerHTML"), PROP_STRING, s("<script>1</script>"))
      w.setProp(div, s("onclick"), PROP_STRING, s(SCRIPT))
      w.setProp(div, s("textContent"), PROP_NUMBER, s("7"))
      w.setProp(a, s("href"), PROP_STRING, s(`javascript:${SCRIPT}`))
      w.setProp(div, s("hidden"), PROP_TRUE, 0)
      w.setProp(div, s("title"), PROP_NULL, 0)
      w.setProp(input, s("value"), PROP_STRING, s("kept"))
      w.setProp(input, s("checked"), PROP_TRUE, 0)
      w.setProp(input, s("disabled"), PROP_FALSE, 0)
    })
    const divEl = env.applier.node(div) as HTMLElement
    expect(divEl.innerHTML).toBe("")
    expect(divEl.hidden).toBe(false)
    expect((env.applier.node(a) as HTMLAnchorElement).getAttribute("href")).toBe(null)
    expect((env.applier.node(input) as HTMLInputElement).value).toBe("kept")
    expect((env.applier.node(input) as HTMLInputElement).checked).toBe(true)
    expect(env.refused.map((e) => [e.kind, e.tag, e.attribute, e.value])).toEqual([
      ["property", "div", "innerHTML", `<img src=x onerror="${SCRIPT}">`],
      ["property", "div", "outerHTML", "<script>1</script>"],
      ["property", "div", "onclick", SCRIPT],
      ["property", "div", "textContent", "7"],
      ["property", "a", "href", `javascript:${SCRIPT}`],
      ["property", "div", "hidden", "true"],
      ["property", "div", "title", "null"],
      ["property", "input", "disabled", "false"]
    ])
  })

  it("text is always text: markup-looking CREATE_TEXT and SET_TEXT become text nodes, never elements", () => {
    const env = setup()
    const markup = [`<img src=x onerror="${SCRIPT}">`, `<script>${SCRIPT}</script>`, "<svg onload=alert(1)>", "&lt;b&gt;&#x3C;i>", "]]><!--"]
    let texts: number[] = []
    env.apply((w, s, n) => {
      texts = markup.map((m) => {
        const id = n()
        w.createText(id, s(m))
        w.append(0, id)
        return id
      })
    })
    expect(env.container.children).toHaveLength(0)
    expect(env.container.textContent).toBe(markup.join(""))
    env.apply((w, s) => w.setText(texts[0], s("<b>bold?</b>")))
    expect(env.container.children).toHaveLength(0)
    expect(env.container.firstChild!.nodeValue).toBe("<b>bold?</b>")
    expect(env.refused).toEqual([])
  })

  it("decides once per string id, and again when the worker defines the id anew with other text", () => {
    const env = setup()
    const [a] = renderVectors(env, [{ tag: "a", name: "title", value: "https://example.com/" }])
    const id = (a as unknown as { __shuttleId: number }).__shuttleId
    // The same texts as name and value, reused: still refused, still applied.
    env.apply((w, s) => w.setAttr(id, s("href"), s("https://example.com/")))
    expect(a.getAttribute("href")).toBe("https://example.com/")
    // The ids of "title" and "https://example.com/" freed, then defined again as the worker
    // reuses them for other text: what they were says nothing of what they are now.
    env.free("title")
    env.free("https://example.com/")
    env.apply((w, s) => w.setAttr(id, s("onclick"), s(SCRIPT)))
    env.apply((w, s) => w.setAttr(id, s("href"), s(`javascript:${SCRIPT}`)))
    expect(a.hasAttribute("onclick")).toBe(false)
    expect(a.hasAttribute("href")).toBe(false)
    expect(env.refused.map((e) => e.attribute)).toEqual(["onclick", "href"])
  })

  it("reports refusals after the whole list is applied; a throwing onUnsafe cannot stop the commit (rethrown in a microtask)", () => {
    const seen: string[] = []
    const env = setup((error) => {
      // The DOM already holds the last op of the list when the first refusal is reported.
      seen.push(`${error.attribute} with ${env.container.childNodes.length} children`)
      throw new Error("the app's onError failed")
    })
    const queued: Array<() => void> = []
    const queueMicrotask = globalThis.queueMicrotask
    globalThis.queueMicrotask = (callback) => void queued.push(callback)
    let commit = 0
    try {
      commit = env.apply((w, s, n) => {
        const a = n()
        w.createElement(a, s("a"), NS_HTML)
        w.setAttr(a, s("onclick"), s(SCRIPT))
        w.setAttr(a, s("href"), s(`javascript:${SCRIPT}`))
        w.append(0, a)
        const p = n()
        w.createElement(p, s("p"), NS_HTML)
        w.append(0, p)
      })
    } finally {
      globalThis.queueMicrotask = queueMicrotask
    }
    expect(commit).toBe(commitId)
    expect(env.container.innerHTML).toBe("<a></a><p></p>")
    expect(seen).toEqual(["onclick with 2 children", "href with 2 children"])
    expect(queued).toHaveLength(2)
    expect(queued[0]).toThrow("the app's onError failed")
  })

  it("an attribute the page's Trusted Types refuse (embed src) is reported as UnsafeValueError; the rest applies", () => {
    const env = setup()
    const setAttribute = Element.prototype.setAttribute
    Element.prototype.setAttribute = function (this: Element, name: string, value: string) {
      if (this.localName === "embed" && name === "src") throw new TypeError("This document requires 'TrustedScriptURL' assignment.")
      return setAttribute.call(this, name, value)
    }
    try {
      const [embed, a] = renderVectors(env, [{ tag: "embed", name: "src", value: "https://example.com/movie.swf" }, { tag: "a", name: "href", value: "/ok" }])
      expect(embed.hasAttribute("src")).toBe(false)
      expect(embed.getAttribute("data-after")).toBe("yes")
      expect(a.getAttribute("href")).toBe("/ok")
    } finally {
      Element.prototype.setAttribute = setAttribute
    }
    expect(env.refused).toHaveLength(1)
    expect(env.refused[0].reason).toContain("Trusted Types")
  })
})
