import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"
import { RestartPolicy } from "../../src/root/restart-policy.ts"

/** RestartPolicy alone, on fake timers: backoff doubling, retries, proving healthy, giving up, cancel. */
describe("RestartPolicy", () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it("restarts after backoffMs, doubled for each further restart in a row, then gives up after `retries`", () => {
    const policy = new RestartPolicy({ retries: 3, backoffMs: 100 })
    const starts: number[] = []
    const restart = () => starts.push(Date.now())
    const t0 = Date.now()

    expect(policy.onFailure(true, restart)).toEqual({ restart: true, delayMs: 100, attempt: 1 })
    expect(policy.waiting).toBe(true)
    vi.advanceTimersByTime(99)
    expect(starts).toEqual([])
    vi.advanceTimersByTime(1)
    expect(starts).toEqual([t0 + 100])
    expect(policy.waiting).toBe(false)

    expect(policy.onFailure(true, restart)).toEqual({ restart: true, delayMs: 200, attempt: 2 })
    vi.advanceTimersByTime(200)
    expect(policy.onFailure(true, restart)).toEqual({ restart: true, delayMs: 400, attempt: 3 })
    vi.advanceTimersByTime(400)
    expect(starts).toHaveLength(3)

    expect(policy.onFailure(true, restart)).toEqual({ restart: false, tried: 3 })
    vi.advanceTimersByTime(10_000)
    expect(starts).toHaveLength(3)
  })

  it("a restarted worker that proves healthy resets the count", () => {
    const policy = new RestartPolicy({ retries: 1, backoffMs: 10 })
    const restart = vi.fn()
    expect(policy.onFailure(true, restart)).toMatchObject({ restart: true, delayMs: 10 })
    vi.advanceTimersByTime(10)
    expect(policy.restartsInARow).toBe(1)
    policy.proved()
    expect(policy.restartsInARow).toBe(0)
    expect(policy.onFailure(true, restart)).toMatchObject({ restart: true, delayMs: 10 })
    vi.advanceTimersByTime(10)
    expect(restart).toHaveBeenCalledTimes(2)
    expect(policy.onFailure(true, restart)).toEqual({ restart: false, tried: 1 })
  })

  it("never restarts when recovery is off or the root cannot restart", () => {
    const restart = vi.fn()
    expect(new RestartPolicy(null).onFailure(true, restart)).toEqual({ restart: false, tried: null })
    expect(new RestartPolicy({ retries: 3, backoffMs: 0 }).onFailure(false, restart)).toEqual({ restart: false, tried: null })
    vi.runAllTimers()
    expect(restart).not.toHaveBeenCalled()
  })

  it("cancel drops a restart waiting for its backoff", () => {
    const policy = new RestartPolicy({ retries: 3, backoffMs: 50 })
    const restart = vi.fn()
    policy.onFailure(true, restart)
    policy.cancel()
    expect(policy.waiting).toBe(false)
    vi.runAllTimers()
    expect(restart).not.toHaveBeenCalled()
  })
})
