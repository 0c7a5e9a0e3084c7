import type { WorkerTables } from "../../protocol/messages.ts"
import type { RootStats } from "../root/root-api.ts"

/**
 * Memory samples of a root: its tables on both threads and, where the browser tells, the
 * JS heap. Used by the monitor (monitor.ts); see docs/monitoring.md.
 */

/** One memory sample. Flat figures over a long session mean nothing leaks. */
export interface MemorySample {
  /** When it was taken (performance.now()). */
  readonly at: number
  /** The worker's tables after the last commit the monitor saw; null before the first. */
  readonly worker: WorkerTables | null
  /** Nodes in the page's node table (root.stats.nodes). */
  readonly nodes: number
  /** Strings in the page's string table. */
  readonly strings: number
  /** Event types with a delegated listener. */
  readonly listeners: number
  /** Messages held on the page to replay after a crash. */
  readonly journalLength: number
  /** The latest heap reading, or null where the browser gives none. */
  readonly heap: HeapReading | null
}

/** The JS heap, as the browser tells it. */
export interface HeapReading {
  /**
   * "measureUserAgentSpecificMemory": the page and its workers (the worker's heap
   * included), on a cross-origin isolated page; it takes seconds (the browser waits for a
   * garbage collection), so a sample carries the last one that finished (see `at`).
   * "performance.memory": this thread's heap only, Chrome, rounded unless precise memory
   * info is on.
   */
  readonly source: "measureUserAgentSpecificMemory" | "performance.memory"
  /** Bytes used. */
  readonly usedBytes: number
  /** Bytes the heap holds (performance.memory only). */
  readonly totalBytes: number | null
  /** When this reading was taken (performance.now()). */
  readonly at: number
}

/** Chrome's performance.memory. */
interface PerformanceMemory {
  readonly usedJSHeapSize: number
  readonly totalJSHeapSize: number
}

type MeasureMemory = () => Promise<{ readonly bytes: number }>

/** Reads the heap: the measurement API when it may be used, else performance.memory, else nothing. */
export class HeapReader {
  private latest: HeapReading | null = null
  private pending = false
  /** Off after a refusal (the page is not isolated after all): performance.memory from then on. */
  private measureAllowed = true

  read(): HeapReading | null {
    const measure = (performance as { measureUserAgentSpecificMemory?: MeasureMemory }).measureUserAgentSpecificMemory
    if (this.measureAllowed && typeof measure === "function" && globalThis.crossOriginIsolated === true) {
      this.startMeasure(measure)
      // Until the first measurement finishes, performance.memory (where there is one).
      if (this.latest !== null) return this.latest
    }
    const memory = (performance as { memory?: PerformanceMemory }).memory
    if (memory === undefined) return null
    return { source: "performance.memory", usedBytes: memory.usedJSHeapSize, totalBytes: memory.totalJSHeapSize, at: performance.now() }
  }

  private startMeasure(measure: MeasureMemory): void {
    // One measurement at a time: each waits for a garbage collection.
    if (this.pending) return
    this.pending = true
    measure.call(performance).then(
      (result) => {
        this.pending = false
        this.latest = { source: "measureUserAgentSpecificMemory", usedBytes: result.bytes, totalBytes: null, at: performance.now() }
      },
      () => {
        this.pending = false
        this.measureAllowed = false
      }
    )
  }
}

/** A memory sample of a root now. */
export function memorySample(stats: RootStats, worker: WorkerTables | null, heap: HeapReader): MemorySample {
  return {
    at: performance.now(),
    worker,
    nodes: stats.nodes,
    strings: stats.strings,
    listeners: stats.listeners,
    journalLength: stats.journalLength,
    heap: heap.read()
  }
}
