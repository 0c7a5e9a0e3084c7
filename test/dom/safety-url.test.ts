import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { PROPERTIES } from "../../workers/diff/props.ts"
import {
  classifyName,
  classifyUrl,
  normalizeUrl,
  SAFE_ANIMATION_TARGET,
  SAFE_CLASSIFIED,
  SAFE_EVENT_HANDLER,
  SAFE_NEVER,
  SAFE_PROPERTY,
  SAFE_REFUSED_TAG,
  SAFE_URL,
  SET_PROPERTIES,
  URL_MEDIA_ONLY,
  URL_REFUSED,
  URL_SAFE,
  urlScheme
} from "../../src/dom/url-safety.ts"

/**
 * What the applier thinks a string is (src/dom/url-safety.ts), checked against the
 * WHATWG URL parser itself (Node's `URL` implements the same algorithm as the browsers;
 * test/browser/safety.test.ts repeats the check against Chromium's): a value the applier
 * reads as having no scheme must not be read by the parser as `javascript:`.
 */

const BASE = "https://base.example/dir/page"

/** The scheme the WHATWG parser gives `value` relative to BASE, or null if it cannot parse it. */
function parserScheme(value: string): string | null {
  try {
    return new URL(value, BASE).protocol.slice(0, -1)
  } catch {
    return null
  }
}

const SCRIPT = "javascript:top.postMessage('xss','*')"

describe("normalizeUrl and urlScheme read a URL as the browser's parser does", () => {
  it.each([
    ["javascript:alert(1)", "javascript"],
    ["JaVaScRiPt:alert(1)", "javascript"],
    ["  javascript:alert(1)", "javascript"],
    ["\tjavascript:alert(1)", "javascript"],
    ["java\tscript:alert(1)", "javascript"],
    ["java\nscript:alert(1)", "javascript"],
    ["java\rscript:alert(1)", "javascript"],
    ["j\na\tv\ra script:alert(1)", ""], // a space inside is not removed: no scheme
    ["\u0000javascript:alert(1)", "javascript"],
    ["\u0001\u001f javascript:alert(1)", "javascript"],
    ["javascript\t:alert(1)", "javascript"],
    ["javascript:alert(1)\u0000 ", "javascript"],
    ["java\u0001script:alert(1)", ""], // other C0 controls inside stay, and end the scheme
    ["jav&#x09;ascript:alert(1)", ""], // a character reference stays literal text
    ["jav&#9;ascript:alert(1)", ""],
    ["javascript&colon;alert(1)", ""],
    ["\u00a0javascript:alert(1)", ""], // NBSP is not stripped: a relative URL
    ["vbscript:msgbox(1)", "vbscript"],
    ["data:text/html,<script>alert(1)</script>", "data"],
    ["https://example.com/a", "https"],
    ["mailto:a@example.com", "mailto"],
    ["web+foo:bar", "web+foo"],
    ["/relative", ""],
    ["#anchor", ""],
    ["?q=javascript:alert(1)", ""],
    ["//example.com/x", ""],
    ["1javascript:alert(1)", ""],
    ["", ""]
  ])("%j has scheme %j", (value, scheme) => {
    expect(urlScheme(normalizeUrl(value))).toBe(scheme)
    expect(parserScheme(value)).toBe(scheme === "" ? "https" : scheme)
  })

  it("agrees with the WHATWG parser on random strings built from scheme letters, controls and separators (seed 4242)", () => {
    const alphabet = ["j", "a", "v", "s", "c", "r", "i", "p", "t", "J", "S", "b", "d", ":", "\t", "\n", "\r", "\u0000", "\u0001", "\u001f", " ",
      "\u00a0", "&", "#", "x", "0", "9", ";", "/", "+", "-", ".", "%", "\\"]
    const prefixes = ["", "javascript:", "JAVASCRIPT:", "java", "vbscript:", "data:", " ", "\t"]
    const value = fc.tuple(fc.constantFrom(...prefixes), fc.array(fc.constantFrom(...alphabet), { maxLength: 16 }), fc.constantFrom(...prefixes))
      .map(([a, middle, b]) => a + middle.join("") + b)
    fc.assert(fc.property(value, (v) => {
      const ours = urlScheme(normalizeUrl(v))
      const theirs = parserScheme(v)
      if (theirs === null) return
      expect(theirs).toBe(ours === "" ? "https" : ours)
    }), { seed: 4242, numRuns: 5000 })
  })
})

describe("classifyUrl", () => {
  it.each([
    // Refused everywhere
    [SCRIPT, URL_REFUSED],
    ["  JAVASCRIPT:alert(1)", URL_REFUSED],
    ["java\tscript:alert(1)", URL_REFUSED],
    ["vbscript:msgbox(1)", URL_REFUSED],
    ["VBScript:msgbox(1)", URL_REFUSED],
    ["filesystem:https://x/temporary/a.html", URL_REFUSED],
    ["data:text/html,<script>alert(1)</script>", URL_REFUSED],
    ["DATA:TEXT/HTML;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", URL_REFUSED],
    [" data:text/html,x", URL_REFUSED],
    ["data: text/html ,x", URL_REFUSED],
    ["data:application/xhtml+xml,x", URL_REFUSED],
    ["data:,alert(1)", URL_REFUSED],
    ["data:image/png", URL_REFUSED], // no comma: not a data URL a browser would load
    // Only on media elements
    ["data:image/svg+xml,<svg onload=alert(1)>", URL_MEDIA_ONLY],
    ["data:IMAGE/SVG+XML;base64,PHN2Zz4=", URL_MEDIA_ONLY],
    ["blob:https://example.com/5b1d-4c2f", URL_MEDIA_ONLY],
    // Safe anywhere
    ["data:image/png;base64,iVBORw0KGgo=", URL_SAFE],
    ["data:image/gif,GIF89a", URL_SAFE],
    ["data:video/mp4;base64,AAAA", URL_SAFE],
    ["data:audio/ogg,x", URL_SAFE],
    ["https://example.com/?next=javascript:alert(1)", URL_SAFE],
    ["http://x/javascript:alert(1)", URL_SAFE],
    ["/relative/path", URL_SAFE],
    ["relative.html", URL_SAFE],
    ["#anchor", URL_SAFE],
    ["mailto:someone@example.com", URL_SAFE],
    ["tel:+15555550100", URL_SAFE],
    ["myapp://open?x=1", URL_SAFE],
    ["jav&#x09;ascript:alert(1)", URL_SAFE],
    ["javascript-tutorial.html", URL_SAFE],
    ["", URL_SAFE]
  ])("%j is class %i", (value, expected) => {
    expect(classifyUrl(value)).toBe(expected)
  })
})

describe("classifyName", () => {
  it("event handlers: any name that starts with on, in any case", () => {
    for (const name of ["onclick", "ONCLICK", "OnClick", "oNcLiCk", "onerror", "onload", "onfocus", "onbegin", "onanimationstart", "on", "on-x", "online"]) {
      expect(classifyName(name) & SAFE_EVENT_HANDLER, name).toBe(SAFE_EVENT_HANDLER)
    }
    for (const name of ["class", "title", "data-onclick", "xonclick", "aria-label", "o", "n"]) {
      expect(classifyName(name) & SAFE_EVENT_HANDLER, name).toBe(0)
    }
  })

  it("URL attributes, in any case; srcdoc never; attributeName; refused tags; settable properties", () => {
    for (const name of ["href", "HREF", "src", "action", "formaction", "formAction", "xlink:href", "data", "poster", "background", "cite", "ping", "codebase", "manifest", "longdesc", "usemap"]) {
      expect(classifyName(name) & SAFE_URL, name).toBe(SAFE_URL)
    }
    expect(classifyName("title") & SAFE_URL).toBe(0)
    expect(classifyName("srcset") & SAFE_URL).toBe(0)
    expect(classifyName("srcdoc") & SAFE_NEVER).toBe(SAFE_NEVER)
    expect(classifyName("SRCDOC") & SAFE_NEVER).toBe(SAFE_NEVER)
    expect(classifyName("attributeName") & SAFE_ANIMATION_TARGET).toBe(SAFE_ANIMATION_TARGET)
    for (const tag of ["script", "SCRIPT", "Script", "base"]) expect(classifyName(tag) & SAFE_REFUSED_TAG, tag).toBe(SAFE_REFUSED_TAG)
    for (const tag of ["noscript", "div", "scripts", "template"]) expect(classifyName(tag) & SAFE_REFUSED_TAG, tag).toBe(0)
    expect(classifyName("value") & SAFE_PROPERTY).toBe(SAFE_PROPERTY)
    for (const name of ["innerHTML", "outerHTML", "srcdoc", "href", "onclick", "textContent", "Value"]) expect(classifyName(name) & SAFE_PROPERTY, name).toBe(0)
    expect(classifyName("x") & SAFE_CLASSIFIED).toBe(SAFE_CLASSIFIED)
  })

  it("the main thread sets exactly the properties the worker's props.ts sends as properties", () => {
    expect([...SET_PROPERTIES].sort()).toEqual([...PROPERTIES].sort())
  })
})
