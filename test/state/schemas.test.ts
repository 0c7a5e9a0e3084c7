/**
 * withSchemas (workers/state/schemas.ts): messages and models decoded at the thread
 * boundary, with the exact path of a failure; models encoded for storage through the
 * Schema's encoded side; stable schema hashes; and the types (Model and Msg come from the
 * Schemas, a program typed otherwise does not compile).
 */
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import { readFileSync } from "node:fs"
import { describe, expect, expectTypeOf, it } from "vitest"
import { StateError } from "../../protocol/errors.ts"
import { h } from "../../workers/h.ts"
import type { CheckResult, Program, ProgramChecks } from "../../workers/program.ts"
import { describeSchema, formatPath, schemaHash, withSchemas } from "../../workers/state/schemas.ts"

// --- the schemas of a small table app -------------------------------------------------

const Row = Schema.Struct({ id: Schema.Number, label: Schema.String })
const Msg = Schema.Union([
  Schema.Struct({ type: Schema.Literal("add"), rows: Schema.Array(Row) }),
  Schema.Struct({ type: Schema.Literal("select"), id: Schema.Number }),
  Schema.Struct({ type: Schema.Literal("move"), to: Schema.Struct({ index: Schema.Number, after: Schema.optionalKey(Schema.Number) }) }),
  Schema.Struct({ type: Schema.Literal("tag"), tag: Schema.Union([Schema.Literal("red"), Schema.Literal("blue")]) })
])
type Msg = typeof Msg.Type

const Model = Schema.Struct({
  rows: Schema.Array(Row),
  selected: Schema.NullOr(Schema.Number),
  savedAt: Schema.DateFromString
})
type Model = typeof Model.Type

const update = (model: Model, msg: Msg): Model => {
  switch (msg.type) {
    case "add":
      return { ...model, rows: model.rows.concat(msg.rows) }
    case "select":
      return { ...model, selected: msg.id }
    default:
      return model
  }
}

const table: Program<Model, Msg> = {
  init: () => ({ rows: [], selected: null, savedAt: new Date(0) }),
  update,
  view: (model) => h<Msg>("ul", null, model.rows.map((row) => h<Msg>("li", { key: row.id, onClick: { type: "select", id: row.id } }, row.label)))
}

const checked = withSchemas(table, { model: Model, msg: Msg })
const checks = checked.checks as ProgramChecks<Model, Msg>
const decodeMsg = checks.decodeMsg as (input: unknown) => CheckResult<Msg>
const decodeModel = checks.decodeModel as (input: unknown) => CheckResult<Model>

describe("withSchemas: messages", () => {
  it("keeps the program and adds checks with both decoders, an encoder and both hashes", () => {
    expect(checked.init).toBe(table.init)
    expect(checked.update).toBe(table.update)
    expect(checked.view).toBe(table.view)
    expect(typeof checks.decodeMsg).toBe("function")
    expect(typeof checks.decodeModel).toBe("function")
    expect(typeof checks.encodeModel).toBe("function")
    expect(checks.modelHash).toMatch(/^[0-9a-f]{8}$/)
    expect(checks.msgHash).toMatch(/^[0-9a-f]{8}$/)
    expect(checks.modelHash).not.toBe(checks.msgHash)
  })

  it("decodes a valid message to its value", () => {
    const msg = { type: "add", rows: [{ id: 1, label: "one" }, { id: 2, label: "two" }] }
    expect(decodeMsg(msg)).toEqual({ ok: true, value: msg })
    expect(decodeMsg({ type: "move", to: { index: 3 } })).toEqual({ ok: true, value: { type: "move", to: { index: 3 } } })
  })

  it("names the path of a wrong field in an array of structs inside a union member", () => {
    const result = decodeMsg({ type: "add", rows: [{ id: 1, label: "a" }, { id: 2, label: "b" }, { id: 3, label: "c" }, { id: 4, label: 7 }] })
    expect(result).toEqual({ ok: false, path: `["rows"][3]["label"]`, message: "Expected string" })
  })

  it("names a missing key, a wrong nested struct field and a wrong member of an inner union", () => {
    expect(decodeMsg({ type: "select" })).toEqual({ ok: false, path: `["id"]`, message: "Missing key" })
    expect(decodeMsg({ type: "add", rows: [{ label: "x" }] })).toEqual({ ok: false, path: `["rows"][0]["id"]`, message: "Missing key" })
    expect(decodeMsg({ type: "move", to: { index: 1, after: "2" } })).toEqual({ ok: false, path: `["to"]["after"]`, message: "Expected number" })
    expect(decodeMsg({ type: "tag", tag: "green" })).toEqual({ ok: false, path: `["tag"]`, message: `Expected "red" | "blue"` })
  })

  it("refuses a message that is no member of the union at the root (path \"\")", () => {
    const unknownType = decodeMsg({ type: "drop" })
    const notAnObject = decodeMsg(42)
    for (const result of [unknownType, notAnObject]) {
      expect(result.ok).toBe(false)
      if (result.ok) continue
      expect(result.path).toBe("")
      expect(result.message).toMatch(/^Expected \{ readonly "type": "add", \.\.\. \} \| /)
    }
  })

  it("refuses, never throws, when a transformation throws while decoding", () => {
    const Exploding = Schema.String.pipe(
      Schema.decodeTo(Schema.Number, {
        decode: SchemaGetter.transform((_: string): number => {
          throw new Error("no parse")
        }),
        encode: SchemaGetter.transform(String)
      })
    )
    const decodeExploding = withSchemas({ init: 0, update: (model: number) => model, view: () => null }, { msg: Exploding }).checks?.decodeMsg
    expect(decodeExploding?.("1")).toEqual({ ok: false, path: "", message: "The Schema failed: no parse" })
  })
})

describe("withSchemas: models", () => {
  it("encodes a model through the encoded side (a Date as a string) and decodes it back equal", () => {
    const model: Model = { rows: [{ id: 1, label: "one" }], selected: 1, savedAt: new Date("2026-01-02T03:04:05.678Z") }
    const encoded = checks.encodeModel?.(model)
    expect(encoded).toEqual({ rows: [{ id: 1, label: "one" }], selected: 1, savedAt: "2026-01-02T03:04:05.678Z" })
    // What storage and export hold: JSON of the encoded side.
    const stored = JSON.parse(JSON.stringify(encoded))
    const decoded = decodeModel(stored)
    expect(decoded).toEqual({ ok: true, value: model })
    expect(decoded.ok && decoded.value.savedAt).toBeInstanceOf(Date)
  })

  it("names the path in a stored model that does not decode", () => {
    expect(decodeModel({ rows: [{ id: 1, label: "one" }], selected: "1", savedAt: "2026-01-02T03:04:05.678Z" }))
      .toEqual({ ok: false, path: `["selected"]`, message: "Expected number | null" })
    const badDate = decodeModel({ rows: [], selected: null, savedAt: "yesterday" })
    expect(badDate.ok).toBe(false)
    expect(!badDate.ok && badDate.path).toBe(`["savedAt"]`)
  })

  it("throws StateError ModelRejected, with the path, for a model that does not encode", () => {
    const bad = { rows: [{ id: "1", label: "one" }], selected: null, savedAt: new Date(0) } as unknown as Model
    let thrown: unknown
    try {
      checks.encodeModel?.(bad)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(StateError)
    expect((thrown as StateError).kind).toBe("ModelRejected")
    expect((thrown as StateError).path).toBe(`["rows"][0]["id"]`)
  })

  it("leaves encodeModel out (identity) when the Schema's encoded side is its type side", () => {
    const Plain = Schema.Struct({ count: Schema.Number })
    const plain = withSchemas({ init: { count: 0 }, update: (model) => model, view: () => null }, { model: Plain })
    expect(plain.checks?.encodeModel).toBeUndefined()
    expect(plain.checks?.decodeModel?.({ count: 2 })).toEqual({ ok: true, value: { count: 2 } })
    expect(plain.checks?.decodeMsg).toBeUndefined()
    expect(plain.checks?.msgHash).toBe("")
    expect(plain.checks?.modelHash).toBe(schemaHash(Plain))
  })
})

describe("schema hashes", () => {
  const make = () => Schema.Struct({ id: Schema.Number, label: Schema.String, tags: Schema.Array(Schema.Literals(["a", "b"])) })

  it("are equal for two constructions of an equal schema, whatever the field order", () => {
    expect(schemaHash(make())).toBe(schemaHash(make()))
    const reordered = Schema.Struct({ tags: Schema.Array(Schema.Literals(["a", "b"])), label: Schema.String, id: Schema.Number })
    expect(schemaHash(reordered)).toBe(schemaHash(make()))
    // Titles and descriptions do not shape data.
    expect(schemaHash(make().annotate({ title: "Row", description: "a row" }))).toBe(schemaHash(make()))
  })

  it("are a known value for a known schema (the same in every page load and every runtime)", () => {
    const row = Schema.Struct({ id: Schema.Number, label: Schema.String })
    expect(describeSchema(row)).toBe(`{"id":Number,"label":String}`)
    // FNV-1a 32 of the text above, computed independently (offset 0x811c9dc5, prime 0x01000193).
    expect(schemaHash(row)).toBe(fnv1a(`{"id":Number,"label":String}`))
  })

  it("change when a field is added, removed, renamed, retyped or made optional", () => {
    const base = schemaHash(make())
    const variants = {
      added: Schema.Struct({ id: Schema.Number, label: Schema.String, tags: Schema.Array(Schema.Literals(["a", "b"])), done: Schema.Boolean }),
      removed: Schema.Struct({ id: Schema.Number, label: Schema.String }),
      renamed: Schema.Struct({ id: Schema.Number, title: Schema.String, tags: Schema.Array(Schema.Literals(["a", "b"])) }),
      retyped: Schema.Struct({ id: Schema.String, label: Schema.String, tags: Schema.Array(Schema.Literals(["a", "b"])) }),
      literal: Schema.Struct({ id: Schema.Number, label: Schema.String, tags: Schema.Array(Schema.Literals(["a", "c"])) }),
      optional: Schema.Struct({ id: Schema.Number, label: Schema.optionalKey(Schema.String), tags: Schema.Array(Schema.Literals(["a", "b"])) }),
      checked: Schema.Struct({ id: Schema.Number, label: Schema.String.check(Schema.isMinLength(1)), tags: Schema.Array(Schema.Literals(["a", "b"])) }),
      encoded: Schema.Struct({ id: Schema.NumberFromString, label: Schema.String, tags: Schema.Array(Schema.Literals(["a", "b"])) })
    }
    const hashes = Object.values(variants).map(schemaHash)
    expect(hashes).not.toContain(base)
    expect(new Set(hashes).size).toBe(hashes.length)
  })

  it("tell a number literal from a string literal, and Date from a Class", () => {
    expect(schemaHash(Schema.Literal(1))).not.toBe(schemaHash(Schema.Literal("1")))
    class Stamp extends Schema.Class<Stamp>("Stamp")({ at: Schema.Number }) {}
    expect(schemaHash(Schema.Date)).not.toBe(schemaHash(Stamp))
    expect(describeSchema(Stamp)).toContain(`"Stamp"`)
  })

  it("end in a back reference for a recursive schema", () => {
    interface Node {
      readonly label: string
      readonly children: ReadonlyArray<Node>
    }
    const make = () => {
      const Node: Schema.Codec<Node> = Schema.Struct({ label: Schema.String, children: Schema.Array(Schema.suspend(() => Node)) })
      return Node
    }
    expect(describeSchema(make())).toBe(`{"children":[...Suspend({"children":[...Ref(0)],"label":String})],"label":String}`)
    expect(schemaHash(make())).toBe(schemaHash(make()))
  })
})

describe("a program without Schemas", () => {
  it("has no checks", () => {
    expect("checks" in table).toBe(false)
    expect(table.checks).toBeUndefined()
  })
})

describe("paths", () => {
  it("quote string keys and leave indexes bare", () => {
    expect(formatPath(["rows", 3, "label"])).toBe(`["rows"][3]["label"]`)
    expect(formatPath(["a.b", "c]"])).toBe(`["a.b"]["c]"]`)
    expect(formatPath([])).toBe("")
  })
})

describe("withSchemas types", () => {
  it("takes Model and Msg from the Schemas: an inline program needs no annotations", () => {
    const inline = withSchemas({
      init: () => ({ rows: [], selected: null, savedAt: new Date(0) }),
      update: (model, msg) => {
        expectTypeOf(model).toEqualTypeOf<Model>()
        expectTypeOf(msg).toEqualTypeOf<Msg>()
        return msg.type === "select" ? { ...model, selected: msg.id } : model
      },
      view: (model) => h<Msg>("p", null, String(model.rows.length))
    }, { model: Model, msg: Msg })
    expectTypeOf(inline).toEqualTypeOf<Program<Model, Msg, never>>()
    expectTypeOf(checked).toEqualTypeOf<Program<Model, Msg, never>>()
    expect(inline.checks?.msgHash).toBe(checks.msgHash)
  })

  it("takes the other type from the program when one Schema is left out", () => {
    const onlyMsg = withSchemas(table, { msg: Msg })
    expectTypeOf(onlyMsg).toEqualTypeOf<Program<Model, Msg, never>>()
    const onlyModel = withSchemas(table, { model: Model })
    expectTypeOf(onlyModel).toEqualTypeOf<Program<Model, Msg, never>>()
    expect(onlyMsg.checks?.modelHash).toBe("")
    expect(onlyModel.checks?.msgHash).toBe("")
  })

  it("refuses a program whose types do not match the Schemas", () => {
    type Wider = Msg | { readonly type: "undo" }
    const wider: Program<Model, Wider> = { ...table, update: (model, msg) => (msg.type === "undo" ? model : update(model, msg)) }
    const NarrowMsg = Schema.Struct({ type: Schema.Literal("select"), id: Schema.Number })
    const OtherModel = Schema.Struct({ rows: Schema.Array(Row), selected: Schema.NullOr(Schema.Number) })
    const ServiceMsg = Schema.Struct({ type: Schema.Literal("select"), id: Schema.Number }) as unknown as Schema.Codec<Msg, unknown, { readonly service: true }>
    const refused = [
      // @ts-expect-error: the program takes an "undo" the message Schema does not decode
      withSchemas(wider, { msg: Msg }),
      // @ts-expect-error: the message Schema decodes fewer messages than the program's Msg
      withSchemas(table, { msg: NarrowMsg }),
      // @ts-expect-error: the model Schema has no savedAt
      withSchemas(table, { model: OtherModel }),
      // @ts-expect-error: a Schema that needs services cannot run at the boundary
      withSchemas(table, { msg: ServiceMsg }),
      withSchemas({
        init: () => ({ rows: [], selected: null, savedAt: new Date(0) }),
        // @ts-expect-error: "undo" is no message of the Schema
        update: (model, msg) => (msg.type === "undo" ? model : model),
        view: () => null
      }, { model: Model, msg: Msg })
    ]
    expect(refused).toHaveLength(5)
  })
})

describe("docs/schemas.md example", () => {
  it("runs as the page shows it, with the results its comments give", () => {
    // docs example start
    const Model = Schema.Struct({ count: Schema.Number, since: Schema.DateFromString })
    const Msg = Schema.Union([
      Schema.Struct({ type: Schema.Literal("inc") }),
      Schema.Struct({ type: Schema.Literal("add"), by: Schema.Number })
    ])

    // Model and Msg come from the Schemas: no annotations on update or view.
    const counter = withSchemas({
      init: () => ({ count: 0, since: new Date(0) }),
      update: (model, msg) => ({ ...model, count: model.count + (msg.type === "inc" ? 1 : msg.by) }),
      view: (model) => h<typeof Msg.Type>("button", { onClick: { type: "inc" } }, `${model.count} since ${model.since.toISOString()}`)
    }, { model: Model, msg: Msg })

    const checks = counter.checks!
    checks.decodeMsg!({ type: "add", by: 2 })    // { ok: true, value: { type: "add", by: 2 } }
    checks.decodeMsg!({ type: "add", by: "2" })  // { ok: false, path: '["by"]', message: "Expected number" }
    checks.encodeModel!({ count: 1, since: new Date(0) })
    // { count: 1, since: "1970-01-01T00:00:00.000Z" }: what storage and export hold
    checks.decodeModel!({ count: 1, since: "1970-01-01T00:00:00.000Z" })
    // { ok: true, value: { count: 1, since: Date(0) } }
    checks.modelHash                             // 8 hex digits, the same in every page load
    // docs example end

    expect(checks.decodeMsg!({ type: "add", by: 2 })).toEqual({ ok: true, value: { type: "add", by: 2 } })
    expect(checks.decodeMsg!({ type: "add", by: "2" })).toEqual({ ok: false, path: `["by"]`, message: "Expected number" })
    expect(checks.encodeModel!({ count: 1, since: new Date(0) })).toEqual({ count: 1, since: "1970-01-01T00:00:00.000Z" })
    expect(checks.decodeModel!({ count: 1, since: "1970-01-01T00:00:00.000Z" })).toEqual({ ok: true, value: { count: 1, since: new Date(0) } })
    expect(checks.modelHash).toMatch(/^[0-9a-f]{8}$/)
    expect(counter.update({ count: 1, since: new Date(0) }, { type: "add", by: 2 })).toEqual({ count: 3, since: new Date(0) })
    expect(describeSchema(Schema.Struct({ b: Schema.optionalKey(Schema.Number), a: Schema.String }))).toBe(`{"a":String,"b":Number?}`)
  })

  it("is the same code as the page's first ts block, imports aside", () => {
    const page = readFileSync(new URL("../../docs/schemas.md", import.meta.url), "utf8")
    const block = /```ts\n([\s\S]*?)```/.exec(page)?.[1] ?? ""
    const pageCode = block.split("\n").filter((line) => !line.startsWith("import ")).join("\n").trim()
    const source = readFileSync(new URL(import.meta.url), "utf8")
    const copy = source.slice(source.indexOf("// docs example start\n") + "// docs example start\n".length, source.indexOf("    // docs example end"))
    const testCode = copy.split("\n").map((line) => line.replace(/^ {4}/, "")).join("\n").trim()
    expect(pageCode.length).toBeGreaterThan(200)
    expect(testCode).toBe(pageCode)
  })
})

/** A second FNV-1a 32, in BigInt arithmetic, to check the one in schemas.ts against. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5n
  for (const byte of Buffer.from(text, "utf8")) hash = ((hash ^ BigInt(byte)) * 0x01000193n) & 0xffffffffn
  return hash.toString(16).padStart(8, "0")
}
