import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { diffModels, summarizeValue } from "../../workers/devtools/model-diff.ts"

/** The State view's model diff (workers/devtools/model-diff.ts): paths, kinds, the cap. */

describe("diffModels", () => {
  it("lists changed, added and removed paths, depth first", () => {
    const before = { rows: [{ id: 1, label: "a" }, { id: 2, label: "b" }], selected: 0, filter: "", gone: true }
    const after = { rows: [{ id: 1, label: "a !!!" }, { id: 2, label: "b" }, { id: 3, label: "c" }], selected: 2, filter: "", "odd key": 1 }
    expect(diffModels(before, after)).toEqual({
      changes: [
        { path: "rows[0].label", kind: "changed", before: '"a"', after: '"a !!!"' },
        { path: "rows[2]", kind: "added", after: '{"id":3,"label":"c"}' },
        { path: "selected", kind: "changed", before: "0", after: "2" },
        { path: "gone", kind: "removed", before: "true" },
        { path: '["odd key"]', kind: "added", after: "1" }
      ],
      more: 0
    })
  })

  it("finds nothing between equal structures that are different objects (structured clones)", () => {
    const model = { rows: [{ id: 1, at: new Date(5) }], nested: { a: [1, [2, 3]] } }
    expect(diffModels(model, structuredClone(model))).toEqual({ changes: [], more: 0 })
  })

  it("reports a whole-model replacement at the empty path, and a type change where it happens", () => {
    expect(diffModels(1, 2).changes).toEqual([{ path: "", kind: "changed", before: "1", after: "2" }])
    expect(diffModels({ a: [1] }, { a: { 0: 1 } }).changes).toEqual([{ path: "a", kind: "changed", before: "[1]", after: '{"0":1}' }])
  })

  it("keeps the first `max` changes and counts the rest", () => {
    const before = { rows: Array.from({ length: 100 }, (_, i) => i) }
    const after = { rows: Array.from({ length: 100 }, (_, i) => i + 1) }
    const diff = diffModels(before, after, 10)
    expect(diff.changes.map((c) => c.path)).toEqual(Array.from({ length: 10 }, (_, i) => `rows[${i}]`))
    expect(diff.more).toBe(90)
  })

  it("property: no changes between a value and its clone; applying the diff's leaf paths explains every difference", () => {
    const json = fc.jsonValue({ maxDepth: 4 })
    fc.assert(fc.property(json, (value) => diffModels(value, structuredClone(value)).changes.length === 0), { seed: 42, numRuns: 300 })
    fc.assert(fc.property(json, json, (a, b) => {
      const diff = diffModels(a, b, 10_000)
      // Equal JSON ⇔ no changes (key order aside: compare with sorted keys).
      const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : 1))) : x))
      return (diff.changes.length === 0) === (canonical(a) === canonical(b))
    }), { seed: 7, numRuns: 300 })
  })
})

describe("summarizeValue", () => {
  it("gives short JSON, and a shape for what does not fit", () => {
    expect(summarizeValue({ type: "select", id: 3 })).toBe('{"type":"select","id":3}')
    expect(summarizeValue(Array.from({ length: 50 }, (_, i) => i))).toBe("[…50]")
    expect(summarizeValue({ a: "x".repeat(80), b: 1, c: 2, d: 3, e: 4 })).toBe("{a, b, c, d, …}")
    expect(summarizeValue("y".repeat(100), 10)).toBe(`"yyyyyyyy…`)
    expect(summarizeValue(undefined)).toBe("undefined")
    expect(summarizeValue(10n)).toBe("10n")
    expect(summarizeValue(new Map([[1, 2]]))).toBe("Map(1)")
  })
})
