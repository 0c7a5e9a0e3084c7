import { describe, expect, it } from "vitest"
import { FlushRegistry } from "../../src/root/flush-registry.ts"

/** FlushRegistry alone: numbering, sending or holding, settling one, rejecting all. */
describe("FlushRegistry", () => {
  it("numbers flushes in order and sends them to the running worker", async () => {
    const flushes = new FlushRegistry()
    const sent: number[] = []
    const first = flushes.request((seq) => (sent.push(seq), true))
    const second = flushes.request((seq) => (sent.push(seq), true))
    expect(sent).toEqual([1, 2])
    expect(flushes.size).toBe(2)
    expect(flushes.waitingCount).toBe(0)
    flushes.resolve(2)
    await expect(second).resolves.toBeUndefined()
    expect(flushes.size).toBe(1)
    flushes.resolve(1)
    await expect(first).resolves.toBeUndefined()
    expect(flushes.size).toBe(0)
  })

  it("holds flushes asked for while no worker runs, and sends them in order to the next one", async () => {
    const flushes = new FlushRegistry()
    const a = flushes.request(() => false)
    const b = flushes.request(() => false)
    expect(flushes.waitingCount).toBe(2)
    const sent: number[] = []
    flushes.sendWaiting((seq) => sent.push(seq))
    expect(sent).toEqual([1, 2])
    expect(flushes.waitingCount).toBe(0)
    // Sent once only.
    flushes.sendWaiting((seq) => sent.push(seq))
    expect(sent).toEqual([1, 2])
    flushes.resolve(1)
    flushes.resolve(2)
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined])
  })

  it("rejects every pending flush, held ones too, with the error given; a late answer changes nothing", async () => {
    const flushes = new FlushRegistry()
    const sentOne = flushes.request(() => true)
    const heldOne = flushes.request(() => false)
    const error = new Error("gone")
    flushes.rejectAll(error)
    await expect(sentOne).rejects.toBe(error)
    await expect(heldOne).rejects.toBe(error)
    expect(flushes.size).toBe(0)
    expect(flushes.waitingCount).toBe(0)
    const sent: number[] = []
    flushes.sendWaiting((seq) => sent.push(seq))
    expect(sent).toEqual([])
    flushes.resolve(1)
    // Numbers keep counting after a rejection: an old answer cannot settle a new flush.
    const next = flushes.request((seq) => (sent.push(seq), true))
    expect(sent).toEqual([3])
    flushes.resolve(3)
    await expect(next).resolves.toBeUndefined()
  })
})
