import { decodePatch } from "../../protocol/patch-reader.ts"
import { Header, HEADER_WORDS, OP_NAMES, OP_WORDS } from "../../protocol/opcodes.ts"
import { LANE_DEFAULT } from "../../protocol/lanes.ts"
import { Renderer } from "../../workers/diff/renderer.ts"
import { makeRows, tableView, updateEvery10th, type Row } from "./jfb-rows.ts"

/**
 * The js-framework-benchmark operations as views for the Renderer, and the patch lists
 * they produce: what the diff, codec and apply benchmarks run, and what the jfb driver's
 * patch-size target is computed from.
 *
 * Each op is a list of views: the set-up views, then the op's own view (the last one).
 */
export interface JfbOp {
  readonly id: string
  readonly title: string
  /** Views rendered before the op, in order (the table starts empty). */
  readonly setup: ReadonlyArray<readonly [rows: readonly Row[], selected: number]>
  readonly view: readonly [rows: readonly Row[], selected: number]
  /** Elements and text nodes the op creates (for per-element sizes). */
  readonly createdElements: number
  readonly createdTexts: number
}

/** Elements and text nodes of one jfb row: tr, 4 td, 2 a, span; the id and label texts. */
export const ROW_ELEMENTS = 8
export const ROW_TEXTS = 2

export function jfbOps(): JfbOp[] {
  const rows = makeRows(1000, 1, 42)
  const other = makeRows(1000, 1001, 7)
  const more = makeRows(1000, 2001, 9)
  const lots = makeRows(10000, 3001, 11)
  const swapped = rows.slice()
  swapped[1] = rows[998]
  swapped[998] = rows[1]
  const removed = rows.filter((_, i) => i !== 3)
  const empty: readonly Row[] = []
  const base: JfbOp["setup"] = [[empty, 0], [rows, 0]]
  const op = (id: string, title: string, setup: JfbOp["setup"], view: JfbOp["view"], createdRows = 0): JfbOp =>
    ({ id, title, setup, view, createdElements: createdRows * ROW_ELEMENTS, createdTexts: createdRows * ROW_TEXTS })
  return [
    op("create1k", "create 1,000 rows", [[empty, 0]], [rows, 0], 1000),
    op("replace1k", "replace all 1,000 rows", base, [other, 0], 1000),
    op("update10th", "update every 10th row (1,000)", base, [updateEvery10th(rows), 0]),
    op("select", "select a row", base, [rows, rows[1].id]),
    op("swap", "swap rows 2 and 999", base, [swapped, 0]),
    op("remove", "remove a row", base, [removed, 0]),
    op("create10k", "create 10,000 rows", [[empty, 0]], [lots, 0], 10000),
    op("append1k", "append 1,000 rows to 1,000", base, [rows.concat(more), 0], 1000),
    op("clear1k", "clear 1,000 rows", base, [empty, 0])
  ]
}

/** A renderer holding the state after `setup`, every commit acknowledged (as the main thread would). */
export function rendererAfter(setup: JfbOp["setup"]): { renderer: Renderer; commit: number } {
  const renderer = new Renderer(1)
  let commit = 0
  for (const [rows, selected] of setup) {
    const buffer = renderer.render(() => tableView(rows, selected), LANE_DEFAULT, 0)
    if (buffer !== null) renderer.acknowledge(++commit, buffer)
  }
  return { renderer, commit }
}

/** Renders one view and acknowledges it; returns a copy of its patch list (the original goes back to the pool). */
export function renderCopy(renderer: Renderer, commit: number, rows: readonly Row[], selected: number): ArrayBuffer | null {
  const buffer = renderer.render(() => tableView(rows, selected), LANE_DEFAULT, 0)
  if (buffer === null) return null
  const copy = buffer.slice(0, new Uint32Array(buffer, 0, Header.Size)[Header.ByteLength])
  renderer.acknowledge(commit + 1, buffer)
  return copy
}

/** The patch lists of an op: its set-up lists and its own. */
export function opPatches(op: JfbOp): { setup: ArrayBuffer[]; patch: ArrayBuffer } {
  const renderer = new Renderer(1)
  const setup: ArrayBuffer[] = []
  let commit = 0
  for (const [rows, selected] of op.setup) {
    const copy = renderCopy(renderer, commit, rows, selected)
    if (copy !== null) {
      setup.push(copy)
      commit++
    }
  }
  const patch = renderCopy(renderer, commit, op.view[0], op.view[1])
  if (patch === null) throw new Error(`${op.id}: the op produced no patch list`)
  return { setup, patch }
}

export interface PatchProfile {
  readonly op: string
  readonly bytes: number
  readonly opBytes: number
  /** Header bytes. */
  readonly headerBytes: number
  /** String ids, lengths and UTF-8 bytes of the strings this list defines. */
  readonly stringSectionBytes: number
  readonly newStrings: number
  readonly createdElements: number
  readonly createdTexts: number
  /** Op stream bytes by op name, with counts. */
  readonly byOp: Record<string, { readonly count: number; readonly bytes: number }>
}

/** Where the bytes of an op's patch list go. */
export function profilePatch(op: JfbOp, buffer: ArrayBuffer): PatchProfile {
  const words = new Uint32Array(buffer, 0, Header.Size)
  const decoded = decodePatch(buffer)
  const byOp: Record<string, { count: number; bytes: number }> = {}
  for (const entry of decoded.ops) {
    const code = OP_NAMES.indexOf(entry.op)
    const size = OP_WORDS[code] === 0 ? 2 + entry.operands.length : OP_WORDS[code]
    const slot = byOp[entry.op] ?? (byOp[entry.op] = { count: 0, bytes: 0 })
    slot.count++
    slot.bytes += size * 4
  }
  const opBytes = words[Header.OpWords] * 4
  return {
    op: op.id,
    bytes: words[Header.ByteLength],
    opBytes,
    headerBytes: HEADER_WORDS * 4,
    stringSectionBytes: words[Header.ByteLength] - HEADER_WORDS * 4 - opBytes,
    newStrings: words[Header.StringCount],
    createdElements: op.createdElements,
    createdTexts: op.createdTexts,
    byOp
  }
}

/** The patch profile of every jfb op (encoder only, no DOM). */
export function profileAll(): PatchProfile[] {
  return jfbOps().map((op) => profilePatch(op, opPatches(op).patch))
}
