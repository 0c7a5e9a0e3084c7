import { expect } from "vitest"
import { h } from "../../workers/h.ts"
import type { DecodedPatch } from "../../protocol/patch-reader.ts"
import type { Child, Key, VNode } from "../../workers/vnode.ts"
import { createPipeline, freshRender, traceInsertions } from "./pipeline.ts"

/**
 * A keyed `<ul>` driven through the whole pipeline, checking the invariants of TESTING.md
 * item 1 after every patch: the DOM equals a fresh render, nodes that kept their key are
 * the same objects, and kept nodes move at most (kept − LIS) times.
 */

/** What one patch of the list did to the `<ul>`, from a trace of its insertion calls. */
export interface PatchReport {
  /** insertBefore/appendChild calls on the list parent for nodes that existed before the patch. */
  readonly moves: number
  /** The fewest moves any correct patch needs: kept − LIS of the kept keys' old positions. */
  readonly minMoves: number
  /** Insertions of nodes created by the patch. */
  readonly insertions: number
  /** Keys present before and after (with the same tag). */
  readonly kept: number
  /** False when the renderer found nothing to change and sent no patch list. */
  readonly changed: boolean
}

/** What the checks need of a pipeline: `createPipeline()` or a variant of it. */
export interface RenderTarget {
  readonly container: Element
  render(view: Child): DecodedPatch | null
}

/** The default item: `<li key=k>k</li>`. */
export function defaultItem(key: Key): VNode {
  return h("li", { key }, String(key))
}

export function keyedList(keys: readonly Key[], item: (key: Key) => VNode = defaultItem): VNode {
  return h("ul", null, keys.map(item))
}

/**
 * Mounts `keys` and returns an `update` that patches to new keys and asserts the
 * invariants. `item` must render one element per key; a key keeps its DOM node across a
 * patch when `item` gives it the same tag before and after.
 */
export function mountKeyedList(initial: readonly Key[], item: (key: Key) => VNode = defaultItem, pipeline: RenderTarget = createPipeline()) {
  let keys: readonly Key[] = []
  let tags = new Map<Key, string>()

  const render = (next: readonly Key[], context: string): PatchReport => {
    const view = keyedList(next, item)
    const list = pipeline.container.firstChild as Element | null
    const before = list === null ? [] : [...list.childNodes]
    const beforeSet = new Set<Node>(before)
    const oldIndex = new Map<Key, number>()
    keys.forEach((key, i) => oldIndex.set(key, i))

    const trace = list === null ? null : traceInsertions(list)
    let changed: boolean
    try {
      changed = pipeline.render(view) !== null
    } finally {
      trace?.restore()
    }

    const where = `${context}: ${JSON.stringify(keys)} → ${JSON.stringify(next)}`
    expect(pipeline.container.innerHTML, where).toBe(freshRender(keyedList(next, item)))
    const after = [...(pipeline.container.firstChild as Element).childNodes]
    if (list !== null) expect(pipeline.container.firstChild, `${where}: the <ul> itself is kept`).toBe(list)
    expect(after.length, where).toBe(next.length)

    const nextTags = new Map<Key, string>()
    const keptOldPositions: number[] = []
    for (let j = 0; j < next.length; j++) {
      const key = next[j]
      const tag = (after[j] as Element).localName
      nextTags.set(key, tag)
      const i = oldIndex.get(key)
      if (i !== undefined && tags.get(key) === tag) {
        expect(after[j], `${where}: key ${JSON.stringify(key)} keeps its node`).toBe(before[i])
        keptOldPositions.push(i)
      } else {
        expect(beforeSet.has(after[j]), `${where}: key ${JSON.stringify(key)} is a new node`).toBe(false)
      }
    }

    const calls = trace === null ? [] : trace.calls
    const moves = calls.filter((call) => beforeSet.has(call.node)).length
    const insertions = calls.length - moves
    const kept = keptOldPositions.length
    const minMoves = kept - lisLength(keptOldPositions)
    expect(moves, `${where}: moves of kept nodes`).toBeLessThanOrEqual(minMoves)
    if (list !== null) expect(insertions, `${where}: each new node is inserted once`).toBe(next.length - kept)

    keys = next.slice()
    tags = nextTags
    return { moves, minMoves, insertions, kept, changed }
  }

  render(initial, "mount")
  return {
    pipeline,
    get keys(): readonly Key[] {
      return keys
    },
    /** The `<ul>`. */
    get list(): Element {
      return pipeline.container.firstChild as Element
    },
    /** Patches to `next` and checks the invariants; `context` prefixes failure messages. */
    update(next: readonly Key[], context = "update"): PatchReport {
      return render(next, context)
    }
  }
}

/** Length of the longest strictly increasing subsequence, by the O(n²) textbook DP. */
export function lisLength(values: readonly number[]): number {
  const best: number[] = []
  let longest = 0
  for (let i = 0; i < values.length; i++) {
    best[i] = 1
    for (let k = 0; k < i; k++) if (values[k] < values[i] && best[k] + 1 > best[i]) best[i] = best[k] + 1
    if (best[i] > longest) longest = best[i]
  }
  return longest
}

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence, so failures replay. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function randomInt(random: () => number, below: number): number {
  return Math.floor(random() * below)
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const out = items.slice()
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1)
    const swap = out[i]
    out[i] = out[j]
    out[j] = swap
  }
  return out
}

/** Every permutation of `items`, in lexicographic order of positions. */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()]
  const out: T[][] = []
  for (let i = 0; i < items.length; i++) {
    const rest = items.slice(0, i).concat(items.slice(i + 1))
    for (const tail of permutations(rest)) out.push([items[i], ...tail])
  }
  return out
}
