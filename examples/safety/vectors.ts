/**
 * The XSS vectors the safety demo's workers hold in their models (OWASP's XSS Filter
 * Evasion Cheat Sheet is the anchor): script URLs in every spelling the URL parser
 * forgives, event-handler attributes in any case, srcdoc, markup in text.
 *
 * Every payload reports itself with `top.postMessage("xss:<label>", "*")`, which works from
 * the page, a same-origin frame and an opaque-origin one alike: the page counts what it
 * receives (main.ts, `safety.ran`), so anything that runs is seen.
 */

/** Script that reports `label` to the page if it ever runs. */
export function payload(label: string): string {
  return `top.postMessage('xss:${label}','*')`
}

/** The forms of a script URL a filter may miss and the URL parser still reads as a scheme. */
export function scriptUrls(label: string): ReadonlyArray<readonly [string, string]> {
  const js = payload(label)
  return [
    ["javascript", `javascript:${js}`],
    ["mixed case", `JaVaScRiPt:${js}`],
    ["leading spaces", `   javascript:${js}`],
    ["leading controls", `\u0001\u0010\u001f javascript:${js}`],
    ["tab inside", `java\tscript:${js}`],
    ["newline inside", `java\nscript:${js}`],
    ["carriage return inside", `jav\ras\ncr\tipt:${js}`],
    ["tab before colon", `javascript\t:${js}`],
    ["vbscript", `vbscript:${js}`],
    ["data html", `data:text/html,<script>${js}</script>`],
    ["DATA base64", `DATA:text/html;base64,${btoa(`<script>${js}</script>`)}`],
    ["data svg", `data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload="${js}"/>`]
  ]
}

/** Strings that look like vectors but are safe, and must be written as they are. */
export const LITERALS: ReadonlyArray<readonly [string, string]> = [
  // A character reference stays literal text in an attribute set with setAttribute: the
  // URL has no scheme (`&` cannot be in one), so it is a relative link, not script.
  ["entity tab", `jav&#x09;ascript:${payload("entity")}`],
  ["entity colon", `javascript&colon;${payload("entity-colon")}`]
]

/** Text that looks like markup: it must show as text. */
export const MARKUP_TEXT: readonly string[] = [
  `<img src=x onerror="${payload("text-img")}">`,
  `<script>${payload("text-script")}</script>`,
  `<svg onload="${payload("text-svg")}">`,
  `"><iframe srcdoc="<script>${payload("text-iframe")}</script>">`
]

/** A 1×1 transparent PNG: a data: URL that must be written. */
export const PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
/** A PNG that cannot be decoded: an <img> with it fires `error` at once, with no request and no console message. */
export const BROKEN_IMAGE = "data:image/png;base64,AAAA"
