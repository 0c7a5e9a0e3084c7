// @vitest-environment happy-dom
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { DecodedPatch } from "../../protocol/patch-reader.ts"
import { ErrorBoundary } from "../../workers/components/error-boundary.ts"
import type { ComponentSelf } from "../../workers/components/instance.ts"
import { h } from "../../workers/h.ts"
import type { Child } from "../../workers/vnode.ts"
import { createPipeline } from "../_util/pipeline.ts"

/**
 * An ErrorBoundary whose child had already written ops (created nodes, set text, defined
 * strings, asked for effects) before a later sibling threw: the boundary goes back to its
 * savepoint, so none of that reaches the main thread. The patch holds the fallback and
 * nothing of the failed subtree; the DOM, the main thread's node table and the worker's
 * live ids all equal those of a fresh render of the fallback.
 */
const Boom = (props: { when: boolean }): Child => {
  if (props.when) throw new Error("boom")
  return h("b", null, "fine")
}

/** Asks for an effect while rendering: a failed render must not start it. */
const Effectful = (props: { label: string }, self: ComponentSelf): Child => {
  self.mount("effect", Effect.void)
  return h("i", null, props.label)
}

/** The retry of the last fallback shown. */
let retry: () => void = () => {}
const fallback = (error: unknown, retryBoundary: () => void) => {
  retry = retryBoundary
  return h("p", { class: "fallback" }, `caught ${(error as Error).message}`)
}

function view(texts: readonly string[], fail: boolean): Child {
  return h("main", null,
    h("h1", null, "title"),
    h(ErrorBoundary, { fallback },
      h("section", { "data-written": texts.join("+") },
        // Children are diffed from the front, so all of this is written before Boom throws.
        h("div", null, texts.map((text, i) => h("p", { key: i }, text)), texts.length > 2 ? h("em", null, "mounted before the throw") : null),
        h(Effectful, { label: texts.join("/") }),
        h(Boom, { when: fail }))),
    h("footer", null, "end"))
}

/** The patch, DOM and tables of a fresh render of the fallback view. */
function fresh() {
  const pipeline = createPipeline()
  const patch = pipeline.render(h("main", null, h("h1", null, "title"), h("p", { class: "fallback" }, "caught boom"), h("footer", null, "end")))!
  return { patch, html: pipeline.container.innerHTML, nodes: pipeline.applier.nodeCount, live: pipeline.renderer.tableSizes.liveNodes }
}

function expectNothingOf(patch: DecodedPatch, written: readonly string[]): void {
  const strings = patch.strings.map(([, text]) => text)
  for (const text of [...written, written.join("+"), written.join("/"), "section", "div", "i", "em", "mounted before the throw", "b", "fine"]) {
    expect(strings, `the failed subtree's string "${text}" was sent`).not.toContain(text)
  }
  expect(patch.ops.filter((op) => op.op === "SET_TEXT")).toEqual([])
}

describe("ErrorBoundary rewinds what a failed child already wrote", () => {
  it("on mount: nodes, attributes, text, strings and effects written before the throw are not in the patch, which equals a fresh render of the fallback", () => {
    const pipeline = createPipeline()
    const written = ["written before the throw", "and this too"]
    const patch = pipeline.render(view(written, true))!
    expectNothingOf(patch, written)
    const expected = fresh()
    // Op for op the fresh render's (string ids may differ: rewound ones are not reused in order).
    expect(patch.ops.map((op) => op.op)).toEqual(expected.patch.ops.map((op) => op.op))
    expect(patch.strings.map(([, text]) => text).sort()).toEqual(expected.patch.strings.map(([, text]) => text).sort())
    expect(pipeline.container.innerHTML).toBe(expected.html)
    expect(pipeline.applier.nodeCount).toBe(expected.nodes)
    expect(pipeline.renderer.tableSizes.liveNodes).toBe(expected.live)
    expect(pipeline.renderer.sideEffects.effects).toHaveLength(0)
  })

  it("on update: text changes, new nodes and effects written before the throw are not in the patch; the old content is replaced by the fallback", () => {
    const pipeline = createPipeline()
    pipeline.render(view(["one", "two"], false))
    const section = pipeline.container.querySelector("section")!
    expect(section.textContent).toBe("onetwoone/twofine")
    const written = ["one, changed", "two, changed", "three, new"]
    const patch = pipeline.render(view(written, true))!
    expectNothingOf(patch, written)
    // Exactly: build the fallback, put it before the old content, remove and release the old content.
    expect(patch.ops.map((op) => op.op)).toEqual(["CREATE_ELEMENT", "SET_ATTR", "CREATE_TEXT", "APPEND", "INSERT_BEFORE", "REMOVE", "RELEASE_NODES"])
    const expected = fresh()
    expect(pipeline.container.innerHTML).toBe(expected.html)
    expect(section.isConnected).toBe(false)
    expect(pipeline.applier.nodeCount).toBe(expected.nodes)
    expect(pipeline.renderer.tableSizes.liveNodes).toBe(expected.live)
    expect(pipeline.renderer.sideEffects.effects).toHaveLength(0)

    // The worker's tables still agree with the main thread's: after a retry, the strings
    // and nodes the failed render had written are defined and created for real.
    retry()
    pipeline.render(view(written, false))
    const recovered = createPipeline()
    recovered.render(view(written, false))
    expect(pipeline.container.innerHTML).toBe(recovered.container.innerHTML)
    expect(pipeline.applier.nodeCount).toBe(recovered.applier.nodeCount)
    expect(pipeline.renderer.tableSizes.liveNodes).toBe(recovered.renderer.tableSizes.liveNodes)
  })
})
