// @vitest-environment happy-dom
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Applier } from "../../src/dom/applier.ts"
import { MAX_ID } from "../../src/dom/node-table.ts"
import { ApplyError, MalformedPatchError, UnknownNodeError } from "../../protocol/errors.ts"
import {
  EVENT_HANDLED,
  EVENT_PREVENT_DEFAULT,
  EVENT_STOP_PROPAGATION,
  Header,
  HEADER_WORDS,
  NS_HTML,
  NS_SVG,
  OP_LAST,
  PROP_FALSE,
  PROP_NULL,
  PROP_NUMBER,
  PROP_STRING,
  PROP_TRUE,
  VERSION
} from "../../protocol/opcodes.ts"
import { opSize } from "../../protocol/patch-reader.ts"
import { PatchWriter } from "../../protocol/patch-writer.ts"

/**
 * The applier against a real node table: every malformed list is rejected with a typed
 * error, the DOM (markup and node identity) and the tables are left exactly as they were,
 * and the next valid list still applies.
 */

// String ids of the base state.
const S_DIV = 0
const S_SPAN = 1
const S_HELLO = 2
const S_CLASS = 3
const S_BOX = 4
const S_COLOR = 5
const S_RED = 6
const S_VALUE = 7
const S_CLICK = 8
const S_INPUT = 9
const S_P = 10
const S_CHANGED = 11
const S_TITLE = 12
const S_CHECKED = 13
const S_KEYDOWN = 14
const S_SEVEN = 15
const BASE_STRINGS = ["div", "span", "hello", "class", "box", "color", "red", "value", "click", "input", "p", "changed", "title", "checked", "keydown", "7"]

// Node ids of the base state: <div class="box">hello<span></span></div><input><p></p>
const N_DIV = 1
const N_TEXT = 2
const N_SPAN = 3
const N_INPUT = 4
const N_P = 5
/** Never defined. */
const UNKNOWN = 99
const UNDEFINED_STRING = 77
/** A fresh node id and string id that rejected lists use and the follow-up list reuses. */
const N_NEW = 20
const S_NEW = 50

const BASE_HTML = '<div class="box">hello<span></span></div><input><p></p>'

let commitId = 0

function list(write: (w: PatchWriter) => void, eventSeq = 0): ArrayBuffer {
  const w = new PatchWriter()
  w.begin(null, 1, ++commitId, 0, eventSeq)
  write(w)
  // Exactly the used bytes, so truncation and length tests see no slack.
  const buffer = w.finish()
  return buffer.slice(0, new Uint32Array(buffer, 0, HEADER_WORDS)[Header.ByteLength])
}

function setup() {
  const container = document.createElement("div")
  document.body.appendChild(container)
  const calls: string[] = []
  const applier = new Applier(container, {
    listen: (type) => calls.push(`listen ${type}`),
    unlisten: (type) => calls.push(`unlisten ${type}`)
  })
  applier.apply(list((w) => {
    BASE_STRINGS.forEach((text, id) => w.defineString(id, text))
    w.createElement(N_DIV, S_DIV, NS_HTML)
    w.setAttr(N_DIV, S_CLASS, S_BOX)
    w.createText(N_TEXT, S_HELLO)
    w.append(N_DIV, N_TEXT)
    w.createElement(N_SPAN, S_SPAN, NS_HTML)
    w.append(N_DIV, N_SPAN)
    w.append(0, N_DIV)
    w.createElement(N_INPUT, S_INPUT, NS_HTML)
    w.append(0, N_INPUT)
    w.createElement(N_P, S_P, NS_HTML)
    w.append(0, N_P)
  }))
  expect(container.innerHTML).toBe(BASE_HTML)
  return { container, applier, calls }
}
type Env = ReturnType<typeof setup>

/** Everything a rejected list must leave alone. */
function snapshot(env: Env) {
  const tree: Node[] = []
  const walker = document.createTreeWalker(env.container)
  for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) tree.push(n)
  const table: Array<Node | null> = []
  for (let id = 0; id <= 60; id++) table.push(env.applier.node(id))
  return {
    html: env.container.innerHTML,
    tree,
    table,
    nodeCount: env.applier.nodeCount,
    stringCount: env.applier.stringCount,
    calls: env.calls.slice(),
    inputValue: (env.applier.node(N_INPUT) as HTMLInputElement).value,
    style: (env.applier.node(N_DIV) as HTMLElement).getAttribute("style")
  }
}

function expectUnchanged(env: Env, before: ReturnType<typeof snapshot>): void {
  const after = snapshot(env)
  expect(after.html).toBe(before.html)
  expect(after.tree.length).toBe(before.tree.length)
  after.tree.forEach((node, i) => expect(node).toBe(before.tree[i]))
  after.table.forEach((node, i) => expect(node).toBe(before.table[i]))
  expect(after.nodeCount).toBe(before.nodeCount)
  expect(after.stringCount).toBe(before.stringCount)
  expect(after.calls).toEqual(before.calls)
  expect(after.inputValue).toBe(before.inputValue)
  expect(after.style).toBe(before.style)
}

/**
 * Valid ops that change the visible DOM, written before the bad op of each rejected list:
 * if validation let any op through, the DOM would show it. They also define S_NEW and
 * create N_NEW, which the follow-up list defines and creates again: had the rejected list
 * leaked into the tables, the follow-up would be refused.
 */
function visiblePrefix(w: PatchWriter): void {
  w.defineString(S_NEW, "em")
  w.createElement(N_NEW, S_NEW, NS_HTML)
  w.append(0, N_NEW)
  w.setText(N_TEXT, S_CHANGED)
  w.remove(N_SPAN)
  w.setAttr(N_DIV, S_TITLE, S_RED)
  w.setStyle(N_DIV, S_COLOR, S_RED)
  w.setProp(N_INPUT, S_VALUE, PROP_STRING, S_CHANGED)
  w.setEvent(N_DIV, S_CLICK, 0)
}

/** A valid list after a rejection: it applies in full. */
function expectFollowUpApplies(env: Env): void {
  env.applier.apply(list((w) => {
    w.defineString(S_NEW, "em")
    w.createElement(N_NEW, S_NEW, NS_HTML)
    w.append(N_SPAN, N_NEW)
    w.setText(N_TEXT, S_CHANGED)
    w.setEvent(N_INPUT, S_KEYDOWN, 0)
  }))
  expect(env.container.innerHTML).toBe('<div class="box">changed<span><em></em></span></div><input><p></p>')
  expect(env.calls.at(-1)).toBe("listen keydown")
}

interface Rejection {
  readonly name: string
  /** The list; `prefix` adds the visible valid ops in front of the bad one. */
  readonly buffer: () => ArrayBuffer
  readonly error: typeof MalformedPatchError | typeof UnknownNodeError
  /** For UnknownNodeError: the id and op it must name. */
  readonly id?: number
  readonly op?: string
  /** For MalformedPatchError: a part of the reason. */
  readonly reason?: RegExp
}

const bad = (write: (w: PatchWriter) => void) => () => list((w) => {
  visiblePrefix(w)
  write(w)
})

/** A valid list whose words are then changed by `corrupt`. */
const corrupted = (corrupt: (words: Uint32Array, buffer: ArrayBuffer) => ArrayBuffer | void) => () => {
  const buffer = list((w) => {
    visiblePrefix(w)
    w.defineString(S_NEW + 1, "ünïcode 👍")
    w.createText(N_NEW + 1, S_NEW + 1)
    w.append(N_P, N_NEW + 1)
  })
  return corrupt(new Uint32Array(buffer, 0, buffer.byteLength >>> 2), buffer) ?? buffer
}

function checkRejection(r: Rejection): void {
  const env = setup()
  const before = snapshot(env)
  let error: unknown
  try {
    env.applier.apply(r.buffer())
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(r.error)
  if (r.error === UnknownNodeError) {
    const e = error as UnknownNodeError
    expect(e._tag).toBe("UnknownNodeError")
    expect(e.id).toBe(r.id)
    expect(e.op).toBe(r.op)
    expect(e.message).toContain(`node id ${r.id}`)
  } else {
    const e = error as MalformedPatchError
    expect(e._tag).toBe("MalformedPatchError")
    if (r.reason !== undefined) expect(e.reason).toMatch(r.reason)
  }
  expectUnchanged(env, before)
  expectFollowUpApplies(env)
}

describe("unknown node ids → UnknownNodeError naming the id", () => {
  const cases: Rejection[] = [
    { name: "SET_TEXT", buffer: bad((w) => w.setText(UNKNOWN, S_HELLO)), error: UnknownNodeError, id: UNKNOWN, op: "SET_TEXT" },
    { name: "SET_ATTR", buffer: bad((w) => w.setAttr(UNKNOWN, S_CLASS, S_BOX)), error: UnknownNodeError, id: UNKNOWN, op: "SET_ATTR" },
    { name: "REMOVE_ATTR", buffer: bad((w) => w.removeAttr(UNKNOWN, S_CLASS)), error: UnknownNodeError, id: UNKNOWN, op: "REMOVE_ATTR" },
    { name: "SET_PROP", buffer: bad((w) => w.setProp(UNKNOWN, S_VALUE, PROP_STRING, S_RED)), error: UnknownNodeError, id: UNKNOWN, op: "SET_PROP" },
    { name: "SET_STYLE", buffer: bad((w) => w.setStyle(UNKNOWN, S_COLOR, S_RED)), error: UnknownNodeError, id: UNKNOWN, op: "SET_STYLE" },
    { name: "REMOVE_STYLE", buffer: bad((w) => w.removeStyle(UNKNOWN, S_COLOR)), error: UnknownNodeError, id: UNKNOWN, op: "REMOVE_STYLE" },
    { name: "APPEND parent", buffer: bad((w) => w.append(UNKNOWN, N_P)), error: UnknownNodeError, id: UNKNOWN, op: "APPEND" },
    { name: "APPEND child", buffer: bad((w) => w.append(N_DIV, UNKNOWN)), error: UnknownNodeError, id: UNKNOWN, op: "APPEND" },
    { name: "INSERT_BEFORE parent", buffer: bad((w) => w.insertBefore(UNKNOWN, N_P, N_TEXT)), error: UnknownNodeError, id: UNKNOWN, op: "INSERT_BEFORE" },
    { name: "INSERT_BEFORE child", buffer: bad((w) => w.insertBefore(N_DIV, UNKNOWN, N_TEXT)), error: UnknownNodeError, id: UNKNOWN, op: "INSERT_BEFORE" },
    { name: "INSERT_BEFORE ref", buffer: bad((w) => w.insertBefore(N_DIV, N_P, UNKNOWN)), error: UnknownNodeError, id: UNKNOWN, op: "INSERT_BEFORE" },
    { name: "REMOVE", buffer: bad((w) => w.remove(UNKNOWN)), error: UnknownNodeError, id: UNKNOWN, op: "REMOVE" },
    { name: "CLEAR_CHILDREN", buffer: bad((w) => w.clearChildren(UNKNOWN)), error: UnknownNodeError, id: UNKNOWN, op: "CLEAR_CHILDREN" },
    { name: "RELEASE_NODES (second id)", buffer: bad((w) => w.releaseNodes([N_P, UNKNOWN], 2)), error: UnknownNodeError, id: UNKNOWN, op: "RELEASE_NODES" },
    { name: "SET_EVENT", buffer: bad((w) => w.setEvent(UNKNOWN, S_CLICK, 0)), error: UnknownNodeError, id: UNKNOWN, op: "SET_EVENT" },
    { name: "REMOVE_EVENT", buffer: bad((w) => w.removeEvent(UNKNOWN, S_CLICK)), error: UnknownNodeError, id: UNKNOWN, op: "REMOVE_EVENT" },
    { name: "u32 max id", buffer: bad((w) => w.setAttr(0xffffffff, S_CLASS, S_BOX)), error: UnknownNodeError, id: 0xffffffff, op: "SET_ATTR" },
    {
      name: "an id released earlier in the same list",
      buffer: bad((w) => {
        w.remove(N_P)
        w.releaseNodes([N_P], 1)
        w.setAttr(N_P, S_CLASS, S_BOX)
      }),
      error: UnknownNodeError,
      id: N_P,
      op: "SET_ATTR"
    },
    {
      name: "an id released twice in one op",
      buffer: bad((w) => w.releaseNodes([N_P, N_P], 2)),
      error: UnknownNodeError,
      id: N_P,
      op: "RELEASE_NODES"
    }
  ]
  for (const c of cases) it(c.name, () => checkRejection(c))

  it("an id released by an earlier commit", () => {
    const env = setup()
    env.applier.apply(list((w) => {
      w.remove(N_P)
      w.releaseNodes([N_P], 1)
    }))
    expect(env.applier.node(N_P)).toBeNull()
    const before = snapshot(env)
    expect(() => env.applier.apply(list((w) => w.append(N_DIV, N_P)))).toThrow(UnknownNodeError)
    expectUnchanged(env, before)
  })

  it("names the op and the word offset of the op", () => {
    const env = setup()
    let error: UnknownNodeError | undefined
    try {
      env.applier.apply(list((w) => {
        w.remove(N_P) // words 12-13
        w.setAttr(N_DIV, S_TITLE, S_RED) // words 14-17
        w.removeAttr(UNKNOWN, S_CLASS) // word 18
      }))
    } catch (e) {
      error = e as UnknownNodeError
    }
    expect(error).toBeInstanceOf(UnknownNodeError)
    expect(error!.offset).toBe(HEADER_WORDS + 6)
    expect(error!.message).toContain("REMOVE_ATTR at word 18")
    expect(error!.message).toContain("the DOM is unchanged")
  })
})

describe("malformed lists → MalformedPatchError", () => {
  const undefinedStrings: Rejection[] = [
    { name: "CREATE_ELEMENT tag", buffer: bad((w) => w.createElement(N_NEW + 1, UNDEFINED_STRING, NS_HTML)), error: MalformedPatchError },
    { name: "CREATE_TEXT text", buffer: bad((w) => w.createText(N_NEW + 1, UNDEFINED_STRING)), error: MalformedPatchError },
    { name: "SET_TEXT text", buffer: bad((w) => w.setText(N_TEXT, UNDEFINED_STRING)), error: MalformedPatchError },
    { name: "SET_ATTR name", buffer: bad((w) => w.setAttr(N_DIV, UNDEFINED_STRING, S_BOX)), error: MalformedPatchError },
    { name: "SET_ATTR value", buffer: bad((w) => w.setAttr(N_DIV, S_CLASS, UNDEFINED_STRING)), error: MalformedPatchError },
    { name: "REMOVE_ATTR name", buffer: bad((w) => w.removeAttr(N_DIV, UNDEFINED_STRING)), error: MalformedPatchError },
    { name: "SET_PROP name", buffer: bad((w) => w.setProp(N_INPUT, UNDEFINED_STRING, PROP_TRUE, 0)), error: MalformedPatchError },
    { name: "SET_PROP string value", buffer: bad((w) => w.setProp(N_INPUT, S_VALUE, PROP_STRING, UNDEFINED_STRING)), error: MalformedPatchError },
    { name: "SET_PROP number value", buffer: bad((w) => w.setProp(N_INPUT, S_VALUE, PROP_NUMBER, UNDEFINED_STRING)), error: MalformedPatchError },
    { name: "SET_STYLE name", buffer: bad((w) => w.setStyle(N_DIV, UNDEFINED_STRING, S_RED)), error: MalformedPatchError },
    { name: "SET_STYLE value", buffer: bad((w) => w.setStyle(N_DIV, S_COLOR, UNDEFINED_STRING)), error: MalformedPatchError },
    { name: "REMOVE_STYLE name", buffer: bad((w) => w.removeStyle(N_DIV, UNDEFINED_STRING)), error: MalformedPatchError },
    { name: "SET_EVENT type", buffer: bad((w) => w.setEvent(N_DIV, UNDEFINED_STRING, 0)), error: MalformedPatchError },
    { name: "REMOVE_EVENT type", buffer: bad((w) => w.removeEvent(N_DIV, UNDEFINED_STRING)), error: MalformedPatchError },
    { name: "FREE_STRINGS of an undefined id", buffer: bad((w) => w.freeStrings([S_RED, UNDEFINED_STRING], 2)), error: MalformedPatchError },
    {
      name: "a string used after FREE_STRINGS in the same list",
      buffer: bad((w) => {
        w.freeStrings([S_BOX], 1)
        w.setAttr(N_DIV, S_CLASS, S_BOX)
      }),
      error: MalformedPatchError
    },
    {
      name: "a string freed twice in one op",
      buffer: bad((w) => w.freeStrings([S_BOX, S_BOX], 2)),
      error: MalformedPatchError
    }
  ].map((c) => ({ ...c, reason: /unknown string id/ }))
  describe("undefined string ids", () => {
    for (const c of undefinedStrings) it(c.name, () => checkRejection(c))
  })

  describe("header", () => {
    const cases: Rejection[] = [
      { name: "bad magic", buffer: corrupted((w) => void (w[Header.Magic] = 0x4c544854)), error: MalformedPatchError, reason: /magic/ },
      { name: "zero magic", buffer: corrupted((w) => void (w[Header.Magic] = 0)), error: MalformedPatchError, reason: /magic/ },
      { name: "version 0", buffer: corrupted((w) => void (w[Header.Version] = 0)), error: MalformedPatchError, reason: /version 0/ },
      { name: "a future version", buffer: corrupted((w) => void (w[Header.Version] = VERSION + 1)), error: MalformedPatchError, reason: /unsupported version/ },
      { name: "empty buffer", buffer: () => new ArrayBuffer(0), error: MalformedPatchError, reason: /shorter than a header/ },
      { name: "byte length beyond the buffer", buffer: corrupted((w, b) => void (w[Header.ByteLength] = b.byteLength + 4)), error: MalformedPatchError, reason: /outside the buffer/ },
      { name: "byte length shorter than a header", buffer: corrupted((w) => void (w[Header.ByteLength] = HEADER_WORDS * 4 - 4)), error: MalformedPatchError, reason: /outside the buffer/ },
      { name: "byte length one less than the sections", buffer: corrupted((w) => void (w[Header.ByteLength] -= 1)), error: MalformedPatchError, reason: /do not add up/ },
      { name: "op words one more", buffer: corrupted((w) => void (w[Header.OpWords] += 1)), error: MalformedPatchError, reason: /do not add up/ },
      { name: "op words u32 max", buffer: corrupted((w) => void (w[Header.OpWords] = 0xffffffff)), error: MalformedPatchError, reason: /do not add up/ },
      { name: "string count one more", buffer: corrupted((w) => void (w[Header.StringCount] += 1)), error: MalformedPatchError, reason: /do not add up/ },
      { name: "string bytes one less", buffer: corrupted((w) => void (w[Header.StringBytes] -= 1)), error: MalformedPatchError, reason: /do not add up/ },
      {
        // Every size moved consistently: the structure adds up, but a string length lies.
        name: "a string length that does not match the bytes",
        buffer: corrupted((w) => void (w[HEADER_WORDS + w[Header.OpWords] + w[Header.StringCount]] += 1)),
        error: MalformedPatchError,
        reason: /string lengths do not match/
      },
      {
        name: "the op stream cut short by one word (sizes adjusted)",
        buffer: () => {
          // No new strings, so the op stream is the end of the list.
          const buffer = list((w) => {
            w.setText(N_TEXT, S_CHANGED)
            w.remove(N_SPAN)
            w.setAttr(N_DIV, S_TITLE, S_RED)
          })
          const w = new Uint32Array(buffer)
          // Drop the last word: SET_ATTR now lacks its value.
          w[Header.OpWords] -= 1
          w[Header.ByteLength] -= 4
          return buffer.slice(0, w[Header.ByteLength])
        },
        error: MalformedPatchError,
        reason: /unknown or truncated op/
      }
    ]
    for (const c of cases) it(c.name, () => checkRejection(c))

    it("every truncation of a valid list is rejected", () => {
      const env = setup()
      const full = corrupted(() => {})()
      const before = snapshot(env)
      for (let length = 0; length < full.byteLength; length++) {
        let error: unknown
        try {
          env.applier.apply(full.slice(0, length))
        } catch (e) {
          error = e
        }
        expect(error, `truncated to ${length} of ${full.byteLength} bytes`).toBeInstanceOf(MalformedPatchError)
      }
      expectUnchanged(env, before)
      env.applier.apply(full)
      expect(env.container.innerHTML).toBe('<div class="box" title="red" style="color: red;">changed</div><input><p>ünïcode 👍</p><em></em>')
    })

    it("slack after the byte length (a pooled buffer) is ignored", () => {
      const env = setup()
      const exact = corrupted(() => {})()
      const pooled = new ArrayBuffer(8192)
      new Uint8Array(pooled).fill(0xee)
      new Uint8Array(pooled).set(new Uint8Array(exact))
      env.applier.apply(pooled)
      expect(env.container.innerHTML).toContain("<p>ünïcode 👍</p>")
    })
  })

  describe("ops", () => {
    /** Writes REMOVE N_P last, then overwrites its opcode word. */
    const rawOp = (word: number) => () => {
      const buffer = list((w) => {
        visiblePrefix(w)
        w.remove(N_P)
      })
      const words = new Uint32Array(buffer, 0, buffer.byteLength >>> 2)
      words[HEADER_WORDS + words[Header.OpWords] - 2] = word
      return buffer
    }
    const cases: Rejection[] = [
      { name: "opcode 0", buffer: rawOp(0), error: MalformedPatchError, reason: /unknown or truncated op/ },
      { name: `opcode ${OP_LAST + 1}`, buffer: rawOp(OP_LAST + 1), error: MalformedPatchError, reason: /unknown or truncated op/ },
      { name: "opcode 255 with an argument", buffer: rawOp(0xff | (3 << 8)), error: MalformedPatchError, reason: /unknown or truncated op/ },
      {
        name: "a variable-length op whose count runs past the op stream",
        buffer: corrupted((w) => {
          // Turn the last op (APPEND p, text: 3 words) into RELEASE_NODES with count 1000.
          const at = HEADER_WORDS + w[Header.OpWords] - 3
          w[at] = 13
          w[at + 1] = 1000
        }),
        error: MalformedPatchError,
        reason: /unknown or truncated op/
      },
      { name: "CREATE_ELEMENT of an id in use", buffer: bad((w) => w.createElement(N_DIV, S_DIV, NS_HTML)), error: MalformedPatchError, reason: /still in use/ },
      { name: "CREATE_TEXT of an id in use", buffer: bad((w) => w.createText(N_TEXT, S_HELLO)), error: MalformedPatchError, reason: /still in use/ },
      {
        name: "an id created twice in one list",
        buffer: bad((w) => w.createText(N_NEW, S_HELLO)),
        error: MalformedPatchError,
        reason: /still in use/
      },
      { name: "SET_TEXT on an element", buffer: bad((w) => w.setText(N_DIV, S_HELLO)), error: MalformedPatchError, reason: /expects a text node/ },
      { name: "SET_ATTR on a text node", buffer: bad((w) => w.setAttr(N_TEXT, S_CLASS, S_BOX)), error: MalformedPatchError, reason: /expects an? element node/ },
      { name: "SET_STYLE on a text node", buffer: bad((w) => w.setStyle(N_TEXT, S_COLOR, S_RED)), error: MalformedPatchError },
      { name: "SET_PROP on a text node", buffer: bad((w) => w.setProp(N_TEXT, S_VALUE, PROP_TRUE, 0)), error: MalformedPatchError },
      { name: "SET_EVENT on a text node", buffer: bad((w) => w.setEvent(N_TEXT, S_CLICK, 0)), error: MalformedPatchError },
      { name: "APPEND into a text node", buffer: bad((w) => w.append(N_TEXT, N_P)), error: MalformedPatchError },
      { name: "CLEAR_CHILDREN of a text node", buffer: bad((w) => w.clearChildren(N_TEXT)), error: MalformedPatchError },
      { name: "a node appended to itself", buffer: bad((w) => w.append(N_DIV, N_DIV)), error: MalformedPatchError, reason: /into itself/ },
      { name: "a node inserted before itself", buffer: bad((w) => w.insertBefore(N_DIV, N_P, N_P)), error: MalformedPatchError, reason: /before itself/ },
      { name: "an unknown namespace", buffer: bad((w) => w.createElement(N_NEW + 1, S_DIV, 3)), error: MalformedPatchError, reason: /namespace/ },
      { name: "an unknown prop kind", buffer: bad((w) => w.setProp(N_INPUT, S_VALUE, 5, 0)), error: MalformedPatchError, reason: /prop kind/ },
      { name: "a node id at MAX_ID", buffer: bad((w) => w.createText(MAX_ID, S_HELLO)), error: MalformedPatchError, reason: /invalid node id/ },
      { name: "a string id at MAX_ID", buffer: bad((w) => w.defineString(MAX_ID, "x")), error: MalformedPatchError, reason: /out of range/ },
      { name: "a string id defined twice in one list", buffer: bad((w) => w.defineString(S_NEW, "again")), error: MalformedPatchError, reason: /defined twice/ },
      { name: "a string id that is still defined", buffer: bad((w) => w.defineString(S_RED, "blue")), error: MalformedPatchError, reason: /defined twice/ }
    ]
    for (const c of cases) it(c.name, () => checkRejection(c))
  })

  describe("tree structure (the DOM would throw half-way through the list)", () => {
    const cases: Rejection[] = [
      { name: "INSERT_BEFORE with a ref that is not a child of the parent", buffer: bad((w) => w.insertBefore(N_DIV, N_P, N_INPUT)), error: MalformedPatchError, reason: /not a child/ },
      {
        name: "INSERT_BEFORE with a ref removed earlier in the list",
        buffer: bad((w) => {
          w.remove(N_TEXT)
          w.insertBefore(N_DIV, N_P, N_TEXT)
        }),
        error: MalformedPatchError,
        reason: /not a child/
      },
      {
        name: "INSERT_BEFORE with a ref whose parent was cleared earlier in the list",
        buffer: bad((w) => {
          w.clearChildren(N_DIV)
          w.insertBefore(N_DIV, N_P, N_TEXT)
        }),
        error: MalformedPatchError,
        reason: /not a child/
      },
      {
        name: "INSERT_BEFORE with a ref moved to another parent earlier in the list",
        buffer: bad((w) => {
          w.append(N_P, N_TEXT)
          w.insertBefore(N_DIV, N_INPUT, N_TEXT)
        }),
        error: MalformedPatchError,
        reason: /not a child/
      },
      {
        name: "INSERT_BEFORE with a ref in a released parent",
        buffer: bad((w) => {
          w.remove(N_DIV)
          w.releaseNodes([N_DIV], 1)
          w.insertBefore(0, N_P, N_TEXT)
        }),
        error: MalformedPatchError,
        reason: /not a child/
      },
      {
        // Without the prefix, which detaches the span.
        name: "APPEND of an ancestor into its descendant",
        buffer: () => list((w) => {
          w.setText(N_TEXT, S_CHANGED)
          w.append(N_SPAN, N_DIV)
        }),
        error: MalformedPatchError,
        reason: /descendant/
      },
      {
        name: "APPEND into a descendant through links made in the list",
        buffer: bad((w) => {
          w.append(N_P, N_NEW)
          w.append(N_NEW, N_P)
        }),
        error: MalformedPatchError,
        reason: /descendant/
      },
      {
        name: "APPEND making a cycle among nodes created in the list",
        buffer: bad((w) => {
          w.createElement(N_NEW + 1, S_DIV, NS_HTML)
          w.createElement(N_NEW + 2, S_DIV, NS_HTML)
          w.append(N_NEW + 1, N_NEW + 2)
          w.append(N_NEW + 2, N_NEW + 1)
        }),
        error: MalformedPatchError,
        reason: /descendant/
      },
      {
        name: "INSERT_BEFORE of an ancestor into its descendant",
        buffer: bad((w) => {
          w.append(N_DIV, N_P)
          w.append(N_P, N_INPUT)
          w.insertBefore(N_P, N_DIV, N_INPUT)
        }),
        error: MalformedPatchError,
        reason: /descendant/
      }
    ]
    for (const c of cases) it(c.name, () => checkRejection(c))

    it("valid structural sequences in one list are accepted", () => {
      const env = setup()
      env.applier.apply(list((w) => {
        // Move the span before the text, take the text out and put it back, clear and refill the div.
        w.insertBefore(N_DIV, N_SPAN, N_TEXT)
        w.remove(N_TEXT)
        w.append(N_SPAN, N_TEXT)
        w.insertBefore(N_SPAN, N_P, N_TEXT)
        w.clearChildren(N_DIV)
        w.append(N_DIV, N_INPUT)
        w.insertBefore(N_DIV, N_SPAN, N_INPUT)
        // An element created, filled, moved into the tree, and a ref created in the list.
        w.defineString(S_NEW, "em")
        w.createElement(N_NEW, S_NEW, NS_HTML)
        w.createText(N_NEW + 1, S_HELLO)
        w.append(N_NEW, N_NEW + 1)
        w.insertBefore(N_DIV, N_NEW, N_SPAN)
        w.createText(N_NEW + 2, S_RED)
        w.insertBefore(N_NEW, N_NEW + 2, N_NEW + 1)
      }))
      expect(env.container.innerHTML).toBe('<div class="box"><em>redhello</em><span><p></p>hello</span><input></div>')
    })
  })

  describe("node id 0 (the container) misused", () => {
    const cases: Rejection[] = [
      { name: "CREATE_ELEMENT 0", buffer: bad((w) => w.createElement(0, S_DIV, NS_HTML)), error: MalformedPatchError, reason: /invalid node id 0/ },
      { name: "CREATE_TEXT 0", buffer: bad((w) => w.createText(0, S_HELLO)), error: MalformedPatchError, reason: /invalid node id 0/ },
      { name: "SET_TEXT 0", buffer: bad((w) => w.setText(0, S_HELLO)), error: MalformedPatchError, reason: /node id 0/ },
      { name: "SET_ATTR 0", buffer: bad((w) => w.setAttr(0, S_CLASS, S_BOX)), error: MalformedPatchError, reason: /node id 0/ },
      { name: "SET_STYLE 0", buffer: bad((w) => w.setStyle(0, S_COLOR, S_RED)), error: MalformedPatchError, reason: /node id 0/ },
      { name: "SET_PROP 0", buffer: bad((w) => w.setProp(0, S_VALUE, PROP_TRUE, 0)), error: MalformedPatchError, reason: /node id 0/ },
      { name: "SET_EVENT 0", buffer: bad((w) => w.setEvent(0, S_CLICK, 0)), error: MalformedPatchError, reason: /node id 0/ },
      { name: "REMOVE 0", buffer: bad((w) => w.remove(0)), error: MalformedPatchError, reason: /node id 0/ },
      { name: "RELEASE_NODES 0", buffer: bad((w) => w.releaseNodes([0], 1)), error: MalformedPatchError, reason: /node id 0/ },
      { name: "APPEND child 0", buffer: bad((w) => w.append(N_DIV, 0)), error: MalformedPatchError, reason: /node id 0/ },
      { name: "APPEND 0 into 0", buffer: bad((w) => w.append(0, 0)), error: MalformedPatchError, reason: /node id 0/ },
      { name: "INSERT_BEFORE ref 0", buffer: bad((w) => w.insertBefore(0, N_P, 0)), error: MalformedPatchError, reason: /node id 0/ }
    ]
    for (const c of cases) it(c.name, () => checkRejection(c))
  })

  it("the prefix alone is a valid list (so each rejection above is due to its bad op)", () => {
    const env = setup()
    env.applier.apply(list(visiblePrefix))
    expect(env.container.innerHTML).toBe('<div class="box" title="red" style="color: red;">changed</div><input><p></p><em></em>')
    expect((env.applier.node(N_INPUT) as HTMLInputElement).value).toBe("changed")
    expect(env.calls).toEqual(["listen click"])
  })
})

describe("every single-bit flip of a valid list", () => {
  it("applies, or throws a typed error with the DOM untouched and the next list applying", () => {
    const valid = corrupted(() => {})()
    const words = new Uint32Array(valid, 0, valid.byteLength >>> 2)
    // Header, ops, string ids and lengths; not the UTF-8 bytes (see below).
    const end = HEADER_WORDS + words[Header.OpWords] + 2 * words[Header.StringCount]
    const outcomes = { applied: 0, malformed: 0, unknownNode: 0, refusedName: 0 }
    // Every bit of the header; in ops and string words, the low bits (where ids and opcodes
    // differ) and a few high ones, to keep the run short.
    const someBits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 24, 31]
    const allBits = Array.from({ length: 32 }, (_, i) => i)
    let cases = 0
    for (let word = 0; word < end; word++) {
      for (const bit of word < HEADER_WORDS ? allBits : someBits) {
        cases++
        const flipped = valid.slice(0)
        new Uint32Array(flipped)[word] ^= 1 << bit
        const env = setup()
        const before = snapshot(env)
        let error: unknown = null
        try {
          env.applier.apply(flipped)
        } catch (e) {
          error = e
        }
        const where = `word ${word} bit ${bit}`
        if (error === null) {
          outcomes.applied++
          continue
        }
        if (error instanceof ApplyError) {
          // The one refusal left to the DOM: a string id flipped to a string that is not a
          // valid attribute name ("ünïcode 👍"). Nothing else may get past validation.
          expect((error.cause as Error).name, where).toBe("InvalidCharacterError")
          outcomes.refusedName++
          continue
        }
        expect(error instanceof MalformedPatchError || error instanceof UnknownNodeError, `${where}: ${String(error)}`).toBe(true)
        if (error instanceof MalformedPatchError) outcomes.malformed++
        else outcomes.unknownNode++
        expectUnchanged(env, before)
        expectFollowUpApplies(env)
      }
    }
    // Every kind of outcome happened, so the loop above checked something in each branch.
    expect(outcomes.applied).toBeGreaterThan(0)
    expect(outcomes.malformed).toBeGreaterThan(0)
    expect(outcomes.unknownNode).toBeGreaterThan(0)
    expect(outcomes.applied + outcomes.malformed + outcomes.unknownNode + outcomes.refusedName).toBe(cases)
  }, 300_000)
})

describe("operands replaced by small ids (seeded)", () => {
  it("applies, or throws a typed error with the DOM untouched and the next list applying", () => {
    // Moves of every kind, so wrong ids make wrong refs, parents and cycles.
    const valid = list((w) => {
      w.defineString(S_NEW, "em")
      w.createElement(N_NEW, S_NEW, NS_HTML)
      w.insertBefore(N_DIV, N_NEW, N_TEXT)
      w.append(N_NEW, N_SPAN)
      w.append(N_SPAN, N_P)
      w.insertBefore(0, N_INPUT, N_DIV)
      w.setAttr(N_P, S_TITLE, S_RED)
      w.remove(N_TEXT)
      w.clearChildren(N_SPAN)
      w.append(N_SPAN, N_TEXT)
    })
    const words = new Uint32Array(valid, 0, valid.byteLength >>> 2)
    const operands: number[] = []
    for (let at = HEADER_WORDS; at < HEADER_WORDS + words[Header.OpWords];) {
      const size = opSize(words, at, HEADER_WORDS + words[Header.OpWords])
      for (let i = at + 1; i < at + size; i++) operands.push(i)
      at += size
    }
    const outcomes = { applied: 0, malformed: 0, unknownNode: 0 }
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...operands), fc.nat({ max: 24 })), { minLength: 1, maxLength: 3 }),
        (replacements) => {
          const changed = valid.slice(0)
          for (const [at, value] of replacements) new Uint32Array(changed, 0, changed.byteLength >>> 2)[at] = value
          const env = setup()
          const before = snapshot(env)
          let error: unknown = null
          try {
            env.applier.apply(changed)
          } catch (e) {
            error = e
          }
          if (error === null) {
            outcomes.applied++
            return
          }
          expect(error instanceof MalformedPatchError || error instanceof UnknownNodeError, String(error)).toBe(true)
          if (error instanceof MalformedPatchError) outcomes.malformed++
          else outcomes.unknownNode++
          expectUnchanged(env, before)
          expectFollowUpApplies(env)
        }
      ),
      { seed: 0xa991, numRuns: Number(process.env.SHUTTLE_FC_RUNS ?? 500) }
    )
    expect(outcomes.applied).toBeGreaterThan(0)
    expect(outcomes.malformed).toBeGreaterThan(0)
    expect(outcomes.unknownNode).toBeGreaterThan(0)
  }, 300_000)
})

describe("valid lists", () => {
  it("a freed string id can be defined again by a later list", () => {
    const env = setup()
    env.applier.apply(list((w) => {
      w.removeAttr(N_DIV, S_CLASS)
      w.freeStrings([S_BOX], 1)
    }))
    expect(env.applier.stringCount).toBe(BASE_STRINGS.length - 1)
    env.applier.apply(list((w) => {
      w.defineString(S_BOX, "reborn")
      w.setAttr(N_DIV, S_CLASS, S_BOX)
    }))
    expect(env.container.querySelector("div")!.className).toBe("reborn")
  })

  it("a released node id can be created again, in the same list", () => {
    const env = setup()
    const oldP = env.applier.node(N_P)
    env.applier.apply(list((w) => {
      w.remove(N_P)
      w.releaseNodes([N_P], 1)
      w.createText(N_P, S_HELLO)
      w.append(N_SPAN, N_P)
    }))
    expect(env.container.innerHTML).toBe('<div class="box">hello<span>hello</span></div><input>')
    expect(env.applier.node(N_P)).not.toBe(oldP)
    expect(env.applier.nodeCount).toBe(5)
  })

  it("CLEAR_CHILDREN and APPEND on the container (id 0) are allowed", () => {
    const env = setup()
    env.applier.apply(list((w) => {
      w.clearChildren(0)
      w.append(0, N_P)
    }))
    expect(env.container.innerHTML).toBe("<p></p>")
  })

  it("SET_PROP kinds and an svg element", () => {
    const env = setup()
    const input = env.applier.node(N_INPUT) as HTMLInputElement
    env.applier.apply(list((w) => {
      w.setProp(N_INPUT, S_VALUE, PROP_STRING, S_RED)
      w.setProp(N_INPUT, S_CHECKED, PROP_TRUE, 0)
      w.defineString(S_NEW, "svg")
      w.createElement(N_NEW, S_NEW, NS_SVG)
      w.append(N_P, N_NEW)
    }))
    expect(input.value).toBe("red")
    expect(input.checked).toBe(true)
    expect((env.applier.node(N_NEW) as Element).namespaceURI).toBe("http://www.w3.org/2000/svg")
    env.applier.apply(list((w) => {
      w.setProp(N_INPUT, S_VALUE, PROP_NUMBER, S_SEVEN)
      w.setProp(N_INPUT, S_CHECKED, PROP_FALSE, 0)
    }))
    expect(input.value).toBe("7")
    expect(input.checked).toBe(false)
    env.applier.apply(list((w) => w.setProp(N_INPUT, S_VALUE, PROP_NULL, 0)))
    expect(input.value).toBe("")
  })
})

describe("event types", () => {
  it("SET_EVENT calls listen once per type; flags are kept per node", () => {
    const env = setup()
    env.applier.apply(list((w) => {
      w.setEvent(N_DIV, S_CLICK, 0)
      w.setEvent(N_SPAN, S_CLICK, EVENT_PREVENT_DEFAULT)
      w.setEvent(N_INPUT, S_INPUT, 0)
      w.setEvent(N_INPUT, S_CLICK, EVENT_STOP_PROPAGATION)
    }))
    expect(env.calls).toEqual(["listen click", "listen input"])
    expect(env.applier.flagsFor("click", N_DIV)).toBe(EVENT_HANDLED)
    expect(env.applier.flagsFor("click", N_SPAN)).toBe(EVENT_HANDLED | EVENT_PREVENT_DEFAULT)
    expect(env.applier.flagsFor("click", N_INPUT)).toBe(EVENT_HANDLED | EVENT_STOP_PROPAGATION)
    expect(env.applier.flagsFor("click", N_P)).toBe(0)
    expect(env.applier.flagsFor("keydown", N_DIV)).toBe(0)

    // Changing the flags of a handled (node, type) is not a new handler.
    env.applier.apply(list((w) => w.setEvent(N_DIV, S_CLICK, EVENT_PREVENT_DEFAULT | EVENT_STOP_PROPAGATION)))
    expect(env.calls).toEqual(["listen click", "listen input"])
    expect(env.applier.flagsFor("click", N_DIV)).toBe(EVENT_HANDLED | EVENT_PREVENT_DEFAULT | EVENT_STOP_PROPAGATION)
  })

  it("REMOVE_EVENT calls unlisten when the last handler of a type goes", () => {
    const env = setup()
    env.applier.apply(list((w) => {
      w.setEvent(N_DIV, S_CLICK, 0)
      w.setEvent(N_SPAN, S_CLICK, 0)
    }))
    env.applier.apply(list((w) => w.removeEvent(N_DIV, S_CLICK)))
    expect(env.calls).toEqual(["listen click"])
    expect(env.applier.flagsFor("click", N_DIV)).toBe(0)
    // Removing a handler that is not there changes nothing.
    env.applier.apply(list((w) => w.removeEvent(N_DIV, S_CLICK)))
    expect(env.calls).toEqual(["listen click"])
    env.applier.apply(list((w) => w.removeEvent(N_SPAN, S_CLICK)))
    expect(env.calls).toEqual(["listen click", "unlisten click"])
    // And a new handler listens again.
    env.applier.apply(list((w) => w.setEvent(N_P, S_CLICK, 0)))
    expect(env.calls).toEqual(["listen click", "unlisten click", "listen click"])
  })

  it("RELEASE_NODES drops a node's handlers, unlistening the types it was last for", () => {
    const env = setup()
    env.applier.apply(list((w) => {
      w.setEvent(N_SPAN, S_CLICK, 0)
      w.setEvent(N_SPAN, S_INPUT, 0)
      w.setEvent(N_P, S_CLICK, 0)
    }))
    env.applier.apply(list((w) => {
      w.remove(N_SPAN)
      w.releaseNodes([N_SPAN], 1)
    }))
    expect(env.calls).toEqual(["listen click", "listen input", "unlisten input"])
    env.applier.apply(list((w) => {
      w.remove(N_P)
      w.releaseNodes([N_P], 1)
    }))
    expect(env.calls).toEqual(["listen click", "listen input", "unlisten input", "unlisten click"])
    // A new node under a recycled id does not inherit the old handlers.
    env.applier.apply(list((w) => {
      w.createElement(N_P, S_P, NS_HTML)
      w.append(0, N_P)
    }))
    expect(env.applier.flagsFor("click", N_P)).toBe(0)
  })

  it("a rejected list neither listens nor unlistens", () => {
    const env = setup()
    env.applier.apply(list((w) => w.setEvent(N_DIV, S_CLICK, 0)))
    expect(() => env.applier.apply(list((w) => {
      w.setEvent(N_SPAN, S_INPUT, 0)
      w.removeEvent(N_DIV, S_CLICK)
      w.setAttr(UNKNOWN, S_CLASS, S_BOX)
    }))).toThrow(UnknownNodeError)
    expect(env.calls).toEqual(["listen click"])
    expect(env.applier.flagsFor("click", N_DIV)).toBe(EVENT_HANDLED)
    expect(env.applier.flagsFor("input", N_SPAN)).toBe(0)
  })
})

describe("noteInput guards a node the user is typing into", () => {
  /** A list setting the input's value (and the p's `value`: SET_PROP sets only form-control properties) rendered after event `eventSeq`. */
  const setValue = (value: number, eventSeq: number) => list((w) => {
    w.setProp(N_INPUT, S_VALUE, PROP_STRING, value)
    w.setProp(N_INPUT, S_CHECKED, PROP_TRUE, 0)
    w.setAttr(N_INPUT, S_TITLE, value)
    w.setProp(N_P, S_VALUE, PROP_STRING, value)
  }, eventSeq)

  it("skips SET_PROP on the guarded node when the list predates the event, applies it otherwise", () => {
    const env = setup()
    const input = env.applier.node(N_INPUT) as HTMLInputElement
    const p = env.applier.node(N_P) as HTMLElement
    input.value = "typed by the user"
    env.applier.noteInput(input, 5)

    env.applier.apply(setValue(S_RED, 4))
    expect(input.value).toBe("typed by the user")
    expect(input.checked).toBe(false)
    // Other ops on the guarded node, and props of other nodes, still apply.
    expect(input.getAttribute("title")).toBe("red")
    expect((p as unknown as { value?: string }).value).toBe("red")

    env.applier.apply(setValue(S_BOX, 5))
    expect(input.value).toBe("box")
    expect(input.checked).toBe(true)

    env.applier.apply(setValue(S_HELLO, 6))
    expect(input.value).toBe("hello")
  })

  it("guards only the last noted node", () => {
    const env = setup()
    const input = env.applier.node(N_INPUT) as HTMLInputElement
    const p = env.applier.node(N_P) as HTMLElement
    env.applier.noteInput(input, 3)
    env.applier.noteInput(p, 3)
    env.applier.apply(setValue(S_RED, 1))
    expect(input.value).toBe("red")
    expect((p as unknown as { value?: string }).value).toBe(undefined)
  })
})
