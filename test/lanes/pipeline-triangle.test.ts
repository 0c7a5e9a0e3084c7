// @vitest-environment happy-dom
import fc from "fast-check"
import { afterEach, expect, it } from "vitest"
import { LANE_NAMES, type LaneName } from "../../protocol/lanes.ts"
import type { CommitStats } from "../../src/index.ts"
import { h } from "../../workers/h.ts"
import { mountProgram } from "../_util/harness.ts"
import { until } from "../_util/wait.ts"

/**
 * The lanes property through the whole pipeline: the worker runtime (in this thread, over a
 * MessageChannel), credits, and commit delivery by the shared ring or by message only.
 * Random dispatches on random lanes, keystrokes (discrete events, which void the page's
 * credit), pointer moves (Continuous events, which keep it), waits and flushes. After
 * every commit the DOM shows one consistent model; commits are applied once each, in
 * commit-id order; at the end the model is the in-order fold of every message, whichever
 * lane or path each took, and it gets there without a flush: no credit is ever lost.
 */
const NODES = 8
type Msg = string

const view = (model: string) =>
  h("main", null,
    h<Msg>("input", { id: "typing", onInput: (e) => `k${e.value}` }),
    // A pointer move appends nothing: a Continuous event, which keeps the page's credit and drains the ring.
    h<Msg>("section", { onPointerMove: () => "" }, Array.from({ length: NODES }, (_, i) => h("div", { key: i }, h("span", null, model)))))

type Action =
  | { readonly kind: "dispatch"; readonly lane: LaneName; readonly letter: string }
  | { readonly kind: "type"; readonly letter: string }
  | { readonly kind: "move" }
  | { readonly kind: "wait"; readonly ms: number }
  | { readonly kind: "flush" }

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("dispatch" as const), lane: fc.constantFrom(...(LANE_NAMES as LaneName[])), letter: fc.constantFrom(..."abcdef") }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("type" as const), letter: fc.constantFrom(..."xyz") }) },
  { weight: 1, arbitrary: fc.constant({ kind: "move" as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 0, max: 20 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "flush" as const }) }
)

let cleanup: (() => Promise<void>) | null = null
afterEach(async () => {
  await cleanup?.()
  cleanup = null
})

function checkConsistent(container: Element): string {
  const spans = container.querySelectorAll("span")
  expect(spans.length).toBe(NODES)
  const shown = spans[0].textContent!
  for (let i = 1; i < NODES; i++) expect(spans[i].textContent, `node ${i} shows another model: torn view`).toBe(shown)
  return shown
}

for (const ring of [true, false]) {
  it(`every commit is whole, applied once and in order; the final model is the in-order fold (ring ${ring ? "on" : "off"})`, async () => {
    const seen = { typed: 0 }
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 40 }), fc.integer({ min: 0, max: 15 }), async (actions, inputQuietMs) => {
        await cleanup?.()
        const commits: CommitStats[] = []
        let problem: string | null = null
        const mounted = mountProgram<string, Msg, never>({ init: "", update: (model, msg) => model + msg, view }, {
          ring,
          inputQuietMs,
          onCommit(commit) {
            const previous = commits[commits.length - 1]
            if (previous !== undefined && commit.commitId !== previous.commitId + 1) problem ??= `commit ${commit.commitId} after ${previous.commitId}`
            commits.push(commit)
            try {
              checkConsistent(mounted.container)
            } catch (error) {
              problem ??= String(error)
            }
          },
          onError(error) {
            problem ??= `${error._tag}: ${error.message}`
          }
        })
        cleanup = mounted.cleanup
        const { root, container } = mounted
        await root.flush()
        let folded = ""
        for (const a of actions) {
          switch (a.kind) {
            case "dispatch":
              root.dispatch(a.letter, { lane: a.lane })
              folded += a.letter
              break
            case "type": {
              const input = container.querySelector("input")!
              input.value = a.letter
              input.dispatchEvent(new Event("input", { bubbles: true }))
              folded += `k${a.letter}`
              seen.typed++
              break
            }
            case "move":
              container.querySelector("section")!.dispatchEvent(new Event("pointermove", { bubbles: true }))
              break
            case "wait":
              await new Promise((resolve) => setTimeout(resolve, a.ms))
              break
            case "flush":
              await root.flush()
              break
          }
        }
        // Liveness: with no flush to push it, every lane's work still reaches the DOM (the
        // page grants the credits it needs; well within the Transition's 5 s timeout).
        await until(() => container.querySelector("span")?.textContent === folded, `the DOM to show "${folded}" without a flush`, 2_000)
        await root.flush()
        expect(problem).toBe(null)
        expect(checkConsistent(container)).toBe(folded)
      }),
      { numRuns: Number(process.env.PIPELINE_TRIANGLE_RUNS ?? 1000), seed: Number(process.env.PIPELINE_TRIANGLE_SEED ?? 20261130) }
    )
    expect(seen.typed).toBeGreaterThan(0)
  }, 240_000)
}
