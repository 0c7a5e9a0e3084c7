import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import * as SchemaIssue from "effect/SchemaIssue"
import { clause, StateError } from "../../protocol/errors.ts"
import type { CheckResult, Program, ProgramChecks } from "../program.ts"

/**
 * Checked types at the thread boundary (docs/schemas.md). This is the only module that
 * imports effect/Schema: `Program.checks` is plain functions, so an app that never calls
 * `withSchemas` bundles none of Schema.
 *
 * Effect's `errors: "first"` (its default) is used on purpose: a refusal names one path,
 * so collecting every issue would be wasted work, and decoding stops at the first bad field
 * of a message instead of walking the rest of it.
 */

/** A Schema the boundary can run synchronously: no services to decode or encode. */
type SyncCodec<T> = Schema.Codec<T, unknown, never, never>

/** The schemas `withSchemas` takes; either may be left out. */
export interface BoundarySchemas {
  readonly model?: SyncCodec<unknown>
  readonly msg?: SyncCodec<unknown>
}

/** The model type: the model Schema's, or the program's when there is no model Schema. */
export type ModelOf<S extends BoundarySchemas, Fallback> = S extends { readonly model: SyncCodec<infer T> } ? T : Fallback
/** The message type: the message Schema's, or the program's when there is no message Schema. */
export type MsgOf<S extends BoundarySchemas, Fallback> = S extends { readonly msg: SyncCodec<infer T> } ? T : Fallback

/**
 * Returns `program` with `checks` filled from Effect Schemas: messages that come from the
 * page (dispatch, an imported history) are decoded through `schemas.msg`, models that come
 * from outside (restore, persistence, import) through `schemas.model`, and models leave the
 * worker for storage or export through the model Schema's encoded side.
 *
 * Model and Msg are the Schemas' types: an inline program's `update` is typed by them, and
 * a program typed otherwise is refused by the compiler (Program is invariant in both, so
 * a Schema that decodes fewer messages than `update` takes is refused too). The Schemas
 * must need no services (decoding runs synchronously at the boundary).
 *
 * @since 0.1.0
 * @example
 * // From docs/schemas.md, whose example test/state/schemas.test.ts runs.
 * const Model = Schema.Struct({ count: Schema.Number, since: Schema.DateFromString })
 * const Msg = Schema.Union([
 *   Schema.Struct({ type: Schema.Literal("inc") }),
 *   Schema.Struct({ type: Schema.Literal("add"), by: Schema.Number })
 * ])
 * const counter = withSchemas({
 *   init: () => ({ count: 0, since: new Date(0) }),
 *   update: (model, msg) => ({ ...model, count: model.count + (msg.type === "inc" ? 1 : msg.by) }),
 *   view: (model) => h<typeof Msg.Type>("button", { onClick: { type: "inc" } }, `${model.count} since ${model.since.toISOString()}`)
 * }, { model: Model, msg: Msg })
 * counter.checks!.decodeMsg!({ type: "add", by: "2" })  // { ok: false, path: '["by"]', message: "Expected number" }
 */
export function withSchemas<const S extends BoundarySchemas, ProgramModel, ProgramMsg, R = never>(
  program: Program<ModelOf<S, ProgramModel>, MsgOf<S, ProgramMsg>, R>,
  schemas: S
): Program<ModelOf<S, ProgramModel>, MsgOf<S, ProgramMsg>, R> {
  type Model = ModelOf<S, ProgramModel>
  type Msg = MsgOf<S, ProgramMsg>
  const model = schemas.model as SyncCodec<Model> | undefined
  const msg = schemas.msg as SyncCodec<Msg> | undefined
  const checks: ProgramChecks<Model, Msg> = {
    decodeMsg: msg === undefined ? undefined : makeDecoder(msg),
    decodeModel: model === undefined ? undefined : makeDecoder(model),
    encodeModel: model === undefined ? undefined : makeEncoder(model),
    modelHash: model === undefined ? "" : schemaHash(model),
    msgHash: msg === undefined ? "" : schemaHash(msg)
  }
  return { ...program, checks }
}

// --- decoding -------------------------------------------------------------------------

function accepted<A>(value: A): CheckResult<A> {
  return { ok: true, value }
}

function refused<A>(path: string, message: string): CheckResult<A> {
  return { ok: false, path, message }
}

// One formatter for the module: it walks an issue tree the way Effect's default one does
// (filter messages, union alternatives), but gives the path as keys instead of text.
const formatIssue = SchemaIssue.makeFormatterStandardSchemaV1()

/** The first issue of a failure: where (bracket path) and what (Effect's message). */
function firstIssue(issue: SchemaIssue.Issue): { readonly path: string; readonly message: string } {
  const first = formatIssue(issue).issues[0]
  if (first === undefined) return { path: "", message: "Invalid value" }
  return { path: formatPath(first.path ?? []), message: first.message }
}

/**
 * `["rows"][3]["label"]`, as Effect's own formatter and `StateError.path` write it: a
 * string key quoted (so keys with dots or brackets stay unambiguous), an index bare.
 */
export function formatPath(path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>): string {
  let out = ""
  for (const segment of path) {
    const key = typeof segment === "object" ? segment.key : segment
    out += typeof key === "string" ? `[${JSON.stringify(key)}]` : `[${String(key)}]`
  }
  return out
}

/**
 * The Exit form, not the Result one: both are synchronous, but decodeUnknownResult throws a
 * bare "Result adapter can only return schema issues" when the Schema fails otherwise (a
 * transformation that throws, a Schema that would need to run asynchronously), while the
 * Exit keeps that failure in its Cause, so the refusal can say what it was.
 */
function makeDecoder<A>(schema: SyncCodec<A>): (input: unknown) => CheckResult<A> {
  const decode = Schema.decodeUnknownExit(schema)
  return (input) => {
    const exit = decode(input)
    if (Exit.isSuccess(exit)) return accepted(exit.value)
    const failure = explain(exit.cause)
    // At the boundary even a Schema that threw refuses the input; it never crashes the worker.
    return refused(failure.path, failure.message)
  }
}

/** Where and why, from a failed decode or encode: its schema issue, or what the Schema threw. */
function explain(cause: Cause.Cause<Schema.SchemaError>): { readonly path: string; readonly message: string } {
  const error = Cause.findError(cause)
  if (Result.isSuccess(error)) return firstIssue(error.success.issue)
  const thrown = Cause.squash(cause)
  return { path: "", message: `The Schema failed: ${clause(thrown)}` }
}

/**
 * Encodes through the Schema's encoded side, or is left out (identity) when that side is
 * the type side: a model with no transformation is stored as it is, without a walk over it
 * on every write. Throws StateError("ModelRejected") when the model does not encode.
 */
function makeEncoder<A>(schema: SyncCodec<A>): ((model: A) => unknown) | undefined {
  if (SchemaAST.toEncoded(schema.ast) === schema.ast) return undefined
  const encode = Schema.encodeExit(schema)
  return (model) => {
    const exit = encode(model)
    if (Exit.isSuccess(exit)) return exit.value
    const { path, message } = explain(exit.cause)
    throw new StateError("ModelRejected", `The model does not encode through its Schema${path === "" ? "" : ` at ${path}`}: ${message}; check what update returned`, { path })
  }
}

// --- hashes ---------------------------------------------------------------------------

/**
 * A stable hash of a Schema: FNV-1a (32 bits, 8 hex digits) of `describeSchema`'s UTF-8.
 * Equal for two constructions of the same Schema, in any page load; different when a field
 * is added, removed, renamed, retyped or made optional, when a literal or check changes,
 * or when the encoded side changes.
 *
 * @since 0.1.0
 */
export function schemaHash(schema: Schema.Top): string {
  const bytes = new TextEncoder().encode(describeSchema(schema))
  let hash = 0x811c9dc5
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i]
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, "0")
}

/**
 * The canonical text `schemaHash` hashes, from the Schema's AST: what shapes the data
 * (tags, literals, property names in sorted order, optional and mutable keys, checks by
 * their representation, declarations by their id, the encoded side) and nothing that does
 * not (titles, descriptions, functions). Print two to see why two hashes differ.
 *
 * @since 0.1.0
 * @example
 * describeSchema(Schema.Struct({ b: Schema.optionalKey(Schema.Number), a: Schema.String }))
 * // '{"a":String,"b":Number?}'
 */
export function describeSchema(schema: Schema.Top): string {
  return describeAst(schema.ast, [])
}

/** `suspends` holds the Suspend nodes being described, so a recursive Schema ends in a back reference. */
function describeAst(ast: SchemaAST.AST, suspends: SchemaAST.Suspend[]): string {
  let out: string
  switch (ast._tag) {
    case "Declaration":
      out = `Declaration(${declarationName(ast)}${ast.typeParameters.map((parameter) => "," + describeAst(parameter, suspends)).join("")})`
      break
    case "Literal":
      out = `Literal(${canonical(ast.literal)})`
      break
    case "UniqueSymbol":
      out = `UniqueSymbol(${canonical(ast.symbol)})`
      break
    case "Enum":
      out = `Enum(${ast.enums.map(([name, value]) => `${JSON.stringify(name)}=${canonical(value)}`).join(",")})`
      break
    case "TemplateLiteral":
      out = `TemplateLiteral(${ast.parts.map((part) => describeAst(part, suspends)).join(",")})`
      break
    case "Arrays": {
      const elements = ast.elements.map((element) => describeAst(element, suspends))
      const rest = ast.rest.map((element) => "..." + describeAst(element, suspends))
      out = `[${elements.concat(rest).join(",")}]`
      break
    }
    case "Objects": {
      // Sorted: the order fields are written in does not change the data.
      const properties = ast.propertySignatures
        .map((property) => `${canonical(property.name)}:${describeAst(property.type, suspends)}`)
        .sort()
      const indexes = ast.indexSignatures.map((index) => `[${describeAst(index.parameter, suspends)}]:${describeAst(index.type, suspends)}`)
      out = `{${properties.concat(indexes).join(",")}}`
      break
    }
    case "Union":
      // Not sorted: the members are tried in order, so their order can change a decoded value.
      out = `Union${ast.options?.mode === "oneOf" ? "1" : ""}(${ast.types.map((member) => describeAst(member, suspends)).join("|")})`
      break
    case "Suspend": {
      const depth = suspends.indexOf(ast)
      if (depth >= 0) {
        out = `Ref(${depth})`
      } else {
        suspends.push(ast)
        out = `Suspend(${describeAst(ast.thunk(), suspends)})`
        suspends.pop()
      }
      break
    }
    default:
      out = ast._tag
  }
  if (ast.checks !== undefined) out += ast.checks.map(describeCheck).join("")
  if ("encodingChecks" in ast && ast.encodingChecks !== undefined) out += "~" + ast.encodingChecks.map(describeCheck).join("")
  if (ast.encoding !== undefined) {
    for (const link of ast.encoding) out += `<-${describeAst(link.to, suspends)}`
  }
  if (ast.context !== undefined) {
    if (ast.context.isMutable) out = "mutable " + out
    if (ast.context.isOptional) out += "?"
  }
  return out
}

/** A declaration (Date, Option, a Class…) has no structure to show but its id and parameters. */
function declarationName(ast: SchemaAST.Declaration): string {
  const annotations = ast.annotations
  if (annotations === undefined) return "?"
  if (annotations.representation !== undefined) return canonical(annotations.representation)
  if (typeof annotations.identifier === "string") return JSON.stringify(annotations.identifier)
  if (typeof annotations.expected === "string") return JSON.stringify(annotations.expected)
  return "?"
}

function describeCheck(check: SchemaAST.Check<unknown>): string {
  if (check._tag === "FilterGroup") return `.group(${check.checks.map(describeCheck).join("")})`
  const annotations = check.annotations
  const name = annotations?.representation !== undefined
    ? canonical(annotations.representation)
    : typeof annotations?.expected === "string"
    ? JSON.stringify(annotations.expected)
    : "?"
  return `.check(${name})`
}

/** One text per value, the same in every load: keys sorted, no identities, no functions. */
function canonical(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value)
    case "number":
      return Object.is(value, -0) ? "-0" : String(value)
    case "bigint":
      return `${value}n`
    case "boolean":
    case "undefined":
      return String(value)
    case "symbol":
      return `Symbol(${JSON.stringify(Symbol.keyFor(value) ?? value.description ?? "")})`
    case "function":
      return "fn"
  }
  if (value === null) return "null"
  if (value instanceof RegExp) return String(value)
  if (value instanceof Date) return `Date(${value.getTime()})`
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`
  const record = value as Record<string, unknown>
  return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`).join(",")}}`
}
