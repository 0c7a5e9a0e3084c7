/**
 * The safety demo's worker (docs/safety.md). Two modes, chosen by the script URL:
 *
 * - `?mode=app`: an honest app whose model holds XSS vectors (vectors.ts) and renders them
 *   where a careless app would: in href, src, action, formaction, data, xlink:href and
 *   srcdoc, as SVG animation targets, and as text. The main thread must refuse every one.
 *   It also shows a lowercase `onclick` with a message (a working handler), and, on
 *   demand, a string in an `onclick` prop, which the worker itself refuses.
 * - `?mode=hostile`: a worker whose Shuttle has been tampered with, as a buggy or
 *   compromised worker could be: names that start with `x-raw-` are sent without the
 *   prefix (so `x-raw-onclick` arrives as an `onclick` attribute and `x-raw-script` as a
 *   `<script>` element), and `x-prop-` names are sent as DOM properties (SET_PROP
 *   innerHTML). Nothing the worker sends may run script: the main thread checks it all.
 *
 * Each vector element says what the page must refuse: `data-refuse="<attribute>"`, and
 * for refused properties and elements `data-refuse-prop` / `data-refuse-element` on it or
 * its wrapper. `data-after="yes"`, written in the same commit, must arrive.
 */
import { type Child, ErrorBoundary, h, runProgram, type VNode } from "shuttle-ui/worker"
import type { ElementProps } from "../../workers/element-props.ts"
import { StringTable } from "../../workers/diff/string-table.ts"
import { PatchWriter } from "../../protocol/patch-writer.ts"
import { PROP_STRING } from "../../protocol/opcodes.ts"
import { BROKEN_IMAGE, LITERALS, MARKUP_TEXT, payload, PIXEL, scriptUrls } from "./vectors.ts"

type Msg = { readonly type: "inc" } | { readonly type: "string-handlers" }

declare module "shuttle-ui/worker" {
  interface Register {
    safety: Msg
  }
}

interface Model {
  readonly mode: "app" | "hostile"
  readonly count: number
  /** Render a string in an `onclick` prop (the worker refuses it: UnsafePropError). */
  readonly stringHandlers: boolean
}

const mode = new URLSearchParams(self.location.search).get("mode") === "hostile" ? "hostile" : "app"

if (mode === "hostile") tamper()

/** Makes this worker's Shuttle send what it would never send (see the file comment). */
function tamper(): void {
  const RAW = "x-raw-"
  const PROP = "x-prop-"
  const propertyNames = new Set<number>()
  const intern = StringTable.prototype.intern
  StringTable.prototype.intern = function (this: StringTable, text: string, writer: PatchWriter): number {
    if (text.startsWith(RAW)) return intern.call(this, text.slice(RAW.length), writer)
    if (!text.startsWith(PROP)) return intern.call(this, text, writer)
    const id = intern.call(this, text.slice(PROP.length), writer)
    propertyNames.add(id)
    return id
  }
  const setAttr = PatchWriter.prototype.setAttr
  PatchWriter.prototype.setAttr = function (this: PatchWriter, id: number, name: number, value: number): void {
    if (propertyNames.has(name)) this.setProp(id, name, PROP_STRING, value)
    else setAttr.call(this, id, name, value)
  }
}

/** An element carrying one vector, and the attributes that must arrive beside it. */
function vector(tag: string, label: string, refuse: string, props: Record<string, unknown>, ...children: Child[]): VNode {
  return h(tag, { ...props, "data-vector": label, "data-refuse": refuse, "data-after": "yes" } as ElementProps, ...children)
}

/** Script URLs in every URL attribute a page loads or navigates to. */
function urlVectors(): VNode[] {
  const out: VNode[] = []
  for (const [label, url] of scriptUrls("url")) {
    out.push(h("li", null,
      vector("a", `a href, ${label}`, "href", { href: url }, `link (${label})`),
      vector("iframe", `iframe src, ${label}`, "src", { src: url, width: 40, height: 20 }),
      vector("form", `form action, ${label}`, "action", { action: url }, h("button", { type: "submit" }, "submit")),
      h("form", null, vector("button", `button formaction, ${label}`, "formaction", { formaction: url, type: "submit" }, "formaction")),
      vector("object", `object data, ${label}`, "data", { data: url, width: 20, height: 20 }),
      vector("embed", `embed src, ${label}`, "src", { src: url, width: 20, height: 20 }),
      // An SVG image cannot run its script inside <img>: that one is written (and must not run either).
      label === "data svg" ? h("img", { "data-safe": "data svg on img", src: url, alt: "" }) : vector("img", `img src, ${label}`, "src", { src: url, alt: "" }),
      h("svg", { width: 120, height: 20 },
        vector("a", `svg a href, ${label}`, "href", { href: url }, h("text", { x: 0, y: 14 }, "svg href")),
        vector("a", `svg a xlink:href, ${label}`, "xlink:href", { "xlink:href": url }, h("text", { x: 60, y: 14 }, "xlink")))))
  }
  return out
}

function appView(model: Model): VNode {
  return h("div", { class: "app" },
    h("p", null,
      h("button", { id: "inc", type: "button", onclick: { type: "inc" } }, "onclick={{ type: \"inc\" }}"),
      " count: ", h("output", { id: "count" }, String(model.count)),
      " ", h("button", { id: "string-handlers", type: "button", onClick: { type: "string-handlers" } }, "Render a string in onclick")),
    h(ErrorBoundary, { fallback: (error) => h("p", { id: "boundary-fallback" }, `Refused in the worker: ${error instanceof Error ? error.message : String(error)}`) },
      model.stringHandlers
        // A string where a handler goes, as plain JavaScript (or props spread from data) can pass it.
        ? h("button", { id: "string-handler", onclick: payload("string-handler") } as unknown as ElementProps, "string handler")
        : h("p", { id: "no-string-handler" }, "No string handler rendered yet.")),
    h("h3", null, "Script URLs"),
    h("ul", { class: "vectors" }, ...urlVectors()),
    h("h3", null, "srcdoc and SVG animation"),
    h("p", null,
      vector("iframe", "iframe srcdoc, script", "srcdoc", { srcdoc: `<script>${payload("srcdoc")}</script>`, width: 40, height: 20 }),
      vector("iframe", "iframe srcdoc, img onerror", "srcdoc", { srcdoc: `<img src="${BROKEN_IMAGE}" onerror="${payload("srcdoc-img")}">`, width: 40, height: 20 }),
      h("svg", { width: 120, height: 20 },
        h("a", { "data-vector": "svg animate href" },
          vector("set", "svg set attributeName=href", "attributeName", { attributeName: "href", to: `javascript:${payload("set-href")}` }),
          h("text", { x: 0, y: 14 }, "animated href")))),
    h("h3", null, "Text that looks like markup"),
    ...MARKUP_TEXT.map((text) => h("p", { "data-text": "" }, text)),
    h("h3", null, "Written as they are"),
    h("p", { class: "safe" },
      h("a", { "data-safe": "https", href: "https://example.com/path?q=javascript:x" }, "https"),
      " ", h("a", { "data-safe": "relative", href: "./other.html" }, "relative"),
      " ", h("a", { "data-safe": "anchor", href: "#anchor" }, "#anchor"),
      " ", h("a", { "data-safe": "mailto", href: "mailto:someone@example.com" }, "mailto"),
      ...LITERALS.map(([label, url]) => h("a", { "data-safe": label, "data-literal": "", href: url }, ` ${label}`)),
      h("img", { "data-safe": "data png", src: PIXEL, alt: "" }),
      h("img", { "data-safe": "data svg on img", src: "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>", alt: "" }),
      h("iframe", { "data-safe": "about:blank", src: "about:blank", width: 20, height: 20 })))
}

function hostileView(model: Model): VNode {
  const raw = (name: string, label: string): Record<string, unknown> => ({ [`x-raw-${name}`]: payload(label) })
  return h("div", { class: "hostile" },
    h("p", { class: "hostile-safe", title: "kept" }, "Safe text in the same commit, count: ", h("output", { id: "hostile-count" }, String(model.count))),
    vector("button", "onclick", "onclick", { type: "button", ...raw("onclick", "onclick") }, "onclick"),
    vector("button", "ONCLICK", "ONCLICK", { type: "button", ...raw("ONCLICK", "ONCLICK") }, "ONCLICK"),
    vector("button", "OnClick", "OnClick", { type: "button", ...raw("OnClick", "OnClick") }, "OnClick"),
    vector("img", "img onerror", "onerror", { src: BROKEN_IMAGE, alt: "", ...raw("onerror", "img-onerror") }),
    vector("svg", "svg onload", "onload", { width: 10, height: 10, ...raw("onload", "svg-onload") }),
    vector("input", "input onfocus autofocus", "onfocus", { autofocus: true, ...raw("onfocus", "onfocus") }),
    vector("div", "div onmouseover", "onmouseover", raw("onmouseover", "onmouseover"), "hover"),
    vector("details", "details ontoggle", "ontoggle", { open: true, ...raw("ontoggle", "ontoggle") }, h("summary", null, "details")),
    vector("iframe", "iframe onload", "onload", { width: 20, height: 20, ...raw("onload", "iframe-onload") }),
    vector("iframe", "iframe srcdoc", "srcdoc", { width: 20, height: 20, srcdoc: `<script>${payload("hostile-srcdoc")}</script>` }),
    h("div", { "data-refuse-element": "script", "data-after": "yes" }, h("x-raw-script", null, payload("script"))),
    h("div", { "data-refuse-element": "SCRIPT", "data-after": "yes" }, h("x-raw-SCRIPT", null, payload("SCRIPT"))),
    h("svg", { "data-refuse-element": "script", "data-after": "yes", width: 10, height: 10 }, h("x-raw-script", null, payload("svg-script"))),
    h("div", { "data-refuse-element": "base", "data-after": "yes" }, h("x-raw-base", { href: "https://evil.example/" })),
    h("div", { "data-refuse-prop": "innerHTML", "data-after": "yes", "x-prop-innerHTML": `<img src="${BROKEN_IMAGE}" onerror="${payload("innerHTML")}">` }),
    h("a", { "data-refuse-prop": "href", "data-after": "yes", "x-prop-href": `javascript:${payload("prop-href")}` }, "href property"),
    h("iframe", { "data-refuse-prop": "srcdoc", "data-after": "yes", width: 20, height: 20, "x-prop-srcdoc": `<script>${payload("prop-srcdoc")}</script>` }))
}

runProgram<Model, Msg>({
  init: { mode, count: 0, stringHandlers: false },
  update: (model, msg) => msg.type === "inc" ? { ...model, count: model.count + 1 } : { ...model, stringHandlers: true },
  view: (model) => model.mode === "hostile" ? hostileView(model) : appView(model)
})
