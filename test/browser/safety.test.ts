import type { Page } from "playwright-core"
import { afterAll, beforeAll, expect, it } from "vitest"
import { type BrowserSuite, describeBrowser, openBrowserSuite } from "./_chromium.ts"

/**
 * Script from data (TESTING.md), in Chromium, on examples/safety: two roots whose workers
 * send XSS vectors (an honest app whose model holds them, and a worker whose Shuttle is
 * tampered with to send on… attributes, <script>, <base> and innerHTML). The test clicks,
 * focuses, hovers and submits every vector and waits for every frame and image to load;
 * then nothing has run (every payload would post "xss:<label>" to the page), every refusal
 * reached onError as an UnsafeValueError, and the safe parts of the same commits applied.
 *
 * Twice: served with `require-trusted-types-for 'script'; script-src 'self'; object-src
 * 'none'`, where no CSP or Trusted Types violation may be reported (the applier needs no
 * unsafe sink), and without any CSP, where the applier alone must stop them. Each run ends
 * with a control: a script URL planted outside Shuttle is caught (it runs without CSP; it
 * is a violation with CSP), so the checks above could have failed.
 */

const STRICT_CSP = "require-trusted-types-for 'script'; script-src 'self'; object-src 'none'"

interface Reported {
  readonly root: "app" | "hostile"
  readonly tag: string
  readonly kind?: string
  readonly element?: string
  readonly attribute?: string
  readonly value?: string
  readonly message: string
}

interface SafetyWindow {
  safety: {
    roots: Record<"app" | "hostile", { dispatch(msg: unknown): void; flush(): Promise<void> }>
    ran: string[]
    violations: string[]
    errors: Reported[]
    framesLoaded(): boolean
    ready: boolean
  }
}

type Expected = Pick<Reported, "root" | "kind" | "element" | "attribute">

const key = (e: Expected): string => `${e.root} ${e.kind} <${e.element}> ${e.attribute ?? ""}`

describeBrowser("safety in Chromium: whatever the worker sends, no script runs in the page", () => {
  let suite: BrowserSuite

  beforeAll(async () => {
    suite = await openBrowserSuite()
  })

  afterAll(async () => {
    await suite?.close()
  })

  /**
   * Lets every payload that was triggered run and report: frames and images loaded (or
   * something already ran or was blocked: a frame whose script URL CSP blocked may never
   * load, and the assertions then say what), two frames, a message round trip.
   */
  async function settle(page: Page): Promise<void> {
    await page.waitForFunction(() => {
      const { safety } = window as unknown as SafetyWindow
      if (safety.ran.length > 0 || safety.violations.length > 0) return true
      return safety.framesLoaded() && [...document.images].every((img) => img.complete)
    })
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))))
    await page.evaluate(() => new Promise<void>((resolve) => {
      const onMessage = (event: MessageEvent): void => {
        if (event.data !== "safety:drained") return
        removeEventListener("message", onMessage)
        resolve()
      }
      addEventListener("message", onMessage)
      postMessage("safety:drained", "*")
    }))
  }

  async function run(csp: boolean): Promise<void> {
    const page = await suite.context.newPage()
    try {
      if (!csp) {
        await page.route((url) => url.pathname === "/safety/", async (route) => {
          const response = await route.fetch()
          const headers = { ...response.headers() }
          delete headers["content-security-policy"]
          await route.fulfill({ response, headers })
        })
      }
      const errorsBefore = suite.errors.length
      const response = await page.goto(`${suite.server.url}safety/`)
      expect(response?.headers()["content-security-policy"]).toBe(csp ? STRICT_CSP : undefined)
      await page.waitForFunction(() => (window as unknown as SafetyWindow).safety?.ready === true)

      // Synthetic activation of every vector: hover, focus, click, submit.
      await page.evaluate(() => {
        const selector = "[data-vector], [data-refuse], [data-refuse-prop], [data-refuse-element], [data-refuse-element] *, [data-text], img[data-safe], iframe[data-safe]"
        for (const el of document.querySelectorAll(selector)) {
          el.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }))
          if (el instanceof HTMLElement || el instanceof SVGElement) {
            el.focus()
            el.blur()
          }
          if (el instanceof HTMLFormElement) el.requestSubmit()
          else if (el instanceof HTMLElement) el.click()
          else el.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }))
        }
      })
      // Trusted clicks on every link and button that carries a vector (a refused form
      // action leaves the form without one: main.ts stops that submission, not others).
      const targets = await page.locator("a[data-vector], button[data-vector], form[data-vector] button").all()
      expect(targets.length).toBeGreaterThan(40)
      for (const target of targets) await target.click({ force: true, noWaitAfter: true })
      await settle(page)

      const state = await page.evaluate(() => {
        const { safety } = window as unknown as SafetyWindow
        const expected: Array<{ root: string; kind: string; element: string; attribute?: string }> = []
        for (const root of ["app", "hostile"]) {
          const container = document.getElementById(root)!
          for (const el of container.querySelectorAll("[data-refuse]")) expected.push({ root, kind: "attribute", element: el.localName, attribute: el.getAttribute("data-refuse")! })
          for (const el of container.querySelectorAll("[data-refuse-prop]")) expected.push({ root, kind: "property", element: el.localName, attribute: el.getAttribute("data-refuse-prop")! })
          for (const el of container.querySelectorAll("[data-refuse-element]")) expected.push({ root, kind: "element", element: el.getAttribute("data-refuse-element")! })
        }
        const all = [...document.querySelectorAll("*")]
        return {
          ran: [...safety.ran],
          violations: [...safety.violations],
          errors: safety.errors.map((e) => ({ ...e })),
          expected,
          stillSet: [...document.querySelectorAll("[data-refuse]")].filter((el) => el.hasAttribute(el.getAttribute("data-refuse")!)).length,
          after: [...document.querySelectorAll("[data-after]")].map((el) => el.getAttribute("data-after")),
          scripts: document.querySelectorAll("#app script, #hostile script, base").length,
          handlerAttributes: all.flatMap((el) => el.getAttributeNames().filter((name) => name.toLowerCase().startsWith("on")).map((name) => `${el.localName} ${name}`)),
          innerHtml: document.querySelector("[data-refuse-prop=innerHTML]")?.childNodes.length ?? -1,
          text: [...document.querySelectorAll("[data-text]")].map((el) => ({ elements: el.children.length, text: el.textContent })),
          safeLinks: [...document.querySelectorAll("a[data-safe]")].map((a) => ({ label: a.getAttribute("data-safe"), protocol: new URL((a as HTMLAnchorElement).href).protocol, literal: a.hasAttribute("data-literal") })),
          safeImages: [...document.querySelectorAll<HTMLImageElement>("img[data-safe]")].map((img) => ({ label: img.getAttribute("data-safe"), width: img.naturalWidth })),
          // The browser's own URL parser on every refused URL: it reads a script scheme too.
          parsed: safety.errors.filter((e) => e.kind === "attribute" && ["href", "src", "action", "formaction", "data", "xlink:href"].includes(e.attribute!))
            .map((e) => new URL(e.value!, location.href).protocol)
        }
      })

      expect(state.ran).toEqual([])
      expect(state.violations).toEqual([])
      // Every refusal reached onError as an UnsafeValueError, once, and nothing else went wrong.
      expect(state.errors.filter((e) => e.tag !== "UnsafeValueError")).toEqual([])
      const reported = state.errors.map((e) => key({ root: e.root, kind: e.kind, element: e.element, attribute: e.attribute || undefined })).sort()
      const expected = state.expected.map((e) => key(e as Expected)).sort()
      expect(expected.length).toBeGreaterThan(120)
      expect(reported).toEqual(expected)
      expect(state.stillSet).toBe(0)
      expect(state.scripts).toBe(0)
      expect(state.handlerAttributes).toEqual([])
      expect(state.innerHtml).toBe(0)
      // The rest of the same commits applied.
      expect(state.after.length).toBeGreaterThan(120)
      expect(state.after.every((value) => value === "yes")).toBe(true)
      expect(state.text.length).toBe(4)
      for (const t of state.text) expect(t.elements).toBe(0)
      expect(state.text[0].text).toContain("<img src=x onerror=")
      for (const link of state.safeLinks) expect(link.literal ? link.protocol === "http:" : link.protocol !== "javascript:", JSON.stringify(link)).toBe(true)
      expect(state.safeLinks.filter((l) => l.literal).length).toBe(2)
      for (const img of state.safeImages) expect(img.width, img.label!).toBeGreaterThan(0)
      expect(new Set(state.parsed)).toEqual(new Set(["javascript:", "vbscript:", "data:"]))

      // A lowercase onclick with a message works, in a real browser with a trusted click.
      await page.locator("#inc").click()
      await page.waitForFunction(() => document.getElementById("count")!.textContent === "1")

      // A string in an onclick prop: refused in the worker (UnsafePropError), shown by the boundary, never an attribute.
      await page.locator("#string-handlers").click()
      await page.waitForSelector("#boundary-fallback")
      expect(await page.locator("#boundary-fallback").textContent()).toContain("a string in an on… prop would be script in HTML")
      expect(await page.locator("#string-handler").count()).toBe(0)

      // The hostile root still applies later commits; unchanged props are not sent (nor refused) again.
      await page.evaluate(async () => {
        const { safety } = window as unknown as SafetyWindow
        safety.roots.hostile.dispatch({ type: "inc" })
        await safety.roots.hostile.flush()
      })
      expect(await page.locator("#hostile-count").textContent()).toBe("1")
      await settle(page)

      const end = await page.evaluate(() => {
        const { safety } = window as unknown as SafetyWindow
        return {
          ran: [...safety.ran],
          violations: [...safety.violations],
          unsafe: safety.errors.filter((e) => e.tag === "UnsafeValueError").length,
          others: safety.errors.filter((e) => e.tag !== "UnsafeValueError").map((e) => `${e.root} ${e.tag}: ${e.message}`),
          handlerAttributes: [...document.querySelectorAll("*")].flatMap((el) => el.getAttributeNames().filter((name) => name.toLowerCase().startsWith("on")))
        }
      })
      expect(end.ran).toEqual([])
      expect(end.violations).toEqual([])
      expect(end.unsafe).toBe(state.errors.length)
      expect(end.others).toHaveLength(1)
      expect(end.others[0]).toMatch(/^app WorkerError: .*onclick="top\.postMessage\('xss:string-handler','\*'\)".*a string in an on… prop/)
      expect(end.handlerAttributes).toEqual([])
      expect(suite.errors.slice(errorsBefore)).toEqual([])

      // Control: the same kind of vector planted outside Shuttle is caught, so the checks above could fail.
      await page.evaluate(() => {
        const a = document.createElement("a")
        a.setAttribute("href", "javascript:top.postMessage('xss:control','*')")
        a.textContent = "control"
        document.body.append(a)
        a.click()
      })
      if (csp) await page.waitForFunction(() => (window as unknown as SafetyWindow).safety.violations.some((v) => v.startsWith("script-src")))
      else await page.waitForFunction(() => (window as unknown as SafetyWindow).safety.ran.includes("control"))
    } finally {
      await page.close()
    }
  }

  it("served with a strict CSP and Trusted Types: nothing runs, every refusal is reported, the rest applies, and no violation is reported", async () => {
    await run(true)
  })

  it("without a CSP, the applier alone stops every vector", async () => {
    await run(false)
  })
})
