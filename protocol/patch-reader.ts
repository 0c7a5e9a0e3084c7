import { Header, HEADER_WORDS, MAGIC, OP_LAST, OP_MASK, OP_NAMES, OP_WORDS, VERSION, ARG_SHIFT } from "./opcodes.ts"
import { MalformedPatchError } from "./errors.ts"

/** One decoded op: its name, its argument (namespace, prop kind or event flags) and its operands. */
export interface DecodedOp {
  readonly op: string
  readonly arg: number
  readonly operands: readonly number[]
}

/** A patch list as plain data: for tests, golden files and debugging tools, not for the hot path. */
export interface DecodedPatch {
  readonly rootId: number
  readonly commitId: number
  readonly lane: number
  readonly flags: number
  readonly eventSeq: number
  readonly strings: ReadonlyArray<readonly [id: number, text: string]>
  readonly ops: readonly DecodedOp[]
}

/** Checks the header and returns the used byte length; throws MalformedPatchError. */
export function checkHeader(words: Uint32Array, byteLength: number): void {
  if (byteLength < HEADER_WORDS * 4 || words.length < HEADER_WORDS) throw new MalformedPatchError("shorter than a header", 0)
  if (words[Header.Magic] !== MAGIC) throw new MalformedPatchError("bad magic number", Header.Magic)
  if (words[Header.Version] !== VERSION) throw new MalformedPatchError(`unsupported version ${words[Header.Version]} (this applier reads ${VERSION})`, Header.Version)
  const used = words[Header.ByteLength]
  if (used > byteLength || used < HEADER_WORDS * 4) throw new MalformedPatchError(`byte length ${used} outside the buffer (${byteLength})`, Header.ByteLength)
  const count = words[Header.StringCount]
  const stringWordsEnd = HEADER_WORDS + words[Header.OpWords] + 2 * count
  if (stringWordsEnd * 4 + words[Header.StringBytes] !== used) throw new MalformedPatchError("section sizes do not add up to the byte length", Header.OpWords)
}

/** Size in words of the op at `at`, or -1 if it is not a known op or runs past `end`. */
export function opSize(words: Uint32Array, at: number, end: number): number {
  const code = words[at] & OP_MASK
  if (code === 0 || code > OP_LAST) return -1
  let size = OP_WORDS[code]
  if (size === 0) {
    if (at + 1 >= end) return -1
    size = 2 + words[at + 1]
  }
  return at + size <= end ? size : -1
}

/**
 * Decodes a whole patch list into plain data. Checks the structure (header, op sizes,
 * string section), not whether node ids exist: that is the applier's job.
 */
export function decodePatch(buffer: ArrayBuffer): DecodedPatch {
  const words = new Uint32Array(buffer, 0, buffer.byteLength >>> 2)
  checkHeader(words, buffer.byteLength)
  const end = HEADER_WORDS + words[Header.OpWords]
  const ops: DecodedOp[] = []
  for (let at = HEADER_WORDS; at < end;) {
    const size = opSize(words, at, end)
    if (size < 0) throw new MalformedPatchError(`unknown or truncated op ${words[at] & OP_MASK}`, at)
    const code = words[at] & OP_MASK
    // Variable-length ops: the operands are the words after the count.
    const variable = OP_WORDS[code] === 0
    ops.push({
      op: OP_NAMES[code],
      arg: words[at] >>> ARG_SHIFT,
      operands: Array.from(words.subarray(at + (variable ? 2 : 1), at + size))
    })
    at += size
  }
  const count = words[Header.StringCount]
  const text = new TextDecoder().decode(new Uint8Array(buffer, (end + 2 * count) * 4, words[Header.StringBytes]))
  const strings: Array<readonly [number, string]> = []
  let pos = 0
  for (let i = 0; i < count; i++) {
    const length = words[end + count + i]
    strings.push([words[end + i], text.substring(pos, pos + length)])
    pos += length
  }
  if (pos !== text.length) throw new MalformedPatchError("string lengths do not match the string bytes", end + count)
  return {
    rootId: words[Header.RootId],
    commitId: words[Header.CommitId],
    lane: words[Header.Lane],
    flags: words[Header.Flags],
    eventSeq: words[Header.EventSeq],
    strings,
    ops
  }
}
