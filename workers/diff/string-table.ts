import type { PatchWriter } from "../../protocol/patch-writer.ts"
import type { TemplateTable } from "./templates.ts"

const MIN_SWEEP_SIZE = 1024

/**
 * Interns strings per root: each string is sent to the main thread once and referred to
 * by id afterwards. Unused strings are found by mark and sweep over the live vnode tree,
 * run only when the table has doubled since the last sweep, so interning costs one Map
 * lookup and the table stays proportional to what is on screen.
 *
 * The sweep runs while the worker is idle, off every commit's path (Renderer.sweepStrings);
 * the ids it frees go to the main thread at the end of the next commit (FREE_STRINGS) and
 * are reused only after that commit.
 */
export class StringTable {
  private readonly ids = new Map<string, number>()
  private marks = new Uint32Array(1024)
  private epoch = 0
  private next = 0
  private readonly free: number[] = []
  private readonly definedNow: string[] = []
  /** Ids the last sweep freed: not reused until the commit that frees them on the main thread is done. */
  private readonly sweptIds: number[] = []
  private liveAfterSweep = 0
  private nodesAtSweep = 0
  /** Since the last sweep, a node was released or a value replaced: some string may be unused. */
  private dropped = false
  /**
   * The root's templates, which are rolled back with the strings: a savepoint's string mark
   * also covers the templates defined since (one mark for both definition tables).
   */
  templates: TemplateTable | null = null

  /** The id of `text`, defining it in the open patch list if the main thread lacks it. */
  intern(text: string, writer: PatchWriter): number {
    let id = this.ids.get(text)
    if (id === undefined) {
      id = this.free.length > 0 ? this.free.pop()! : this.next++
      this.ids.set(text, id)
      this.definedNow.push(text)
      writer.defineString(id, text)
    }
    return id
  }

  get size(): number {
    return this.ids.size
  }

  /** The open commit is done; if it carried the swept ids (`freeSwept`), they may be reused now. */
  commit(freedSwept: boolean): void {
    this.definedNow.length = 0
    this.templates?.commit()
    if (!freedSwept) return
    for (let i = 0; i < this.sweptIds.length; i++) this.free.push(this.sweptIds[i])
    this.sweptIds.length = 0
  }

  /** Writes a FREE_STRINGS op for the ids the last sweep freed, if any; true if it did. */
  freeSwept(writer: PatchWriter): boolean {
    if (this.sweptIds.length === 0) return false
    writer.freeStrings(this.sweptIds, this.sweptIds.length)
    return true
  }

  /** The open patch list was thrown away: forget the strings it would have defined. */
  abort(): void {
    this.rewind(0)
  }

  /** Strings defined so far in the open commit (see `rewind`). */
  get definedMark(): number {
    // Templates (at most 256) above bit 32, strings below.
    return (this.templates === null ? 0 : this.templates.definedMark * 4294967296) + this.definedNow.length
  }

  /** Forgets the strings defined after the mark (their definitions were rewound in the writer). */
  rewind(mark: number): void {
    const strings = mark % 4294967296
    if (this.templates !== null) this.templates.rewind((mark - strings) / 4294967296)
    const undone = this.definedNow.splice(strings)
    for (const text of undone) {
      this.free.push(this.ids.get(text)!)
      this.ids.delete(text)
    }
  }

  /**
   * A string may have lost its last user: a node was released, or a text or prop value
   * replaced. Until then every string in the table is in use, so no sweep is needed.
   */
  noteDrop(): void {
    this.dropped = true
  }

  /**
   * Sweep when the view has shrunk to under half the nodes it had at the last sweep (a
   * cleared list leaves its strings unused), or when the table has doubled since and
   * something was dropped meanwhile. Commits that only add (creating 1,000 rows after a
   * clear) define many strings but leave none unused: they need no mark of the whole tree.
   */
  needsSweep(liveNodes: number): boolean {
    if (this.ids.size <= MIN_SWEEP_SIZE) return false
    return liveNodes < this.nodesAtSweep / 2 || (this.dropped && this.ids.size > 2 * this.liveAfterSweep)
  }

  /** Starts a mark phase; call `mark` for every string the live tree uses, then `sweep`. */
  beginMark(): void {
    this.epoch++
    if (this.marks.length < this.next) {
      const grown = new Uint32Array(Math.max(this.next, this.marks.length * 2))
      grown.set(this.marks)
      this.marks = grown
    }
  }

  mark(text: string): void {
    const id = this.ids.get(text)
    if (id !== undefined) this.marks[id] = this.epoch
  }

  /**
   * Forgets every unmarked string (a later use defines it anew) and holds its id for the
   * next commit's FREE_STRINGS. Returns how many were freed. `liveNodes`: nodes on screen now.
   */
  sweep(liveNodes: number): number {
    const before = this.sweptIds.length
    for (const [text, id] of this.ids) {
      if (this.marks[id] !== this.epoch) {
        this.ids.delete(text)
        this.sweptIds.push(id)
      }
    }
    this.liveAfterSweep = this.ids.size
    this.nodesAtSweep = liveNodes
    this.dropped = false
    return this.sweptIds.length - before
  }
}
