import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  COMMIT_FLAG_REBUILD,
  EVENT_PREVENT_DEFAULT,
  EVENT_STOP_PROPAGATION,
  Header,
  HEADER_WORDS,
  MAGIC,
  NS_HTML,
  NS_MATHML,
  NS_SVG,
  OP_NAMES,
  PROP_FALSE,
  PROP_NULL,
  PROP_NUMBER,
  PROP_STRING,
  PROP_TRUE,
  VERSION
} from "../../protocol/opcodes.ts"
import { decodePatch, type DecodedOp, type DecodedPatch } from "../../protocol/patch-reader.ts"
import { PatchWriter } from "../../protocol/patch-writer.ts"

/**
 * decode(encode(x)) === x for every op of PatchWriter, the header fields and the string
 * section; buffer growth; pooled buffers reused without stale data.
 */

const U32_MAX = 0xffffffff
/** The argument field is the upper 24 bits of an op's first word. */
const ARG_MAX = 0xffffff

interface Header {
  rootId: number
  commitId: number
  lane: number
  eventSeq: number
}
const HEADER: Header = { rootId: 3, commitId: 41, lane: 2, eventSeq: 17 }

/** One PatchWriter call and the op it must decode to. */
interface OpCase {
  readonly name: string
  readonly write: (w: PatchWriter) => void
  readonly expected: DecodedOp
}

const op = (name: string, arg: number, operands: number[]): DecodedOp => ({ op: name, arg, operands })

const OP_CASES: OpCase[] = [
  { name: "createElement html", write: (w) => w.createElement(7, 3, NS_HTML), expected: op("CREATE_ELEMENT", NS_HTML, [7, 3]) },
  { name: "createElement svg", write: (w) => w.createElement(8, 4, NS_SVG), expected: op("CREATE_ELEMENT", NS_SVG, [8, 4]) },
  { name: "createElement mathml", write: (w) => w.createElement(9, 5, NS_MATHML), expected: op("CREATE_ELEMENT", NS_MATHML, [9, 5]) },
  { name: "createText", write: (w) => w.createText(10, 6), expected: op("CREATE_TEXT", 0, [10, 6]) },
  { name: "setText", write: (w) => w.setText(11, 12), expected: op("SET_TEXT", 0, [11, 12]) },
  { name: "setAttr", write: (w) => w.setAttr(1, 2, 3), expected: op("SET_ATTR", 0, [1, 2, 3]) },
  { name: "removeAttr", write: (w) => w.removeAttr(4, 5), expected: op("REMOVE_ATTR", 0, [4, 5]) },
  { name: "setProp string", write: (w) => w.setProp(1, 2, PROP_STRING, 3), expected: op("SET_PROP", PROP_STRING, [1, 2, 3]) },
  { name: "setProp true", write: (w) => w.setProp(1, 2, PROP_TRUE, 0), expected: op("SET_PROP", PROP_TRUE, [1, 2, 0]) },
  { name: "setProp false", write: (w) => w.setProp(1, 2, PROP_FALSE, 0), expected: op("SET_PROP", PROP_FALSE, [1, 2, 0]) },
  { name: "setProp number", write: (w) => w.setProp(1, 2, PROP_NUMBER, 9), expected: op("SET_PROP", PROP_NUMBER, [1, 2, 9]) },
  { name: "setProp null", write: (w) => w.setProp(1, 2, PROP_NULL, 0), expected: op("SET_PROP", PROP_NULL, [1, 2, 0]) },
  { name: "setStyle", write: (w) => w.setStyle(5, 6, 7), expected: op("SET_STYLE", 0, [5, 6, 7]) },
  { name: "removeStyle", write: (w) => w.removeStyle(5, 6), expected: op("REMOVE_STYLE", 0, [5, 6]) },
  { name: "append", write: (w) => w.append(0, 13), expected: op("APPEND", 0, [0, 13]) },
  { name: "insertBefore", write: (w) => w.insertBefore(1, 14, 15), expected: op("INSERT_BEFORE", 0, [1, 14, 15]) },
  { name: "remove", write: (w) => w.remove(16), expected: op("REMOVE", 0, [16]) },
  { name: "clearChildren", write: (w) => w.clearChildren(17), expected: op("CLEAR_CHILDREN", 0, [17]) },
  { name: "setEvent no flags", write: (w) => w.setEvent(2, 3, 0), expected: op("SET_EVENT", 0, [2, 3]) },
  {
    name: "setEvent both flags",
    write: (w) => w.setEvent(2, 3, EVENT_PREVENT_DEFAULT | EVENT_STOP_PROPAGATION),
    expected: op("SET_EVENT", EVENT_PREVENT_DEFAULT | EVENT_STOP_PROPAGATION, [2, 3])
  },
  { name: "removeEvent", write: (w) => w.removeEvent(2, 3), expected: op("REMOVE_EVENT", 0, [2, 3]) },
  { name: "releaseNodes one", write: (w) => w.releaseNodes([21], 1), expected: op("RELEASE_NODES", 0, [21]) },
  { name: "releaseNodes many", write: (w) => w.releaseNodes([21, 5, 99, 1], 4), expected: op("RELEASE_NODES", 0, [21, 5, 99, 1]) },
  {
    name: "releaseNodes takes only `count` ids",
    write: (w) => w.releaseNodes(Uint32Array.of(1, 2, 3, 4), 2),
    expected: op("RELEASE_NODES", 0, [1, 2])
  },
  { name: "freeStrings one", write: (w) => w.freeStrings([30], 1), expected: op("FREE_STRINGS", 0, [30]) },
  { name: "defineTemplate", write: (w) => w.defineTemplate(3, [1, 0, 5], 3), expected: op("DEFINE_TEMPLATE", 3, [1, 0, 5]) },
  {
    name: "cloneTemplate",
    write: (w) => {
      const at = w.cloneTemplate(3, 1, 0, 2)
      w.setWord(at, 40)
      w.setWord(at + 1, 41)
    },
    expected: op("CLONE_TEMPLATE", 3, [1, 0, 40, 41])
  },
  { name: "freeStrings many", write: (w) => w.freeStrings([30, 31, 0], 3), expected: op("FREE_STRINGS", 0, [30, 31, 0]) },
  // Extremes: full u32 operands and a full 24-bit argument survive unchanged.
  { name: "u32 operands", write: (w) => w.setAttr(U32_MAX, U32_MAX - 1, 0), expected: op("SET_ATTR", 0, [U32_MAX, U32_MAX - 1, 0]) },
  { name: "24-bit argument", write: (w) => w.setEvent(1, 2, ARG_MAX), expected: op("SET_EVENT", ARG_MAX, [1, 2]) },
  { name: "u32 ids in a list", write: (w) => w.releaseNodes([U32_MAX, 0], 2), expected: op("RELEASE_NODES", 0, [U32_MAX, 0]) }
]

function encode(write: (w: PatchWriter) => void, header: Header = HEADER, buffer: ArrayBuffer | null = null, writer = new PatchWriter()): ArrayBuffer {
  writer.begin(buffer, header.rootId, header.commitId, header.lane, header.eventSeq)
  write(writer)
  return writer.finish()
}

function patch(ops: DecodedOp[], strings: Array<readonly [number, string]> = [], header: Header = HEADER, flags = 0): DecodedPatch {
  return { ...header, flags, strings, ops }
}

function words(buffer: ArrayBuffer): Uint32Array {
  return new Uint32Array(buffer, 0, buffer.byteLength >>> 2)
}

describe("every op round-trips", () => {
  it("covers every opcode", () => {
    const covered = new Set(OP_CASES.map((c) => c.expected.op))
    expect([...covered].sort()).toEqual(OP_NAMES.slice(1).sort())
  })

  for (const c of OP_CASES) {
    it(c.name, () => {
      const decoded = decodePatch(encode(c.write))
      expect(decoded).toEqual(patch([c.expected]))
    })
  }

  it("all ops in one list, in order", () => {
    const decoded = decodePatch(encode((w) => OP_CASES.forEach((c) => c.write(w))))
    expect(decoded).toEqual(patch(OP_CASES.map((c) => c.expected)))
  })

  it("id lists with count 0 write nothing", () => {
    const buffer = encode((w) => {
      w.releaseNodes([], 0)
      w.freeStrings([1, 2], 0)
    })
    expect(decodePatch(buffer)).toEqual(patch([]))
    expect(words(buffer)[Header.OpWords]).toBe(0)
  })

  it("an empty list is a bare header", () => {
    const buffer = encode(() => {})
    const w = words(buffer)
    expect(decodePatch(buffer)).toEqual(patch([]))
    expect(w[Header.ByteLength]).toBe(HEADER_WORDS * 4)
    expect([w[Header.OpWords], w[Header.StringCount], w[Header.StringBytes]]).toEqual([0, 0, 0])
  })
})

describe("header", () => {
  it("writes magic, version and the sizes of each section", () => {
    const buffer = encode((w) => {
      w.defineString(0, "div")
      w.defineString(1, "é")
      w.createElement(1, 0, NS_HTML)
      w.append(0, 1)
    })
    const w = words(buffer)
    expect(w[Header.Magic]).toBe(MAGIC)
    expect(w[Header.Version]).toBe(VERSION)
    expect(w[Header.OpWords]).toBe(6)
    expect(w[Header.StringCount]).toBe(2)
    // "div" is 3 bytes, "é" 2 bytes of UTF-8.
    expect(w[Header.StringBytes]).toBe(5)
    expect(w[Header.ByteLength]).toBe((HEADER_WORDS + 6 + 2 * 2) * 4 + 5)
    expect(w[Header.Reserved]).toBe(0)
  })

  it("round-trips root id, commit id, lane and event seq, up to u32 max", () => {
    for (const header of [
      { rootId: 0, commitId: 0, lane: 0, eventSeq: 0 },
      { rootId: 1, commitId: 2, lane: 4, eventSeq: 3 },
      { rootId: U32_MAX, commitId: U32_MAX, lane: U32_MAX, eventSeq: U32_MAX }
    ]) {
      expect(decodePatch(encode((w) => w.remove(1), header))).toEqual(patch([op("REMOVE", 0, [1])], [], header))
    }
  })

  it("setFlags ORs flags together", () => {
    const buffer = encode((w) => {
      w.setFlags(COMMIT_FLAG_REBUILD)
      w.setFlags(1 << 4)
      w.setFlags(COMMIT_FLAG_REBUILD)
    })
    expect(decodePatch(buffer).flags).toBe(COMMIT_FLAG_REBUILD | (1 << 4))
  })

  it("isOpen and opWords follow begin, ops and finish", () => {
    const writer = new PatchWriter()
    expect(writer.isOpen).toBe(false)
    writer.begin(null, 1, 1, 0, 0)
    expect(writer.isOpen).toBe(true)
    expect(writer.opWords).toBe(0)
    writer.append(0, 1)
    writer.releaseNodes([1, 2], 2)
    expect(writer.opWords).toBe(3 + 4)
    writer.finish()
    expect(writer.isOpen).toBe(false)
  })
})

describe("misuse", () => {
  it("an op written after finish throws (it used to loop forever doubling an empty buffer)", () => {
    const writer = new PatchWriter()
    writer.begin(null, 1, 1, 0, 0)
    writer.finish()
    expect(() => writer.remove(1)).toThrow(/between begin\(\) and finish\(\)/)
    expect(() => writer.releaseNodes([1, 2], 2)).toThrow(/between begin\(\) and finish\(\)/)
    // The writer still works after the misuse.
    expect(decodePatch(encode((w) => w.remove(3), HEADER, null, writer)).ops).toEqual([op("REMOVE", 0, [3])])
  })
})

describe("strings", () => {
  const cases: Array<[string, string[]]> = [
    ["ascii", ["div", "class", "hello world"]],
    ["empty strings", ["", "a", "", ""]],
    ["only an empty string", [""]],
    ["non-ASCII (2- and 3-byte UTF-8)", ["é", "Ünïcödé", "日本語のテキスト", "\u00a0nbsp", "€"]],
    ["emoji (surrogate pairs, 4-byte UTF-8)", ["👍", "a👨‍👩‍👧‍👦b", "🏳️‍🌈", "𝔘𝔫𝔦"]],
    ["combining marks and zero-width", ["e\u0301", "\u200b", "a\u0000b"]],
    ["mixed, adjacent multi-byte boundaries", ["😀", "é", "😀", "", "x"]],
    ["control and quote characters", ["<script>\"'&</script>", "\n\t\r"]]
  ]
  for (const [name, texts] of cases) {
    it(name, () => {
      // Ids deliberately out of order and sparse: the table is id → text, not a list.
      const ids = texts.map((_, i) => 1000 - i * 7)
      const decoded = decodePatch(encode((w) => texts.forEach((t, i) => w.defineString(ids[i], t))))
      expect(decoded).toEqual(patch([], texts.map((t, i) => [ids[i], t] as const)))
    })
  }

  it("a lone surrogate cannot be sent as UTF-8: it arrives as U+FFFD, and the lengths still agree", () => {
    const decoded = decodePatch(encode((w) => {
      w.defineString(0, "a\ud800b")
      w.defineString(1, "after")
    }))
    expect(decoded.strings).toEqual([[0, "a\ufffdb"], [1, "after"]])
  })

  it("a long string spanning several KB of multi-byte text", () => {
    const long = "ß😀日".repeat(2000)
    const decoded = decodePatch(encode((w) => {
      w.defineString(0, long)
      w.defineString(1, "tail")
      w.createText(1, 0)
    }))
    expect(decoded.strings).toEqual([[0, long], [1, "tail"]])
    expect(decoded.ops).toEqual([op("CREATE_TEXT", 0, [1, 0])])
  })

  it("strings and ops together, strings defined in any order relative to ops", () => {
    const decoded = decodePatch(encode((w) => {
      w.createElement(1, 0, NS_HTML)
      w.defineString(0, "div")
      w.setAttr(1, 1, 2)
      w.defineString(1, "title")
      w.defineString(2, "Grüße 👋")
    }))
    expect(decoded).toEqual(patch(
      [op("CREATE_ELEMENT", NS_HTML, [1, 0]), op("SET_ATTR", 0, [1, 1, 2])],
      [[0, "div"], [1, "title"], [2, "Grüße 👋"]]
    ))
  })
})

describe("buffer growth", () => {
  it("starts at 4 KB and grows past it without losing ops", () => {
    const count = 3000 // 3000 × 4 words = 48 KB of ops
    const expected: DecodedOp[] = []
    const buffer = encode((w) => {
      for (let i = 0; i < count; i++) {
        if (i % 3 === 0) {
          w.setAttr(i, i + 1, i + 2)
          expected.push(op("SET_ATTR", 0, [i, i + 1, i + 2]))
        } else if (i % 3 === 1) {
          w.remove(i)
          expected.push(op("REMOVE", 0, [i]))
        } else {
          w.releaseNodes([i, i + 1, i + 2], 3)
          expected.push(op("RELEASE_NODES", 0, [i, i + 1, i + 2]))
        }
      }
    })
    expect(buffer.byteLength).toBeGreaterThan(4096)
    expect(decodePatch(buffer)).toEqual(patch(expected))
  })

  it("a null or small buffer is replaced by a 4 KB one", () => {
    expect(encode(() => {}, HEADER, null).byteLength).toBe(4096)
    expect(encode(() => {}, HEADER, new ArrayBuffer(64)).byteLength).toBe(4096)
  })

  it("grows for the string section alone", () => {
    const texts = Array.from({ length: 300 }, (_, i) => `string ${i} · ${"😀".repeat(i % 7)}`)
    const buffer = encode((w) => texts.forEach((t, i) => w.defineString(i, t)))
    expect(buffer.byteLength).toBeGreaterThan(4096)
    expect(decodePatch(buffer).strings).toEqual(texts.map((t, i) => [i, t]))
  })

  it("grows when a single id list is larger than twice the buffer", () => {
    const ids = Array.from({ length: 5000 }, (_, i) => i * 3)
    const buffer = encode((w) => {
      w.append(0, 1)
      w.freeStrings(ids, ids.length)
      w.remove(1)
    })
    expect(decodePatch(buffer).ops).toEqual([op("APPEND", 0, [0, 1]), op("FREE_STRINGS", 0, ids), op("REMOVE", 0, [1])])
  })
})

describe("mark and rewind (error boundaries)", () => {
  it("rewind drops the ops and strings written after the mark", () => {
    const decoded = decodePatch(encode((w) => {
      w.defineString(0, "kept")
      w.createText(1, 0)
      const at = w.mark()
      w.defineString(1, "dropped")
      w.setText(1, 1)
      w.releaseNodes([4, 5], 2)
      w.rewind(at)
      w.defineString(2, "after")
      w.append(0, 1)
    }))
    expect(decoded).toEqual(patch([op("CREATE_TEXT", 0, [1, 0]), op("APPEND", 0, [0, 1])], [[0, "kept"], [2, "after"]]))
  })

  it("nested marks rewind to the right place, also after the buffer grew", () => {
    const expected: DecodedOp[] = []
    const decoded = decodePatch(encode((w) => {
      w.remove(1)
      expected.push(op("REMOVE", 0, [1]))
      const outer = w.mark()
      w.remove(2)
      const inner = w.mark()
      for (let i = 0; i < 2000; i++) w.setAttr(i, 1, 2) // grows the 4 KB buffer
      w.defineString(9, "inner")
      w.rewind(inner)
      w.remove(3)
      w.rewind(outer)
      w.remove(4)
      expected.push(op("REMOVE", 0, [4]))
    }))
    expect(decoded).toEqual(patch(expected))
  })

  it("a rewind to a mark taken at begin leaves an empty list", () => {
    const buffer = encode((w) => {
      const at = w.mark()
      w.defineString(0, "x")
      w.createText(1, 0)
      w.rewind(at)
    })
    expect(decodePatch(buffer)).toEqual(patch([]))
    expect(new Uint32Array(buffer)[Header.ByteLength]).toBe(HEADER_WORDS * 4)
  })
})

describe("pooled buffers", () => {
  /** A big list with many strings, to leave as much stale data as possible behind. */
  function big(w: PatchWriter): void {
    w.setFlags(COMMIT_FLAG_REBUILD)
    for (let i = 0; i < 500; i++) {
      w.defineString(i, `stale ${i} ✗`)
      w.setAttr(i + 1, i, i)
    }
  }

  it("reuses the finished buffer and decodes only the new list", () => {
    const writer = new PatchWriter()
    const first = encode(big, { rootId: 9, commitId: 1, lane: 4, eventSeq: 99 }, new ArrayBuffer(65536), writer)
    expect(first.byteLength).toBe(65536)
    const second = encode((w) => {
      w.defineString(7, "fresh")
      w.createText(3, 7)
    }, HEADER, first, writer)
    expect(second).toBe(first) // same ArrayBuffer: no allocation
    expect(decodePatch(second)).toEqual(patch([op("CREATE_TEXT", 0, [3, 7])], [[7, "fresh"]]))
  })

  it("an empty list in a reused buffer decodes as empty (flags cleared too)", () => {
    const writer = new PatchWriter()
    const first = encode(big, HEADER, null, writer)
    const second = encode(() => {}, { rootId: 1, commitId: 2, lane: 0, eventSeq: 0 }, first, writer)
    expect(decodePatch(second)).toEqual(patch([], [], { rootId: 1, commitId: 2, lane: 0, eventSeq: 0 }))
  })

  it("a buffer full of garbage is overwritten where it matters", () => {
    const garbage = new ArrayBuffer(8192)
    new Uint32Array(garbage).fill(0xdeadbeef)
    const buffer = encode((w) => {
      w.defineString(0, "ok")
      w.setText(5, 0)
    }, HEADER, garbage)
    expect(buffer).toBe(garbage)
    expect(decodePatch(buffer)).toEqual(patch([op("SET_TEXT", 0, [5, 0])], [[0, "ok"]]))
  })

  it("a buffer that grew is returned and can be pooled again", () => {
    const writer = new PatchWriter()
    const grown = encode(big, HEADER, null, writer)
    expect(grown.byteLength).toBeGreaterThan(4096)
    const again = encode((w) => w.remove(1), HEADER, grown, writer)
    expect(again).toBe(grown)
    expect(decodePatch(again)).toEqual(patch([op("REMOVE", 0, [1])]))
  })

  it("the writer forgets the buffer at finish, so the pool owns it", () => {
    const writer = new PatchWriter()
    const a = encode((w) => w.remove(1), HEADER, null, writer)
    const before = new Uint8Array(a).slice()
    // A second list in a fresh buffer must not write into the first.
    encode((w) => w.remove(2), HEADER, null, writer)
    expect(new Uint8Array(a)).toEqual(before)
  })
})

describe("decode(encode(x)) for random lists (seeded)", () => {
  type Call = { readonly write: (w: PatchWriter) => void; readonly expected: DecodedOp }
  const u32 = fc.nat({ max: U32_MAX })
  const id = fc.oneof(fc.nat({ max: 64 }), u32)
  const call: fc.Arbitrary<Call> = fc.oneof(
    fc.tuple(id, id, fc.constantFrom(NS_HTML, NS_SVG, NS_MATHML)).map(([a, b, ns]) => ({
      write: (w: PatchWriter) => w.createElement(a, b, ns),
      expected: op("CREATE_ELEMENT", ns, [a, b])
    })),
    fc.tuple(id, id).map(([a, b]) => ({ write: (w: PatchWriter) => w.setText(a, b), expected: op("SET_TEXT", 0, [a, b]) })),
    fc.tuple(id, id, id).map(([a, b, c]) => ({ write: (w: PatchWriter) => w.setStyle(a, b, c), expected: op("SET_STYLE", 0, [a, b, c]) })),
    fc.tuple(id, id, fc.nat({ max: 4 }), id).map(([a, b, k, c]) => ({
      write: (w: PatchWriter) => w.setProp(a, b, k, c),
      expected: op("SET_PROP", k, [a, b, c])
    })),
    fc.tuple(id, id, id).map(([a, b, c]) => ({ write: (w: PatchWriter) => w.insertBefore(a, b, c), expected: op("INSERT_BEFORE", 0, [a, b, c]) })),
    id.map((a) => ({ write: (w: PatchWriter) => w.clearChildren(a), expected: op("CLEAR_CHILDREN", 0, [a]) })),
    fc.tuple(id, id, fc.nat({ max: 3 })).map(([a, b, f]) => ({ write: (w: PatchWriter) => w.setEvent(a, b, f), expected: op("SET_EVENT", f, [a, b]) })),
    fc.array(id, { minLength: 1, maxLength: 20 }).map((ids) => ({
      write: (w: PatchWriter) => w.releaseNodes(ids, ids.length),
      expected: op("RELEASE_NODES", 0, ids)
    })),
    fc.array(id, { minLength: 1, maxLength: 20 }).map((ids) => ({
      write: (w: PatchWriter) => w.freeStrings(ids, ids.length),
      expected: op("FREE_STRINGS", 0, ids)
    }))
  )
  // Well-formed strings only: a lone surrogate cannot be encoded as UTF-8 (see docs/wire-format.md).
  const text = fc.oneof(fc.string({ unit: "grapheme", maxLength: 12 }), fc.string({ unit: "binary-ascii", maxLength: 12 }))

  it("round-trips ops, strings and header", () => {
    fc.assert(
      fc.property(
        fc.array(call, { maxLength: 400 }),
        fc.array(fc.tuple(u32, text), { maxLength: 40 }),
        fc.record({ rootId: u32, commitId: u32, lane: fc.nat({ max: 4 }), eventSeq: u32 }),
        fc.nat({ max: ARG_MAX }),
        fc.boolean(),
        (calls, strings, header, flags, pooled) => {
          const writer = new PatchWriter()
          // Half the runs reuse a buffer that held a different list first.
          const pool = pooled ? encode((w) => OP_CASES.forEach((c) => c.write(w)), HEADER, null, writer) : null
          const buffer = encode((w) => {
            w.setFlags(flags)
            for (const c of calls) c.write(w)
            for (const [i, t] of strings) w.defineString(i, t)
          }, header, pool, writer)
          expect(decodePatch(buffer)).toEqual(patch(calls.map((c) => c.expected), strings, header, flags))
        }
      ),
      { seed: 0x5eed, numRuns: Number(process.env.SHUTTLE_FC_RUNS ?? 300) }
    )
  })
})
