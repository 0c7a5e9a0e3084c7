import { CONTAINER_ID, NS_HTML } from "../../protocol/opcodes.ts"
import { patchChildren } from "./children.ts"
import { drainWork, markTree, reindex } from "./diff.ts"
import { normalizeChildren } from "../h.ts"
import type { WorkerTables } from "../../protocol/messages.ts"
import type { ComponentInstance } from "../components/instance.ts"
import { createRenderContext, type RenderContext } from "./render-context.ts"
import { type ComponentTiming, RenderProfile } from "./profile.ts"
import type { Child, VNode } from "../vnode.ts"

/** Buffers returned by the main thread, kept for reuse; a few cover the commits in flight. */
const BUFFER_POOL_LIMIT = 8

/**
 * Turns successive views of one root into patch lists: diff, encode, table upkeep and
 * rollback. Knows nothing of models, messages or threads, so tests drive it directly.
 */
export class Renderer {
  readonly ctx: RenderContext
  private tree: VNode[] = []
  /** The top-level vnodes of the commit in progress. */
  private next: VNode[] | null = null
  private readonly pool: ArrayBuffer[] = []
  private commitId = 0
  /** `ctx.renderSeq` of the render that made the tree on screen. */
  private shownSeq = 0
  /** Profiling was on when the render in progress (or the last one) began: its counts are whole. */
  private profiledRender = false
  readonly rootId: number

  /** `options.templates`: send repeated subtrees as templates (templates.ts); on by default. */
  constructor(rootId: number, options?: { readonly templates?: boolean }) {
    this.rootId = rootId
    this.ctx = createRenderContext(options?.templates)
  }

  /** The mounted top-level vnodes. */
  get current(): readonly VNode[] {
    return this.tree
  }

  /** Id of the last commit produced. */
  get lastCommitId(): number {
    return this.commitId
  }

  /**
   * Diffs `view` against the mounted tree and returns the patch list, or null if nothing
   * changed. If the view (or a component in it) throws, nothing is kept: the tables and
   * the tree are as before, and the error is rethrown.
   */
  render(view: () => Child, lane: number, eventSeq: number): ArrayBuffer | null {
    this.begin(view, lane, eventSeq)
    this.work(Number.POSITIVE_INFINITY, Date.now)
    return this.finish()
  }

  /** True between `begin` and `finish` or `abort`. */
  get inProgress(): boolean {
    return this.next !== null
  }

  /** Calls `view` and starts diffing it; `work` does the rest. Throws (after rolling back) if the view throws. */
  begin(view: () => Child, lane: number, eventSeq: number): void {
    const ctx = this.ctx
    this.clearSideEffects()
    ctx.templates.suppressed = 0
    ctx.lane = lane
    ctx.renderSeq++
    this.profiledRender = ctx.profile !== null
    if (ctx.profile !== null) ctx.profile.reset()
    ctx.writer.begin(this.pool.pop() ?? null, this.rootId, this.commitId + 1, lane, eventSeq)
    try {
      const next = normalizeChildren(view(), "root") as VNode[]
      this.next = next
      patchChildren(ctx, CONTAINER_ID, this.tree, next, 0, NS_HTML, "root", true)
    } catch (error) {
      this.abort()
      throw error
    }
  }

  /**
   * Diffs until done (true) or until `clock()` passes `deadline` (false: call again).
   * Throws (after rolling back) if a component or a key check throws.
   */
  work(deadline: number, clock: () => number): boolean {
    try {
      return drainWork(this.ctx, deadline, clock)
    } catch (error) {
      this.abort()
      throw error
    }
  }

  /** Ends the commit begun by `begin` after `work` returned true: returns its patch list, or null if it has no ops. */
  finish(): ArrayBuffer | null {
    const ctx = this.ctx
    const writer = ctx.writer
    const next = this.next!
    if (ctx.ids.releasedNow.length > 0) ctx.strings.noteDrop()
    // Strings an idle sweep found unused since the last commit: freed last, after every definition.
    const freedSwept = ctx.strings.freeSwept(writer)
    writer.releaseNodes(ctx.ids.releasedNow, ctx.ids.releasedNow.length)
    this.tree = next
    this.next = null
    this.shownSeq = ctx.renderSeq
    const commitId = this.commitId + 1
    ctx.ids.commit(commitId)
    ctx.strings.commit(freedSwept)
    // Empty only with no ops and no strings: a defined string must reach the main thread.
    const empty = writer.opWords === 0 && writer.stringCount === 0
    const buffer = writer.finish()
    if (empty) {
      this.pool.push(buffer)
      return null
    }
    this.commitId = commitId
    return buffer
  }

  /** True if `sweepStrings` would sweep now (no commit open, and the table has outgrown the view). */
  get needsStringSweep(): boolean {
    return !this.ctx.writer.isOpen && this.ctx.strings.needsSweep(this.liveNodes)
  }

  /** Nodes on screen once the commits sent so far are applied. */
  private get liveNodes(): number {
    return this.ctx.ids.live + this.ctx.ids.pendingDelta
  }

  /**
   * Upkeep for an idle worker, off every commit's path: if the string table has outgrown
   * what the tree on screen uses (StringTable.needsSweep), marks the tree's strings and
   * frees the rest; the next commit tells the main thread. Returns how many were freed.
   */
  sweepStrings(): number {
    const ctx = this.ctx
    if (!this.needsStringSweep) return 0
    ctx.strings.beginMark()
    for (let i = 0; i < this.tree.length; i++) markTree(ctx, this.tree[i])
    return ctx.strings.sweep(this.liveNodes)
  }

  /** Forgets the commit in progress: the main thread never sees it, and the old tree still describes the DOM. */
  abort(): void {
    const ctx = this.ctx
    if (!ctx.writer.isOpen) return
    this.next = null
    ctx.work.length = 0
    ctx.boundary = null
    ctx.noDefer = 0
    this.clearSideEffects()
    this.pool.push(ctx.writer.finish())
    const allocated = ctx.ids.abort()
    for (let i = 0; i < allocated.length; i++) ctx.nodes[allocated[i]] = undefined
    ctx.strings.abort()
    for (let i = 0; i < this.tree.length; i++) reindex(ctx, this.tree[i])
  }

  /** The main thread applied every commit up to `commitId` and gave `buffer` back (null: it kept none). */
  acknowledge(commitId: number, buffer: ArrayBuffer | null): void {
    this.ctx.ids.acknowledge(commitId)
    if (buffer !== null) this.recycle(buffer)
  }

  /** A finished patch list the main thread will not need (it was copied into the commit ring): reuse it. */
  recycle(buffer: ArrayBuffer): void {
    if (this.pool.length < BUFFER_POOL_LIMIT) this.pool.push(buffer)
  }

  /**
   * What the last finished render asks of the runtime: effects to start (instance, key,
   * effect triples), component instances to close, errors boundaries caught (vnode, error
   * pairs). The runtime takes them right after `finish`.
   */
  get sideEffects(): { readonly effects: readonly unknown[]; readonly closing: readonly ComponentInstance[]; readonly caught: readonly unknown[] } {
    return { effects: this.ctx.effects.items, closing: this.ctx.closing, caught: this.ctx.caught }
  }

  clearSideEffects(): void {
    this.ctx.effects.rewind(0)
    this.ctx.closing.length = 0
    this.ctx.caught.length = 0
  }

  /**
   * Devtools: true if the render that made the tree on screen skipped `instance` as
   * memoized. While a sliced render is in progress it may describe that render instead.
   */
  wasSkipped(instance: ComponentInstance): boolean {
    return this.shownSeq > 0 && instance.skippedAt >= this.shownSeq
  }

  /** Devtools: per-component render timing on or off, from the next render on. */
  setProfiling(on: boolean): void {
    if (on === (this.ctx.profile !== null)) return
    this.ctx.profile = on ? new RenderProfile() : null
    this.profiledRender = false
  }

  get profiling(): boolean {
    return this.ctx.profile !== null
  }

  /** The per-component counts of the last render, or null if profiling was not on for all of it. */
  renderProfile(): ComponentTiming[] | null {
    const profile = this.ctx.profile
    return profile !== null && this.profiledRender ? profile.components() : null
  }

  /** Sizes of the tables, to watch memory. */
  get tableSizes(): Omit<WorkerTables, "subscriptions"> {
    const ctx = this.ctx
    return {
      liveNodes: ctx.ids.live,
      waitingIds: ctx.ids.waiting,
      strings: ctx.strings.size,
      pooledBuffers: this.pool.length,
      bufferAllocations: ctx.writer.allocations,
      resources: ctx.resources.size
    }
  }
}
