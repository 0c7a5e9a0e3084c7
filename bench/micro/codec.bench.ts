import { Bench } from "tinybench"
import { Header, OP_NAMES } from "../../protocol/opcodes.ts"
import { type DecodedPatch, decodePatch } from "../../protocol/patch-reader.ts"
import { PatchWriter } from "../../protocol/patch-writer.ts"
import { jfbOps, opPatches } from "./jfb-patches.ts"
import { ALL_RESULTS, BENCH_OPTIONS, collect, printTable } from "./tinybench-report.ts"

/**
 * The wire format alone, per js-framework-benchmark op: encoding (PatchWriter, replaying
 * the op's patch list op by op into a pooled buffer, strings included) and decoding
 * (`decodePatch`, the plain-data reader tests and tools use; the applier validates with its
 * own pass, timed in apply.bench.ts).
 */

/** An op as [code, arg, ...operands], so the timed loop switches on numbers. */
type Instruction = readonly number[]

function compile(decoded: DecodedPatch): Instruction[] {
  return decoded.ops.map((op) => [OP_NAMES.indexOf(op.op), op.arg, ...op.operands])
}

function replay(writer: PatchWriter, decoded: DecodedPatch, program: readonly Instruction[], buffer: ArrayBuffer | null): ArrayBuffer {
  writer.begin(buffer, decoded.rootId, decoded.commitId, decoded.lane, decoded.eventSeq)
  const strings = decoded.strings
  for (let i = 0; i < strings.length; i++) writer.defineString(strings[i][0], strings[i][1])
  for (let i = 0; i < program.length; i++) {
    const p = program[i]
    switch (p[0]) {
      case 1: writer.createElement(p[2], p[3], p[1]); break
      case 2: writer.createText(p[2], p[3]); break
      case 3: writer.setText(p[2], p[3]); break
      case 4: writer.setAttr(p[2], p[3], p[4]); break
      case 5: writer.removeAttr(p[2], p[3]); break
      case 6: writer.setProp(p[2], p[3], p[1], p[4]); break
      case 7: writer.setStyle(p[2], p[3], p[4]); break
      case 8: writer.removeStyle(p[2], p[3]); break
      case 9: writer.append(p[2], p[3]); break
      case 10: writer.insertBefore(p[2], p[3], p[4]); break
      case 11: writer.remove(p[2]); break
      case 12: writer.clearChildren(p[2]); break
      case 13: writer.releaseNodes(p.slice(2), p.length - 2); break
      case 14: writer.setEvent(p[2], p[3], p[1]); break
      case 15: writer.removeEvent(p[2], p[3]); break
      case 16: writer.freeStrings(p.slice(2), p.length - 2); break
      default: throw new Error(`unknown op ${p[0]}`)
    }
  }
  return writer.finish()
}

function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  const length = new Uint32Array(a, 0, Header.Size)[Header.ByteLength]
  if (length !== new Uint32Array(b, 0, Header.Size)[Header.ByteLength]) return false
  const x = new Uint8Array(a, 0, length)
  const y = new Uint8Array(b, 0, length)
  for (let i = 0; i < length; i++) if (x[i] !== y[i]) return false
  return true
}

const bench = new Bench({ ...BENCH_OPTIONS, name: "codec" })
for (const op of jfbOps()) {
  const { patch } = opPatches(op)
  const decoded = decodePatch(patch)
  const program = compile(decoded)
  const writer = new PatchWriter()
  // The replay must give back the very bytes the renderer wrote, or this measures something else.
  if (!sameBytes(replay(writer, decoded, program, null), patch)) throw new Error(`${op.id}: replayed patch list differs from the original`)
  let pooled: ArrayBuffer | null = null
  bench.add(`encode: ${op.title} (${patch.byteLength} B)`, () => {
    pooled = replay(writer, decoded, program, pooled)
  })
  bench.add(`decode: ${op.title} (${patch.byteLength} B)`, () => {
    decodePatch(patch)
  })
}

await bench.run()
const rows = collect(bench, "codec")
ALL_RESULTS.push(...rows)
printTable("PatchWriter encode and decodePatch per jfb op, Node", rows)
