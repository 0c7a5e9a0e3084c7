import * as Scheduler from "effect/Scheduler"

/**
 * Effect's default scheduler resumes fibers with `setTimeout(0)` where there is no
 * `setImmediate` (browsers), and nested timeouts are clamped to 4 ms. In the worker we
 * resume through a MessageChannel instead, which is not clamped.
 */
export function makeWorkerScheduler(): Scheduler.Scheduler {
  if (typeof (globalThis as { setImmediate?: unknown }).setImmediate === "function" || typeof MessageChannel !== "function") {
    return new Scheduler.MixedScheduler()
  }
  const channel = new MessageChannel()
  const tasks: Array<() => void> = []
  channel.port1.onmessage = () => {
    const batch = tasks.splice(0)
    for (let i = 0; i < batch.length; i++) batch[i]()
  }
  return new Scheduler.MixedScheduler("async", (task: () => void) => {
    let cancelled = false
    tasks.push(() => {
      if (!cancelled) task()
    })
    channel.port2.postMessage(null)
    return () => {
      cancelled = true
    }
  })
}
