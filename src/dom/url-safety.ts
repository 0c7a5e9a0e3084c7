/**
 * What the applier refuses to write because it could run script in the page
 * (docs/safety.md). Pure string classification, asked once per string id (the applier
 * caches the answer in its tables), never per op.
 *
 * Main thread only: the worker may be buggy or hostile, so nothing here trusts it.
 */

// ---- names ---------------------------------------------------------------------------
// Bits of NodeTable.names above the validator's own (NAME_*_ASKED/OK, bits 0..5).

/** The string was classified (the bits below are valid). */
export const SAFE_CLASSIFIED = 1 << 6
/** As an attribute name: `on…` in any case, an event-handler attribute. Never written. */
export const SAFE_EVENT_HANDLER = 1 << 7
/** As an attribute name: an attribute whose value is a URL (URL_ATTRIBUTES). */
export const SAFE_URL = 1 << 8
/** As an attribute name: never written (`srcdoc`: a whole HTML document in the page's origin). */
export const SAFE_NEVER = 1 << 9
/** As an attribute name: SVG animation's `attributeName`, refused when it names `href` or an `on…` attribute. */
export const SAFE_ANIMATION_TARGET = 1 << 10
/** As a tag: an element that runs or redirects script (`script`, `base`). Never created. */
export const SAFE_REFUSED_TAG = 1 << 11
/** As a property name: one the applier sets (SET_PROPERTIES). Any other SET_PROP is refused. */
export const SAFE_PROPERTY = 1 << 12
/** Any of the attribute bits: SET_ATTR leaves the fast path. */
export const SAFE_GUARDED_ATTR = SAFE_EVENT_HANDLER | SAFE_URL | SAFE_NEVER | SAFE_ANIMATION_TARGET

/**
 * Attributes whose value is a URL that the browser may load or navigate to. The HTML 4
 * `%URI` attributes and HTML5's URL attributes, as OWASP's XSS cheat sheets and
 * Angular/Closure's sanitizers list them, plus SVG's `href`/`xlink:href`. Matched in any
 * case (an HTML element's attribute names are case-insensitive; refusing `HREF` on an
 * SVG element too costs nothing).
 */
export const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  "action", "archive", "background", "cite", "classid", "codebase", "data", "dynsrc", "formaction",
  "href", "icon", "longdesc", "lowsrc", "manifest", "ping", "poster", "profile", "src", "usemap",
  "xlink:href", "xml:base"
])

/** Attributes never written, whatever their value. */
export const NEVER_ATTRIBUTES: ReadonlySet<string> = new Set(["srcdoc"])

/**
 * Tags never created: `script` runs its text or its `src` when inserted (in HTML and SVG
 * alike); `base` changes where every relative URL of the page resolves, including the
 * page's own later script loads. The applier makes an inert `<template>` in their place,
 * so the ops that name the node still apply.
 */
export const REFUSED_TAGS: ReadonlySet<string> = new Set(["script", "base"])

/**
 * The only DOM properties the applier sets (SET_PROP): the form-control state the worker's
 * props.ts writes as properties. Any other name (`innerHTML`, `outerHTML`, `srcdoc`,
 * `href`, `onclick`…) could run script or bypass the attribute checks, so it is refused.
 */
export const SET_PROPERTIES: ReadonlySet<string> = new Set(["value", "checked", "selected", "indeterminate", "muted"])

/** The SAFE_* bits of a string used as a tag, attribute or property name. */
export function classifyName(name: string): number {
  let bits = SAFE_CLASSIFIED
  const lower = name.toLowerCase()
  if (lower.length >= 2 && lower.charCodeAt(0) === 111 && lower.charCodeAt(1) === 110) bits |= SAFE_EVENT_HANDLER // "on"
  if (URL_ATTRIBUTES.has(lower)) bits |= SAFE_URL
  if (NEVER_ATTRIBUTES.has(lower)) bits |= SAFE_NEVER
  if (lower === "attributename") bits |= SAFE_ANIMATION_TARGET
  if (REFUSED_TAGS.has(lower)) bits |= SAFE_REFUSED_TAG
  if (SET_PROPERTIES.has(name)) bits |= SAFE_PROPERTY
  return bits
}

/** Why an attribute of these SAFE_* bits was refused, whatever its value (cold: only for an error message). */
export function nameRefusal(bits: number): string | null {
  if ((bits & SAFE_EVENT_HANDLER) !== 0) {
    return "an event-handler attribute runs its text as script; Shuttle never writes one. Give the element a handler in the worker instead (onClick: msg)"
  }
  if ((bits & SAFE_NEVER) !== 0) return "srcdoc is a whole HTML document with the page's origin; Shuttle never writes it. Use src with a URL"
  return null
}

/** SVG animation `attributeName` values that would animate a link or a handler into script. */
export function animationTargetUnsafe(value: string): boolean {
  const lower = value.toLowerCase()
  return lower.includes("href") || lower.trimStart().startsWith("on")
}

// ---- values --------------------------------------------------------------------------
// NodeTable.values, per string id: the low two bits are its URL class (0: not classified
// yet), the next two what it is as an `attributeName`.

export const URL_UNKNOWN = 0
export const URL_CLASS_MASK = 3
/** The value was classified as an `attributeName` value. */
export const ANIMATION_CLASSIFIED = 1 << 2
/** …and names an attribute that animation must not set (ANIMATION_CLASSIFIED too). */
export const ANIMATION_UNSAFE = 1 << 3
/** No scheme (relative, `#anchor`, `//host`) or a scheme that cannot run script here. */
export const URL_SAFE = 1
/** Safe only where the URL is loaded as media (img, video…): `blob:` and SVG `data:` images. */
export const URL_MEDIA_ONLY = 2
/** `javascript:`, `vbscript:`, `filesystem:`, a `data:` URL that is not an image, audio or video. */
export const URL_REFUSED = 3

/**
 * Tags whose URL attributes load media, which cannot run script in the page: where a
 * `blob:` URL or an SVG `data:` image is allowed. DOMPurify's DATA_URI_TAGS.
 */
export const MEDIA_TAGS: ReadonlySet<string> = new Set(["img", "image", "video", "audio", "source", "track"])

/** Raster image types allowed in a `data:` URL anywhere (no script can come of them). */
const DATA_IMAGE_TYPES: ReadonlySet<string> = new Set([
  "image/png", "image/apng", "image/gif", "image/jpeg", "image/jpg", "image/pjpeg", "image/webp",
  "image/avif", "image/bmp", "image/x-icon", "image/vnd.microsoft.icon"
])

/**
 * The string the browser's URL parser actually reads: leading and trailing C0 controls
 * and spaces (U+0000 to U+0020) stripped, then every tab, LF and CR removed, wherever they
 * are (WHATWG URL, "basic URL parser", first steps). So `" java\tscript:"` is `javascript:`.
 * Character references such as `&#x09;` are not decoded here: the applier sets values
 * with setAttribute, which takes text as it is, so they stay literal (and make no scheme).
 */
export function normalizeUrl(value: string): string {
  let start = 0
  let end = value.length
  while (start < end && value.charCodeAt(start) <= 0x20) start++
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--
  let out = ""
  let from = start
  for (let i = start; i < end; i++) {
    const c = value.charCodeAt(i)
    if (c === 0x09 || c === 0x0a || c === 0x0d) {
      out += value.substring(from, i)
      from = i + 1
    }
  }
  return from === start ? value.substring(start, end) : out + value.substring(from, end)
}

/**
 * The scheme of a normalized URL, lowercased, as the URL parser's scheme state reads it:
 * an ASCII letter, then letters, digits, `+`, `-` or `.`, up to the first `:`. Anything
 * else before a `:` means the string has no scheme (it is a relative URL): "".
 */
export function urlScheme(url: string): string {
  const first = url.charCodeAt(0) | 0x20
  if (!(first >= 97 && first <= 122)) return ""
  for (let i = 1; i < url.length; i++) {
    const c = url.charCodeAt(i)
    if (c === 58) return url.substring(0, i).toLowerCase() // ":"
    const lower = c | 0x20
    const ok = (lower >= 97 && lower <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46
    if (!ok) return ""
  }
  return ""
}

/** The media type of a `data:` URL (after `data:`, up to `;` or `,`), trimmed and lowercased; null without a `,`. */
function dataMediaType(url: string): string | null {
  const comma = url.indexOf(",", 5)
  if (comma < 0) return null
  let type = url.substring(5, comma)
  const semicolon = type.indexOf(";")
  if (semicolon >= 0) type = type.substring(0, semicolon)
  return type.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "").toLowerCase()
}

/** URL_SAFE, URL_MEDIA_ONLY or URL_REFUSED for a URL attribute's value. */
export function classifyUrl(value: string): number {
  const url = normalizeUrl(value)
  const scheme = urlScheme(url)
  switch (scheme) {
    case "javascript":
    case "vbscript":
    case "filesystem":
      return URL_REFUSED
    case "blob":
      return URL_MEDIA_ONLY
    case "data": {
      const type = dataMediaType(url)
      if (type === null) return URL_REFUSED
      if (DATA_IMAGE_TYPES.has(type) || type.startsWith("audio/") || type.startsWith("video/")) return URL_SAFE
      return type === "image/svg+xml" ? URL_MEDIA_ONLY : URL_REFUSED
    }
    default:
      return URL_SAFE
  }
}

/** Why a URL of this class was refused (cold: only for an error message). */
export function urlRefusal(value: string, urlClass: number): string {
  const scheme = urlScheme(normalizeUrl(value))
  if (urlClass === URL_MEDIA_ONLY) {
    return `a ${scheme}: URL can hold a document with the page's origin or script; it is allowed only on media elements (${[...MEDIA_TAGS].join(", ")})`
  }
  if (scheme === "data") return "a data: URL is allowed only for images, audio and video"
  return `the ${scheme}: scheme runs script`
}
