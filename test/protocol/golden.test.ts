import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import {
  COMMIT_FLAG_REBUILD,
  EVENT_PREVENT_DEFAULT,
  EVENT_STOP_PROPAGATION,
  Header,
  HEADER_WORDS,
  NS_HTML,
  NS_SVG,
  OP_NAMES,
  TEMPLATE_ELEMENT,
  TEMPLATE_TEXT,
  PROP_NUMBER,
  PROP_STRING,
  PROP_TRUE,
  VERSION
} from "../../protocol/opcodes.ts"
import { decodePatch, opSize, type DecodedOp } from "../../protocol/patch-reader.ts"
import { PatchWriter } from "../../protocol/patch-writer.ts"

/**
 * Golden buffers: the exact bytes PatchWriter produces for fixed inputs, one file per
 * opcode plus a multi-op list with strings. A change to any byte fails here, so a change
 * to the wire format is always deliberate: update the files with
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/protocol/golden.test.ts
 *
 * review the diff, bump VERSION in protocol/opcodes.ts if old appliers cannot read
 * the new bytes, and update docs/wire-format.md.
 */

const GOLDEN_DIR = new URL("./golden/", import.meta.url)
const UPDATE = process.env.UPDATE_GOLDEN === "1"

/** One PatchWriter call, as data, so a golden file can say what produced it. */
type Call =
  | readonly ["begin", rootId: number, commitId: number, lane: number, eventSeq: number]
  | readonly ["setFlags", flags: number]
  | readonly ["defineString", id: number, text: string]
  | readonly ["createElement", id: number, tag: number, namespace: number]
  | readonly ["createText", id: number, text: number]
  | readonly ["setText", id: number, text: number]
  | readonly ["setAttr", id: number, name: number, value: number]
  | readonly ["removeAttr", id: number, name: number]
  | readonly ["setProp", id: number, name: number, kind: number, value: number]
  | readonly ["setStyle", id: number, name: number, value: number]
  | readonly ["removeStyle", id: number, name: number]
  | readonly ["append", parent: number, child: number]
  | readonly ["insertBefore", parent: number, child: number, ref: number]
  | readonly ["remove", id: number]
  | readonly ["clearChildren", parent: number]
  | readonly ["releaseNodes", ids: readonly number[]]
  | readonly ["setEvent", id: number, type: number, flags: number]
  | readonly ["removeEvent", id: number, type: number]
  | readonly ["freeStrings", ids: readonly number[]]
  | readonly ["defineTemplate", template: number, body: readonly number[]]
  | readonly ["cloneTemplate", template: number, parent: number, ref: number, slots: readonly number[]]

interface GoldenCase {
  /** File name without `.json`. */
  readonly file: string
  readonly note: string
  readonly calls: readonly Call[]
}

interface GoldenFile {
  readonly note: string
  readonly version: number
  readonly calls: readonly Call[]
  readonly byteLength: number
  /** Little-endian u32 words covering byteLength, the last one zero-padded, as 0x-hex. */
  readonly words: readonly string[]
}

const BEGIN: Call = ["begin", 1, 7, 2, 5]

const CASES: readonly GoldenCase[] = [
  { file: "01-create-element", note: "CREATE_ELEMENT: [op | ns<<8, id, tag], here an svg element", calls: [BEGIN, ["createElement", 3, 9, NS_SVG]] },
  { file: "02-create-text", note: "CREATE_TEXT: [op, id, text]", calls: [BEGIN, ["createText", 4, 10]] },
  { file: "03-set-text", note: "SET_TEXT: [op, id, text]", calls: [BEGIN, ["setText", 4, 11]] },
  { file: "04-set-attr", note: "SET_ATTR: [op, id, name, value]", calls: [BEGIN, ["setAttr", 3, 12, 13]] },
  { file: "05-remove-attr", note: "REMOVE_ATTR: [op, id, name]", calls: [BEGIN, ["removeAttr", 3, 12]] },
  { file: "06-set-prop", note: "SET_PROP: [op | kind<<8, id, name, value], kind PROP_NUMBER", calls: [BEGIN, ["setProp", 5, 14, PROP_NUMBER, 15]] },
  { file: "07-set-style", note: "SET_STYLE: [op, id, name, value]", calls: [BEGIN, ["setStyle", 3, 16, 17]] },
  { file: "08-remove-style", note: "REMOVE_STYLE: [op, id, name]", calls: [BEGIN, ["removeStyle", 3, 16]] },
  { file: "09-append", note: "APPEND: [op, parent, child], parent 0 is the container", calls: [BEGIN, ["append", 0, 3]] },
  { file: "10-insert-before", note: "INSERT_BEFORE: [op, parent, child, ref]", calls: [BEGIN, ["insertBefore", 3, 4, 6]] },
  { file: "11-remove", note: "REMOVE: [op, id]", calls: [BEGIN, ["remove", 4]] },
  { file: "12-clear-children", note: "CLEAR_CHILDREN: [op, parent]", calls: [BEGIN, ["clearChildren", 3]] },
  { file: "13-release-nodes", note: "RELEASE_NODES: [op, count, id × count]", calls: [BEGIN, ["releaseNodes", [4, 6, 70000]]] },
  {
    file: "14-set-event",
    note: "SET_EVENT: [op | flags<<8, id, type], flags preventDefault | stopPropagation",
    calls: [BEGIN, ["setEvent", 3, 18, EVENT_PREVENT_DEFAULT | EVENT_STOP_PROPAGATION]]
  },
  { file: "15-remove-event", note: "REMOVE_EVENT: [op, id, type]", calls: [BEGIN, ["removeEvent", 3, 18]] },
  { file: "16-free-strings", note: "FREE_STRINGS: [op, count, id × count]", calls: [BEGIN, ["freeStrings", [9, 10]]] },
  {
    file: "17-define-template",
    note: "DEFINE_TEMPLATE: [op | template<<8, count, body], template 2: <tr class=s13 onclick(s18, flags 1)><td>text</td><td/></tr> in preorder",
    calls: [BEGIN, ["defineTemplate", 2, [
      TEMPLATE_ELEMENT | (1 << 8) | (1 << 16), 2, 9, 12, 13, 18, EVENT_PREVENT_DEFAULT,
      TEMPLATE_ELEMENT, 1, 10,
      TEMPLATE_TEXT,
      TEMPLATE_ELEMENT, 0, 10
    ]]]
  },
  {
    file: "18-clone-template",
    note: "CLONE_TEMPLATE: [op | template<<8, count, parent, ref, id × nodes, text × texts], template 2 (4 nodes, 1 text) appended to node 3",
    calls: [BEGIN, ["cloneTemplate", 2, 3, 0, [20, 21, 22, 23, 11]]]
  },
  {
    file: "multi-op-with-strings",
    note: "A whole commit: header flags, ops of several sizes, and a string section with an empty, a non-ASCII and an emoji string (byte length not a multiple of 4)",
    calls: [
      ["begin", 2, 1, 0, 3],
      ["setFlags", COMMIT_FLAG_REBUILD],
      ["defineString", 0, "ul"],
      ["defineString", 1, "class"],
      ["defineString", 2, "liste fermée"],
      ["defineString", 3, "li"],
      ["defineString", 4, ""],
      ["defineString", 5, "👍 ok"],
      ["defineString", 6, "click"],
      ["defineString", 7, "checked"],
      ["createElement", 1, 0, NS_HTML],
      ["setAttr", 1, 1, 2],
      ["createElement", 2, 3, NS_HTML],
      ["createText", 3, 4],
      ["append", 2, 3],
      ["setText", 3, 5],
      ["setEvent", 2, 6, EVENT_PREVENT_DEFAULT],
      ["setProp", 2, 7, PROP_TRUE, 0],
      ["setProp", 2, 1, PROP_STRING, 2],
      ["append", 1, 2],
      ["insertBefore", 0, 1, 9],
      ["remove", 9],
      ["releaseNodes", [9]],
      ["freeStrings", [8]]
    ]
  }
]

function run(calls: readonly Call[]): ArrayBuffer {
  const w = new PatchWriter()
  for (const call of calls) {
    switch (call[0]) {
      case "begin": w.begin(null, call[1], call[2], call[3], call[4]); break
      case "setFlags": w.setFlags(call[1]); break
      case "defineString": w.defineString(call[1], call[2]); break
      case "createElement": w.createElement(call[1], call[2], call[3]); break
      case "createText": w.createText(call[1], call[2]); break
      case "setText": w.setText(call[1], call[2]); break
      case "setAttr": w.setAttr(call[1], call[2], call[3]); break
      case "removeAttr": w.removeAttr(call[1], call[2]); break
      case "setProp": w.setProp(call[1], call[2], call[3], call[4]); break
      case "setStyle": w.setStyle(call[1], call[2], call[3]); break
      case "removeStyle": w.removeStyle(call[1], call[2]); break
      case "append": w.append(call[1], call[2]); break
      case "insertBefore": w.insertBefore(call[1], call[2], call[3]); break
      case "remove": w.remove(call[1]); break
      case "clearChildren": w.clearChildren(call[1]); break
      case "releaseNodes": w.releaseNodes(call[1], call[1].length); break
      case "setEvent": w.setEvent(call[1], call[2], call[3]); break
      case "removeEvent": w.removeEvent(call[1], call[2]); break
      case "freeStrings": w.freeStrings(call[1], call[1].length); break
      case "defineTemplate": w.defineTemplate(call[1], call[2], call[2].length); break
      case "cloneTemplate": {
        const at = w.cloneTemplate(call[1], call[2], call[3], call[4].length)
        call[4].forEach((word, i) => w.setWord(at + i, word))
        break
      }
    }
  }
  return w.finish()
}

/** What decodePatch must return for a call (null for calls that write no op). */
function expectedOp(call: Call): DecodedOp | null {
  const name = call[0].replace(/[A-Z]/g, (c) => "_" + c).toUpperCase()
  switch (call[0]) {
    case "begin":
    case "setFlags":
    case "defineString":
      return null
    case "createElement": return { op: name, arg: call[3], operands: [call[1], call[2]] }
    case "setProp": return { op: name, arg: call[3], operands: [call[1], call[2], call[4]] }
    case "setEvent": return { op: name, arg: call[3], operands: [call[1], call[2]] }
    case "releaseNodes":
    case "freeStrings":
      return { op: name, arg: 0, operands: [...call[1]] }
    case "defineTemplate": return { op: name, arg: call[1], operands: [...call[2]] }
    case "cloneTemplate": return { op: name, arg: call[1], operands: [call[2], call[3], ...call[4]] }
    default:
      return { op: name, arg: 0, operands: (call.slice(1) as number[]) }
  }
}

/** The used bytes of a finished buffer as zero-padded little-endian words. */
function toGolden(gcase: GoldenCase, buffer: ArrayBuffer): GoldenFile {
  const byteLength = new Uint32Array(buffer, 0, HEADER_WORDS)[Header.ByteLength]
  const padded = new Uint8Array(Math.ceil(byteLength / 4) * 4)
  padded.set(new Uint8Array(buffer, 0, byteLength))
  const view = new DataView(padded.buffer)
  const words: string[] = []
  for (let i = 0; i < padded.length; i += 4) words.push("0x" + view.getUint32(i, true).toString(16).padStart(8, "0"))
  return { note: gcase.note, version: VERSION, calls: gcase.calls, byteLength, words }
}

/** JSON with one call per line and one line per header, op or string section, for readable diffs. */
function formatGolden(golden: GoldenFile): string {
  const words = new Uint32Array(golden.words.map((w) => Number.parseInt(w, 16)))
  const lines: string[][] = [golden.words.slice(0, HEADER_WORDS) as string[]]
  const opEnd = HEADER_WORDS + words[Header.OpWords]
  for (let at = HEADER_WORDS; at < opEnd;) {
    const size = opSize(words, at, opEnd)
    lines.push(golden.words.slice(at, at + size) as string[])
    at += size
  }
  const count = words[Header.StringCount]
  if (count > 0) {
    lines.push(golden.words.slice(opEnd, opEnd + count) as string[])
    lines.push(golden.words.slice(opEnd + count, opEnd + 2 * count) as string[])
  }
  if (opEnd + 2 * count < golden.words.length) lines.push(golden.words.slice(opEnd + 2 * count) as string[])
  const list = (items: string[]) => items.join(", ")
  return "{\n" +
    `  "note": ${JSON.stringify(golden.note)},\n` +
    `  "version": ${golden.version},\n` +
    `  "calls": [\n${golden.calls.map((c) => "    " + JSON.stringify(c).replace(/,/g, ", ")).join(",\n")}\n  ],\n` +
    `  "byteLength": ${golden.byteLength},\n` +
    `  "words": [\n${lines.map((l) => "    " + list(l.map((w) => JSON.stringify(w)))).join(",\n")}\n  ]\n` +
    "}\n"
}

/** The bytes a golden file describes, as a standalone buffer the reader can decode. */
function fromGolden(golden: GoldenFile): ArrayBuffer {
  const buffer = new ArrayBuffer(golden.words.length * 4)
  const view = new DataView(buffer)
  golden.words.forEach((word, i) => view.setUint32(i * 4, Number.parseInt(word, 16), true))
  return buffer.slice(0, golden.byteLength)
}

const HEADER_NAMES = Object.keys(Header).filter((k) => k !== "Size")

/** Where word `index` sits in a list whose header is `words`: for mismatch messages. */
function wordRole(index: number, words: Uint32Array): string {
  if (index < HEADER_WORDS) return `header ${HEADER_NAMES[index]}`
  const opEnd = HEADER_WORDS + words[Header.OpWords]
  const count = words[Header.StringCount]
  if (index < opEnd) return `op stream word ${index - HEADER_WORDS}`
  if (index < opEnd + count) return `string id ${index - opEnd}`
  if (index < opEnd + 2 * count) return `string length ${index - opEnd - count}`
  return `string bytes ${(index - opEnd - 2 * count) * 4}…`
}

/** Null if `actual` matches `expected` byte for byte, else a message saying where and how to update. */
function compareGolden(file: string, expected: GoldenFile, actual: GoldenFile): string | null {
  const how = `If the wire format changed on purpose, run \`UPDATE_GOLDEN=1 npx vitest run test/protocol/golden.test.ts\`, ` +
    `review the diff of test/protocol/golden/${file}.json, bump VERSION in protocol/opcodes.ts if old appliers cannot read it, ` +
    `and update docs/wire-format.md.`
  if (JSON.stringify(expected.calls) !== JSON.stringify(actual.calls)) {
    return `golden ${file}.json was made from other writer calls than the test now makes. ${how}`
  }
  if (expected.version !== actual.version) return `golden ${file}.json is for format version ${expected.version}, the writer is at ${actual.version}. ${how}`
  const length = Math.max(expected.words.length, actual.words.length)
  const actualWords = new Uint32Array(actual.words.map((w) => Number.parseInt(w, 16)))
  for (let i = 0; i < length; i++) {
    if (expected.words[i] !== actual.words[i]) {
      return `golden ${file}.json differs at word ${i} (${wordRole(i, actualWords)}): ` +
        `expected ${expected.words[i] ?? "nothing"}, PatchWriter wrote ${actual.words[i] ?? "nothing"}. ${how}`
    }
  }
  if (expected.byteLength !== actual.byteLength) {
    return `golden ${file}.json has byte length ${expected.byteLength}, PatchWriter wrote ${actual.byteLength}. ${how}`
  }
  return null
}

describe("golden buffers", () => {
  if (UPDATE && !existsSync(GOLDEN_DIR)) mkdirSync(GOLDEN_DIR, { recursive: true })

  for (const gcase of CASES) {
    it(`${gcase.file}.json matches PatchWriter byte for byte`, () => {
      const actual = toGolden(gcase, run(gcase.calls))
      const url = new URL(`${gcase.file}.json`, GOLDEN_DIR)
      if (UPDATE) {
        writeFileSync(url, formatGolden(actual))
        console.warn(`UPDATE_GOLDEN=1: wrote ${url.pathname}`)
      }
      if (!existsSync(url)) {
        expect.fail(`golden file ${gcase.file}.json is missing. Create it with \`UPDATE_GOLDEN=1 npx vitest run test/protocol/golden.test.ts\`.`)
      }
      const expected = JSON.parse(readFileSync(url, "utf8")) as GoldenFile
      const mismatch = compareGolden(gcase.file, expected, actual)
      if (mismatch !== null) expect.fail(mismatch)
      // Compare the raw bytes too, not only their hex rendering.
      expect(new Uint8Array(fromGolden(expected))).toEqual(new Uint8Array(run(gcase.calls), 0, actual.byteLength))
    })

    it(`${gcase.file}.json decodes to the ops it was written from`, () => {
      const expected = JSON.parse(readFileSync(new URL(`${gcase.file}.json`, GOLDEN_DIR), "utf8")) as GoldenFile
      const decoded = decodePatch(fromGolden(expected))
      const begin = gcase.calls[0] as Extract<Call, readonly ["begin", ...number[]]>
      expect([decoded.rootId, decoded.commitId, decoded.lane, decoded.eventSeq]).toEqual(begin.slice(1))
      expect(decoded.ops).toEqual(gcase.calls.map(expectedOp).filter((o) => o !== null))
      expect(decoded.strings).toEqual(gcase.calls.filter((c) => c[0] === "defineString").map((c) => [c[1], c[2]]))
    })
  }

  it("there is one golden file per opcode and no stray files", () => {
    const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith(".json")).sort()
    expect(files).toEqual(CASES.map((c) => `${c.file}.json`).sort())
    const single = CASES.filter((c) => c.calls.length === 2).map((c) => expectedOp(c.calls[1])!.op).sort()
    expect(single).toEqual(OP_NAMES.slice(1).sort())
  })

  it("a changed byte is reported with its place and how to update", () => {
    const gcase = CASES[CASES.length - 1]
    const good = toGolden(gcase, run(gcase.calls))
    expect(compareGolden(gcase.file, good, good)).toBeNull()

    const flipped = { ...good, words: good.words.map((w, i) => (i === HEADER_WORDS + 1 ? "0x00000063" : w)) }
    const message = compareGolden(gcase.file, flipped, good)
    expect(message).toContain(`word ${HEADER_WORDS + 1} (op stream word 1)`)
    expect(message).toContain("UPDATE_GOLDEN=1")

    const lastByte = { ...good, words: good.words.map((w, i) => (i === good.words.length - 1 ? "0xffffffff" : w)) }
    expect(compareGolden(gcase.file, lastByte, good)).toContain("string bytes")

    const shorter = { ...good, words: good.words.slice(0, -1) }
    expect(compareGolden(gcase.file, shorter, good)).toContain("expected nothing")

    const otherCalls = { ...good, calls: gcase.calls.slice(0, -1) }
    expect(compareGolden(gcase.file, otherCalls, good)).toContain("other writer calls")
  })
})
