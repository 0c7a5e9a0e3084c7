// @vitest-environment happy-dom
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Applier } from "../../src/dom/applier.ts"
import { ApplyError, MalformedPatchError, UnknownNodeError } from "../../protocol/errors.ts"
import { LANE_DEFAULT } from "../../protocol/lanes.ts"
import { Header, HEADER_WORDS, MAGIC, OP_LAST, OP_WORDS, VERSION } from "../../protocol/opcodes.ts"
import { h } from "../../workers/h.ts"
import { Renderer } from "../../workers/diff/renderer.ts"
import type { ElementProps } from "../../workers/element-props.ts"
import type { Child } from "../../workers/vnode.ts"

/**
 * Decoder fuzzing (msgpack's decode fuzz, TESTING.md item 4). Every patch list handed to
 * the applier either applies as a valid list or is refused with a typed error
 * (MalformedPatchError, UnknownNodeError, ApplyError), never another exception; a refused
 * list leaves the DOM exactly as it was (markup, node identity, form properties, tables,
 * listeners), and the next valid list still applies.
 *
 * Inputs: random bytes; random words behind a valid header; every truncation and 1–8 bit
 * flips of 1,000 valid lists from a differential corpus (random vnode trees rendered in
 * sequence by workers/diff/renderer.ts, as test/_util/pipeline.ts does).
 *
 *   DECODER_FUZZ_RANDOM=10000 DECODER_FUZZ_LISTS=1000 DECODER_FUZZ_FLIPS=8 DECODER_FUZZ_FULL_EVERY=1 DECODER_FUZZ_SEED=… npx vitest run test/property/decoder-fuzz.test.ts
 */
const RANDOM_RUNS = Number(process.env.DECODER_FUZZ_RANDOM ?? 10_000)
const LISTS = Number(process.env.DECODER_FUZZ_LISTS ?? 1_000)
const FLIPS_PER_LIST = Number(process.env.DECODER_FUZZ_FLIPS ?? 8)
/** One refused case in this many gets the full comparison (markup, node identity); every one gets the cheap checks. */
const FULL_CHECK_EVERY = Number(process.env.DECODER_FUZZ_FULL_EVERY ?? 8)
const SEED = Number(process.env.DECODER_FUZZ_SEED ?? 0xdec0de)
/** Lists per corpus sequence: each sequence starts from an empty container. */
const STEPS = 8

// ---- the corpus: random trees rendered in sequence --------------------------------------

type Spec =
  | { readonly t: "text"; readonly v: string }
  | { readonly t: "el"; readonly tag: string; readonly attrs: Readonly<Record<string, string>>; readonly on: readonly string[]; readonly style: string | null; readonly children: readonly Spec[]; readonly keyed: boolean }
  | { readonly t: "input"; readonly value: string; readonly checked: boolean }
  | { readonly t: "svg"; readonly children: readonly Spec[] }

const TEXTS = ["", "a", "hello world", "ü", "👍🏽", "<&>", "42"]
const depth = fc.createDepthIdentifier()
const specs = fc.letrec<{ node: Spec; children: Spec[] }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", maxDepth: 5, depthIdentifier: depth },
    fc.record({ t: fc.constant("text" as const), v: fc.constantFrom(...TEXTS) }),
    fc.record({
      t: fc.constant("el" as const),
      tag: fc.constantFrom("div", "span", "p", "ul", "li", "b", "section"),
      attrs: fc.dictionary(fc.constantFrom("id", "title", "class", "data-x", "aria-label"), fc.constantFrom(...TEXTS), { maxKeys: 3 }),
      on: fc.subarray(["onClick", "onInput", "onKeyDown"]),
      style: fc.constantFrom(null, "color: red", "width: 5px; opacity: 0.5"),
      children: tie("children"),
      keyed: fc.boolean()
    }),
    fc.record({ t: fc.constant("input" as const), value: fc.constantFrom(...TEXTS), checked: fc.boolean() }),
    fc.record({ t: fc.constant("svg" as const), children: tie("children") })
  ),
  children: fc.array(tie("node"), { maxLength: 5, depthIdentifier: depth })
}))

function build(s: Spec, key?: number): Child {
  switch (s.t) {
    case "text":
      return s.v
    case "input":
      return h("input", { key, value: s.value, checked: s.checked, type: s.checked ? "checkbox" : "text" })
    case "svg":
      return h("svg", { key }, h("g", null, ...s.children.filter((c) => c.t === "text").map((c) => build(c))), h("circle", { r: "1" }))
    case "el": {
      const props: Record<string, unknown> = { ...s.attrs, key }
      if (s.style !== null) props.style = s.style
      for (const on of s.on) props[on] = { msg: on }
      // Keyed children move when the next tree reorders them: moves, inserts and removes on the wire.
      return h(s.tag, props as ElementProps, ...s.children.map((c, i) => build(c, s.keyed ? (i * 7 + s.children.length) % 11 : undefined)))
    }
  }
}

interface Step {
  /** Exactly the used bytes of the list (a pooled buffer may be longer). */
  readonly list: ArrayBuffer
  /** The container's HTML after it applies. */
  readonly html: string
}

/** Sequences of valid lists, each valid in order from an empty container, `lists` in all. */
function makeCorpus(lists: number): Step[][] {
  const sequences: Step[][] = []
  let total = 0
  const trees = fc.sample(fc.array(specs.node, { minLength: 1, maxLength: 4 }), { seed: SEED, numRuns: Math.ceil(lists / STEPS) * STEPS * 2 })
  let next = 0
  while (total < lists) {
    const env = emptyEnv()
    const renderer = new Renderer(1)
    const steps: Step[] = []
    while (steps.length < STEPS && total < lists) {
      const tree = trees[next++ % trees.length]
      const buffer = renderer.render(() => h("main", null, ...tree.map((s) => build(s))), LANE_DEFAULT, 0)
      if (buffer === null) continue
      const used = new Uint32Array(buffer, 0, HEADER_WORDS)[Header.ByteLength]
      const list = buffer.slice(0, used)
      renderer.acknowledge(env.applier.apply(list.slice(0)), buffer)
      steps.push({ list, html: env.container.innerHTML })
      total++
    }
    sequences.push(steps)
  }
  return sequences
}

// ---- environments and the checks --------------------------------------------------------

function emptyEnv() {
  const container = document.createElement("div")
  const listened: string[] = []
  const applier = new Applier(container, {
    listen: (type) => listened.push(type),
    unlisten: (type) => listened.splice(listened.indexOf(type), 1)
  })
  // Records every DOM mutation under the container: a refused list must leave none.
  const observer = new MutationObserver(() => undefined)
  observer.observe(container, { subtree: true, childList: true, attributes: true, characterData: true })
  return { container, applier, listened, observer, inputs: [] as HTMLInputElement[] }
}
type Env = ReturnType<typeof emptyEnv>

/** The state of `corpus[sequence]` after its first `upTo` lists. */
function envAt(steps: readonly Step[], upTo: number): Env {
  const env = emptyEnv()
  for (let i = 0; i < upTo; i++) env.applier.apply(steps[i].list.slice(0))
  settle(env)
  return env
}

/** After a valid apply: forget its mutations, and note the inputs whose properties a refused list must not change. */
function settle(env: Env): void {
  env.observer.takeRecords()
  env.inputs = Array.from(env.container.querySelectorAll("input"))
}

function snapshot(env: Env) {
  const nodes: Node[] = []
  const props: unknown[] = []
  const walker = document.createTreeWalker(env.container)
  for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
    nodes.push(n)
    if (n instanceof HTMLInputElement) props.push(n.value, n.checked)
  }
  return { html: env.container.innerHTML, nodes, props, nodeCount: env.applier.nodeCount, stringCount: env.applier.stringCount, listened: env.listened.join() }
}

const outcomes = { applied: 0, malformed: 0, unknownNode: 0, applyError: 0 }

/** Form properties and listeners: what the mutation log does not record. */
function formState(env: Env): string {
  let state = env.listened.join()
  for (const input of env.inputs) state += `|${input.value}|${input.checked}`
  return state
}

let checked = 0

/**
 * Applies `list`. A valid apply returns true. A typed error must leave everything as it
 * was: the mutation log is empty (no DOM call changed the tree, an attribute or a text),
 * the tables, form properties and listeners are as before, and, one case in
 * FULL_CHECK_EVERY (or when `before` is given), the markup and every node's identity are
 * as `before`. Anything else fails the test.
 */
function applyOrRefuse(env: Env, list: ArrayBuffer, before: ReturnType<typeof snapshot> | null, where: () => string): boolean {
  const nodes = env.applier.nodeCount
  const strings = env.applier.stringCount
  const form = formState(env)
  if (before === null && ++checked % FULL_CHECK_EVERY === 0) before = snapshot(env)
  try {
    env.applier.apply(list)
  } catch (error) {
    if (error instanceof MalformedPatchError) outcomes.malformed++
    else if (error instanceof UnknownNodeError) outcomes.unknownNode++
    else if (error instanceof ApplyError) outcomes.applyError++
    else throw new Error(`${where()}: not a typed error: ${String(error)}`, { cause: error })
    const mutations = env.observer.takeRecords()
    if (mutations.length > 0) throw new Error(`${where()}: ${(error as Error).message} — yet the DOM changed (${mutations.length} mutations)`)
    expect(env.applier.nodeCount, where()).toBe(nodes)
    expect(env.applier.stringCount, where()).toBe(strings)
    expect(formState(env), where()).toBe(form)
    if (before !== null) {
      const after = snapshot(env)
      expect(after.html, where()).toBe(before.html)
      expect(after.nodes.length, where()).toBe(before.nodes.length)
      for (let i = 0; i < after.nodes.length; i++) if (after.nodes[i] !== before.nodes[i]) throw new Error(`${where()}: node ${i} was replaced`)
      expect(after.props, where()).toEqual(before.props)
      expect(after.listened, where()).toBe(before.listened)
    }
    return false
  }
  settle(env)
  outcomes.applied++
  return true
}

const hex = (list: ArrayBuffer) => Buffer.from(list).toString("hex")

// ---- the fuzz ---------------------------------------------------------------------------

describe("decoder fuzz", () => {
  const corpus = makeCorpus(LISTS)

  it(`the corpus: ${LISTS} valid lists, each applying to the DOM its tree renders`, () => {
    expect(corpus.flat()).toHaveLength(LISTS)
    // A replay from scratch gives the same DOM: the lists are self-contained, in order.
    for (const steps of corpus.slice(0, 20)) {
      const env = emptyEnv()
      for (const step of steps) {
        env.applier.apply(step.list.slice(0))
        expect(env.container.innerHTML).toBe(step.html)
      }
    }
  })

  it(`random bytes and random words behind a valid header (${RANDOM_RUNS} runs): applied or refused typed, DOM untouched, the next valid list applies`, () => {
    outcomes.applied = outcomes.malformed = outcomes.unknownNode = outcomes.applyError = 0
    // Random words behind a header whose sizes add up, ops with known opcodes and small
    // operands: these get past the header checks and exercise op validation.
    const opWord = fc.oneof(
      fc.integer({ min: 1, max: OP_LAST }).chain((code) => fc.tuple(fc.constant(code), fc.integer({ min: 0, max: 4 }))).map(([code, arg]) => code | (arg << 8)),
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 0xffffffff })
    )
    const structured = fc.record({
      ops: fc.array(opWord, { maxLength: 40 }),
      strings: fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.constantFrom("", "div", "a b", "ü", "x=y", "-1")), { maxLength: 4 })
    }).map(({ ops, strings }) => {
      const bytes = new TextEncoder().encode(strings.map(([, s]) => s).join(""))
      const words = HEADER_WORDS + ops.length + 2 * strings.length
      const list = new ArrayBuffer(((words * 4 + bytes.length + 3) >>> 2) << 2)
      const w = new Uint32Array(list)
      w[Header.Magic] = MAGIC
      w[Header.Version] = VERSION
      w[Header.RootId] = 1
      w[Header.ByteLength] = words * 4 + bytes.length
      w[Header.OpWords] = ops.length
      w[Header.StringCount] = strings.length
      w[Header.StringBytes] = bytes.length
      w.set(ops, HEADER_WORDS)
      strings.forEach(([id, s], i) => {
        w[HEADER_WORDS + ops.length + i] = id
        w[HEADER_WORDS + ops.length + strings.length + i] = s.length
      })
      new Uint8Array(list, words * 4).set(bytes)
      return list
    })
    const raw = fc.uint8Array({ maxLength: 200 }).map((bytes) => {
      const list = new ArrayBuffer(bytes.length)
      new Uint8Array(list).set(bytes)
      return list
    })
    // A magic and version in front of random bytes, so the header checks themselves are fuzzed.
    const headed = fc.uint8Array({ minLength: 8, maxLength: 200 }).map((bytes) => {
      const list = new ArrayBuffer(((bytes.length + 3) >>> 2) << 2)
      new Uint8Array(list).set(bytes)
      new Uint32Array(list, 0, 2).set([MAGIC, VERSION])
      return list
    })

    // Fuzz against realistic tables: walk the corpus sequences, one valid list after each rejection.
    let sequence = 0
    let step = 1
    let env = envAt(corpus[0], 1)
    fc.assert(
      fc.property(fc.oneof(raw, headed, structured, structured), (list) => {
        const steps = corpus[sequence]
        const where = () => `sequence ${sequence} step ${step}, list ${hex(list)}`
        if (applyOrRefuse(env, list, null, where)) {
          // It was a valid list after all: start again from a known state.
          env = envAt(steps, step)
          return
        }
        // The next valid list still applies, and shows what its tree renders.
        env.applier.apply(steps[step].list.slice(0))
        settle(env)
        expect(env.container.innerHTML).toBe(steps[step].html)
        step++
        if (step >= steps.length) {
          sequence = (sequence + 1) % corpus.length
          step = 1
          env = envAt(corpus[sequence], 1)
        }
      }),
      { seed: SEED, numRuns: RANDOM_RUNS }
    )
    if (process.env.DECODER_FUZZ_REPORT) console.log("random", outcomes)
    // Each generator reached each outcome, or the property proved little.
    expect(outcomes.malformed).toBeGreaterThan(RANDOM_RUNS / 2)
    expect(outcomes.unknownNode).toBeGreaterThan(RANDOM_RUNS / 100)
    expect(outcomes.applied).toBeGreaterThan(RANDOM_RUNS / 200)
  }, 120_000)

  it(`every truncation of each of the ${LISTS} valid lists is refused, DOM untouched; the whole list then applies`, () => {
    let cases = 0
    for (let s = 0; s < corpus.length; s++) {
      const steps = corpus[s]
      const env = envAt(steps, 0)
      for (let i = 0; i < steps.length; i++) {
        const full = steps[i].list
        // One resizable copy cut shorter and shorter: no copy per truncation.
        // (ES2024 resizable buffers: Node 20 has them; the tsconfig's lib is ES2022.)
        const cut = new (ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer & { resize(length: number): void })(full.byteLength, { maxByteLength: full.byteLength })
        new Uint8Array(cut).set(new Uint8Array(full))
        for (let length = full.byteLength - 1; length >= 0; length--) {
          cut.resize(length)
          cases++
          const applied = applyOrRefuse(env, cut, null, () => `sequence ${s} list ${i} cut to ${length} bytes`)
          expect(applied, `sequence ${s} list ${i} cut to ${length} of ${full.byteLength} bytes applied`).toBe(false)
        }
        env.applier.apply(full.slice(0))
        settle(env)
        expect(env.container.innerHTML).toBe(steps[i].html)
      }
    }
    if (process.env.DECODER_FUZZ_REPORT) console.log("truncations", cases)
    expect(cases).toBeGreaterThan(LISTS * 100)
  }, 120_000)

  it(`1–8 bit flips of each of the ${LISTS} valid lists (${FLIPS_PER_LIST} per list): applied or refused typed, DOM untouched; the list then applies`, () => {
    outcomes.applied = outcomes.malformed = outcomes.unknownNode = outcomes.applyError = 0
    const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 })
    const samples = fc.sample(fc.array(flips, { minLength: FLIPS_PER_LIST, maxLength: FLIPS_PER_LIST }), { seed: SEED + 1, numRuns: LISTS })
    let n = 0
    for (let s = 0; s < corpus.length; s++) {
      const steps = corpus[s]
      let env = envAt(steps, 0)
      for (let i = 0; i < steps.length; i++) {
        const full = steps[i].list
        const bytes = full.byteLength
        for (const mutation of samples[n++]) {
          const flipped = full.slice(0)
          const view = new Uint8Array(flipped)
          for (const [at, bit] of mutation) view[at % bytes] ^= 1 << bit
          const where = () => `sequence ${s} list ${i}, flips ${JSON.stringify(mutation.map(([at, bit]) => [at % bytes, bit]))} of ${hex(full)}`
          if (applyOrRefuse(env, flipped, null, where)) env = envAt(steps, i)
        }
        // After the refused (or undone) mutants, the valid list still applies.
        env.applier.apply(full.slice(0))
        settle(env)
        expect(env.container.innerHTML).toBe(steps[i].html)
      }
    }
    if (process.env.DECODER_FUZZ_REPORT) console.log("bit flips", outcomes)
    expect(outcomes.malformed).toBeGreaterThan(LISTS)
    expect(outcomes.unknownNode).toBeGreaterThan(LISTS / 10)
    expect(outcomes.applied).toBeGreaterThan(LISTS / 10)
  }, 120_000)
})

// OP_WORDS is imported so a new opcode without a size fails to compile here too.
void OP_WORDS
