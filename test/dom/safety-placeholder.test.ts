// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest"
import { InvalidOptionError } from "../../protocol/errors.ts"
import { checkPlaceholder, showPlaceholder } from "../../src/dom/placeholder.ts"

/**
 * The placeholder, the one main-thread path that parses HTML (docs/safety.md, "Trusted
 * Types"): the page's own string, parsed once with `setHTML` where the browser has it (no
 * Trusted Types sink), else with a template's innerHTML; under Trusted Types without
 * setHTML, a typed error that names the fix.
 */

/** The stubs below are own properties of the template prototype: deleting them restores what it inherits. */
const template = HTMLTemplateElement.prototype as unknown as Record<string, unknown>

afterEach(() => {
  delete template.setHTML
  delete template.innerHTML
})

describe("placeholder", () => {
  it("a string is parsed once into an inert fragment, shown as often as needed", () => {
    const placeholder = checkPlaceholder('<p class="loading">Loading… <b>1</b></p>')!
    const container = document.createElement("div")
    showPlaceholder(container, placeholder)
    showPlaceholder(container, placeholder)
    expect(container.innerHTML).toBe('<p class="loading">Loading… <b>1</b></p>')
    const node = document.createElement("span")
    expect(checkPlaceholder(node)).toBe(node)
    expect(checkPlaceholder(undefined)).toBe(undefined)
    expect(() => checkPlaceholder(42)).toThrow(InvalidOptionError)
  })

  it("uses setHTML (the Sanitizer API, no Trusted Types sink) where the browser has it, with the empty config", () => {
    const calls: Array<[string, unknown]> = []
    template.setHTML = function (this: HTMLTemplateElement, html: string, options: unknown) {
      calls.push([html, options])
      this.content.append("sanitized")
    }
    Object.defineProperty(HTMLTemplateElement.prototype, "innerHTML", {
      configurable: true,
      set() {
        throw new Error("innerHTML must not be used when setHTML exists")
      }
    })
    const container = document.createElement("div")
    showPlaceholder(container, checkPlaceholder("<p>Loading</p>"))
    expect(calls).toEqual([["<p>Loading</p>", { sanitizer: {} }]])
    expect(container.textContent).toBe("sanitized")
  })

  it("under Trusted Types without setHTML: InvalidOptionError naming the fix (a Node, or a TrustedHTML)", () => {
    Object.defineProperty(HTMLTemplateElement.prototype, "innerHTML", {
      configurable: true,
      set() {
        throw new TypeError("Failed to set the 'innerHTML' property on 'Element': This document requires 'TrustedHTML' assignment.")
      }
    })
    let error: unknown
    try {
      checkPlaceholder("<p>Loading</p>")
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect((error as InvalidOptionError).field).toBe("placeholder")
    expect((error as Error).message).toContain("Trusted Types")
    expect((error as Error).message).toContain("a DOM Node")
  })
})
