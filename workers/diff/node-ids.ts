/**
 * Allocates u32 node ids for one root. Ids of removed nodes are recycled only after the
 * main thread acknowledges the commit that released them: until then an event may still
 * name the old node. Allocation is transactional per commit, so a render that throws can
 * be rolled back without the main thread ever learning of its ids.
 */
export class NodeIds {
  private next = 1
  private readonly free: number[] = []
  /** Released ids waiting for an ack, with the commit that released them. */
  private readonly retired: number[] = []
  private readonly retiredCommit: number[] = []
  private retiredHead = 0
  /** Ids allocated and released in the open commit. */
  private readonly allocatedNow: number[] = []
  readonly releasedNow: number[] = []
  private liveCount = 0

  allocate(): number {
    const id = this.free.length > 0 ? this.free.pop()! : this.next++
    this.allocatedNow.push(id)
    return id
  }

  release(id: number): void {
    this.releasedNow.push(id)
  }

  /** Ids the main thread holds (allocated in sent commits and not released). */
  get live(): number {
    return this.liveCount
  }

  /** Net change of live ids in the open commit. */
  get pendingDelta(): number {
    return this.allocatedNow.length - this.releasedNow.length
  }

  /** Ids waiting for an ack before reuse. */
  get waiting(): number {
    return this.retired.length - this.retiredHead
  }

  /** The open commit was sent as `commitId`. */
  commit(commitId: number): void {
    this.liveCount += this.allocatedNow.length - this.releasedNow.length
    for (let i = 0; i < this.releasedNow.length; i++) {
      this.retired.push(this.releasedNow[i])
      this.retiredCommit.push(commitId)
    }
    this.allocatedNow.length = 0
    this.releasedNow.length = 0
  }

  /** The open commit was thrown away: its ids never reached the main thread. */
  abort(): number[] {
    const allocated = this.allocatedNow.slice()
    for (let i = 0; i < this.allocatedNow.length; i++) this.free.push(this.allocatedNow[i])
    this.allocatedNow.length = 0
    this.releasedNow.length = 0
    return allocated
  }

  /** Allocations and releases so far in the open commit (see `rewind`). */
  get allocatedMark(): number {
    return this.allocatedNow.length
  }
  get releasedMark(): number {
    return this.releasedNow.length
  }

  /** Undoes allocations and releases made after the marks; returns the ids given back. */
  rewind(allocatedMark: number, releasedMark: number): number[] {
    const undone = this.allocatedNow.splice(allocatedMark)
    for (let i = 0; i < undone.length; i++) this.free.push(undone[i])
    this.releasedNow.length = releasedMark
    return undone
  }

  /** The main thread applied every commit up to `commitId`: their released ids are free. */
  acknowledge(commitId: number): void {
    let head = this.retiredHead
    while (head < this.retired.length && this.retiredCommit[head] <= commitId) this.free.push(this.retired[head++])
    if (head === this.retired.length) {
      this.retired.length = 0
      this.retiredCommit.length = 0
      head = 0
    }
    this.retiredHead = head
  }
}
