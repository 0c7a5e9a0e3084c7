import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { InvalidOptionError } from "../../protocol/errors.ts"
import { LANE_COUNT, LANE_DEFAULT, LANE_SYNC, LANE_TRANSITION } from "../../protocol/lanes.ts"
import type { FromWorker } from "../../protocol/messages.ts"
import { RecoveryLog, resolveRecovery } from "../../src/root/recovery.ts"
import { type JournalClock, replayInto, RootJournal, SNAPSHOT_DELAY_MS, SNAPSHOT_INTERVAL_MS } from "../../workers/runtime/journal.ts"
import { withCommand } from "../../workers/program.ts"
import { UpdateQueue } from "../../workers/runtime/update-queue.ts"

/**
 * The snapshot/journal pair without threads: the worker's UpdateQueue and RootJournal on
 * one side, the main thread's RecoveryLog on the other, joined by a simulated port that
 * structured-clones and delivers in order (and loses what is undelivered at a crash).
 *
 * The model is the list of message ids folded so far, so the order and the completeness
 * of a restored model show directly. Each message's command is a marker naming it, so a
 * command that runs twice (or never) shows too.
 */

type Model = readonly number[]
const update = (model: Model, id: number) => withCommand([...model, id], { command: id } as never)
const commandIds = (commands: readonly unknown[]) => commands.map((c) => (c as { command: number }).command)

class HandClock implements JournalClock {
  time = 0
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = []
  now(): number {
    return this.time
  }
  setTimer(ms: number, fn: () => void): unknown {
    const timer = { at: this.time + ms, fn, live: true }
    this.timers.push(timer)
    return timer
  }
  clearTimer(timer: unknown): void {
    ;(timer as { live: boolean }).live = false
  }
  advance(ms: number): void {
    this.time += ms
    const due = this.timers.filter((t) => t.live && t.at <= this.time)
    this.timers = this.timers.filter((t) => t.live && t.at > this.time)
    for (const t of due) t.fn()
  }
}

/** One worker incarnation: its queue, its journal, and the port to the main thread. */
function startWorker(clock: HandClock, outbox: FromWorker[], restore?: ReturnType<RecoveryLog["restoreState"]>) {
  const queue = new UpdateQueue<Model, number>(restore?.hasModel === true ? restore.model as Model : [], update)
  const port = { postMessage: (message: FromWorker) => outbox.push(structuredClone(message)) }
  const journal = new RootJournal(port, queue, clock)
  const order: number[] = []
  if (restore !== undefined) {
    replayInto(queue, journal, restore.replay, clock.now())
    for (const entry of restore.replay) order.push(entry.msg as number)
  }
  // The runtime's first render: a Sync wake-up entry, not a message.
  queue.push(undefined as never, LANE_SYNC, clock.now())
  return { queue, journal, order }
}

type Op =
  | { readonly k: "dispatch"; readonly lane: number }
  | { readonly k: "receive" }
  | { readonly k: "born"; readonly lane: number }
  | { readonly k: "flushJournal" }
  | { readonly k: "render"; readonly lane: number }
  | { readonly k: "viewThrows"; readonly lane: number }
  | { readonly k: "deliver"; readonly count: number }
  | { readonly k: "advance"; readonly ms: number }
  | { readonly k: "crash" }

const lane = fc.integer({ min: 0, max: LANE_COUNT - 1 })
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant("dispatch" as const), lane }) },
  { weight: 5, arbitrary: fc.constant({ k: "receive" as const }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("born" as const), lane }) },
  { weight: 2, arbitrary: fc.constant({ k: "flushJournal" as const }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant("render" as const), lane }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("viewThrows" as const), lane }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant("deliver" as const), count: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 120 }) }) },
  { weight: 1, arbitrary: fc.constant({ k: "crash" as const }) }
)

describe("snapshot and journal", () => {
  it("a restored worker folds every acknowledged message, in the old order, and reruns no acknowledged message's commands", () => {
    const reached = { snapshots: 0, replayedShown: 0, replayedPending: 0, crashes: 0, bornReplayed: 0 }
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 80, size: "max" }), (ops) => {
        const clock = new HandClock()
        const log = new RecoveryLog()
        let outbox: FromWorker[] = []
        let worker = startWorker(clock, outbox)
        /** Dispatches posted and not yet read by the worker. */
        let toWorker: Array<{ id: number; lane: number }> = []
        let nextId = 1
        const dispatched: number[] = []
        const bornDelivered = new Set<number>()
        const rejected = new Set<number>()
        /** Ids each incarnation's commits started commands for. */
        const commandsRan = new Map<number, number>()
        /** Ids shown by a commit that reached the main thread (acknowledged). */
        const acknowledged = new Set<number>()
        /** Per id, how many times its commands had run when a commit that ran them reached the main thread. */
        const runsAtAck = new Map<number, number>()

        const deliver = (count: number): void => {
          for (let i = 0; i < count && outbox.length > 0; i++) {
            const message = outbox.shift()!
            if (message.t === "journal") {
              log.journal(message.first, message.entries, message.marks)
              for (const entry of message.entries) bornDelivered.add(entry.msg as number)
            } else if (message.t === "snapshot") {
              reached.snapshots++
              log.snapshot(message.model, message.dispatches, message.born)
            } else if (message.t === "commit") {
              const shown = (message.info as unknown as { model: number[] }).model
              for (const id of shown) acknowledged.add(id)
              for (const id of (message.info as unknown as { fresh: number[] }).fresh) if (!runsAtAck.has(id)) runsAtAck.set(id, commandsRan.get(id)!)
            } else throw new Error(`unexpected ${message.t}`)
          }
        }
        const render = (renderLane: number): void => {
          const fold = worker.queue.fold(renderLane)
          worker.queue.commit(fold)
          const fresh = commandIds(fold.commands)
          for (const id of fresh) commandsRan.set(id, (commandsRan.get(id) ?? 0) + 1)
          // The commit goes out after the journal posts its mark (the runtime posts it after the step).
          outbox.push({ t: "commit", buffer: new ArrayBuffer(0), info: { model: fold.model, fresh } as never })
        }
        const crash = (): void => {
          reached.crashes++
          outbox = []
          toWorker = []
          worker.journal.close()
          const restore = log.restoreState()
          for (const entry of restore.replay) {
            if (entry.shown) reached.replayedShown++
            else reached.replayedPending++
            if (bornDelivered.has(entry.msg as number)) reached.bornReplayed++
          }
          worker = startWorker(clock, outbox, restore)
          render(LANE_SYNC)
        }

        render(LANE_SYNC)
        for (const o of ops) {
          switch (o.k) {
            case "dispatch": {
              const id = nextId++
              dispatched.push(id)
              log.dispatched(id, o.lane)
              toWorker.push({ id, lane: o.lane })
              break
            }
            case "receive": {
              const next = toWorker.shift()
              if (next === undefined) break
              worker.queue.push(next.id, next.lane, clock.now())
              worker.journal.record(next.id, next.lane, true)
              worker.order.push(next.id)
              break
            }
            case "born": {
              const id = nextId++
              worker.queue.push(id, o.lane, clock.now())
              worker.journal.record(id, o.lane, false)
              worker.order.push(id)
              break
            }
            case "flushJournal":
              worker.journal.flush()
              break
            case "render":
              render(o.lane)
              break
            case "viewThrows": {
              const fold = worker.queue.fold(o.lane)
              // What the queue rejects: pending entries of the fold's lanes.
              const before = new Set(commandIds(fold.commands))
              worker.queue.reject(fold)
              for (const id of before) rejected.add(id)
              break
            }
            case "deliver":
              deliver(o.count)
              break
            case "advance":
              clock.advance(o.ms)
              break
            case "crash":
              crash()
              break
          }
        }

        // The last crash: what would the restored worker show?
        const restore = log.restoreState()
        for (const entry of restore.replay) {
          if (entry.shown) reached.replayedShown++
          else reached.replayedPending++
        }
        const queue = new UpdateQueue<Model, number>(restore.hasModel ? restore.model as Model : [], update)
        replayInto(queue, null, restore.replay, 0)
        queue.push(undefined as never, LANE_SYNC, 0)
        const fold = queue.fold(LANE_COUNT - 1)
        const restored = fold.model
        for (const id of commandIds(fold.commands)) commandsRan.set(id, (commandsRan.get(id) ?? 0) + 1)

        // In order: the restored model is a subsequence of the last worker's queue order,
        // followed by the dispatches it had not read yet.
        const reference = [...(restore.hasModel ? restore.model as Model : []), ...worker.order, ...toWorker.map((d) => d.id)]
        let at = 0
        for (const id of restored) {
          while (at < reference.length && reference[at] !== id) at++
          expect(at, `message ${id} is out of order in ${JSON.stringify(restored)} (reference ${JSON.stringify(reference)})`).toBeLessThan(reference.length)
          at++
        }
        const has = new Set(restored)
        expect(has.size, "no message is folded twice").toBe(restored.length)
        // No acknowledged message is lost; no dispatch is lost; no delivered worker message is lost.
        for (const id of acknowledged) expect(has.has(id), `acknowledged message ${id}`).toBe(true)
        for (const id of dispatched) if (!rejected.has(id)) expect(has.has(id), `dispatch ${id}`).toBe(true)
        for (const id of bornDelivered) if (!rejected.has(id)) expect(has.has(id), `journaled worker message ${id}`).toBe(true)
        // Commands: every restored message's ran at least once; never again once its commit reached the main thread.
        for (const id of restored) {
          const runs = commandsRan.get(id) ?? 0
          expect(runs, `commands of message ${id}`).toBeGreaterThanOrEqual(1)
          if (runsAtAck.has(id)) expect(runs, `commands of acknowledged message ${id} ran again`).toBe(runsAtAck.get(id))
        }
      }),
      { seed: 20261127, numRuns: Number(process.env.JOURNAL_RUNS ?? 1000) }
    )
    // The generator must reach the interesting paths, or the property proves little.
    expect(reached.snapshots).toBeGreaterThan(100)
    expect(reached.crashes).toBeGreaterThan(100)
    expect(reached.replayedShown).toBeGreaterThan(100)
    expect(reached.replayedPending).toBeGreaterThan(100)
    expect(reached.bornReplayed).toBeGreaterThan(50)
  })

  it("posts worker-born messages before the commit mark that shows them, and a snapshot after the first commit", () => {
    const clock = new HandClock()
    const outbox: FromWorker[] = []
    const worker = startWorker(clock, outbox)
    worker.queue.commit(worker.queue.fold(LANE_SYNC))
    expect(outbox.map((m) => m.t)).toEqual(["journal", "snapshot"])
    outbox.length = 0

    worker.queue.push(7, LANE_DEFAULT, 0)
    worker.journal.record(7, LANE_DEFAULT, false)
    worker.queue.push(8, LANE_DEFAULT, 0)
    worker.journal.record(8, LANE_DEFAULT, true)
    worker.queue.commit(worker.queue.fold(LANE_DEFAULT))
    // Within the snapshot interval: the journal (entries, then the mark), no snapshot yet.
    expect(outbox).toEqual([{ t: "journal", first: 1, entries: [{ msg: 7, lane: LANE_DEFAULT, after: 0 }], marks: [{ lane: LANE_DEFAULT, dispatches: 1, born: 1, rejected: false }] }])
    outbox.length = 0
    // The trailing snapshot comes when the interval is over, with what it covers.
    clock.advance(SNAPSHOT_INTERVAL_MS)
    expect(outbox).toEqual([{ t: "snapshot", model: [7, 8], dispatches: 1, born: 1 }])
  })

  it("takes at most one snapshot per interval however many commits", () => {
    const clock = new HandClock()
    const outbox: FromWorker[] = []
    const worker = startWorker(clock, outbox)
    for (let i = 1; i <= 100; i++) {
      worker.queue.push(i, LANE_DEFAULT, clock.now())
      worker.journal.record(i, LANE_DEFAULT, true)
      worker.queue.commit(worker.queue.fold(LANE_DEFAULT))
      clock.advance(10)
    }
    const snapshots = outbox.filter((m) => m.t === "snapshot")
    // 1,000 ms of commits: the first commit's snapshot, then one per 250 ms.
    expect(snapshots.length).toBe(1 + Math.floor(1000 / SNAPSHOT_INTERVAL_MS))
    // None was taken before the commit that made it due was posted: each came from a timer.
    clock.advance(SNAPSHOT_INTERVAL_MS)
    const last = outbox.filter((m) => m.t === "snapshot").at(-1) as Extract<FromWorker, { t: "snapshot" }>
    expect(last.model).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    expect(last.dispatches).toBe(100)
  })

  it("keeps a lower-lane message pending across a higher-lane commit, and replays it after the shown one", () => {
    const log = new RecoveryLog()
    log.dispatched("t", LANE_TRANSITION)
    log.dispatched("s", LANE_SYNC)
    log.journal(1, [{ msg: "born", lane: LANE_DEFAULT, after: 1 }], [{ lane: LANE_DEFAULT, dispatches: 2, born: 1, rejected: false }])
    const restored = log.restoreState()
    expect(restored.hasModel).toBe(false)
    expect(restored.replay).toEqual([
      { msg: "t", shown: false, decoded: false },
      { msg: "born", shown: true, decoded: true },
      { msg: "s", shown: true, decoded: false }
    ])
    // Restoring again (a restart that failed to start) replays the same.
    expect(log.restoreState().replay).toEqual(restored.replay)
  })

  it("leaves out messages whose render was rejected, and drops what a snapshot covers", () => {
    const log = new RecoveryLog()
    log.dispatched("a", LANE_DEFAULT)
    log.dispatched("b", LANE_DEFAULT)
    log.journal(1, [], [{ lane: LANE_DEFAULT, dispatches: 1, born: 0, rejected: true }])
    log.dispatched("c", LANE_DEFAULT)
    expect(log.restoreState().replay.map((e) => e.msg)).toEqual(["b", "c"])
    log.snapshot("model after b", 1, 0)
    expect(log.length).toBe(1)
    expect(log.restoreState()).toEqual({ hasModel: true, model: "model after b", replay: [{ msg: "c", shown: false, decoded: false }] })
  })

  it("a stored model's messages (the persist option) come first, before what the app dispatched while it was read; replay() leaves the log as it was", () => {
    const log = new RecoveryLog()
    log.dispatched("typed while reading", LANE_DEFAULT)
    log.replayed([{ msg: "stored 1", shown: true }, { msg: "stored 2", shown: false }])
    expect(log.replay()).toEqual([{ msg: "stored 1", shown: true, decoded: false }, { msg: "stored 2", shown: false, decoded: false }, { msg: "typed while reading", shown: false, decoded: false }])
    expect(log.length).toBe(3)
    expect(log.restoreState().replay.map((e) => e.msg)).toEqual(["stored 1", "stored 2", "typed while reading"])
  })

  it("turns itself off, saying why, when the model cannot be cloned", () => {
    const outbox: unknown[] = []
    const queue = new UpdateQueue<unknown, number>({ f: () => 1 }, (model) => model)
    const port = {
      postMessage: (message: FromWorker) => {
        outbox.push(structuredClone(message))
      }
    }
    const journal = new RootJournal(port, queue, new HandClock())
    queue.push(1, LANE_SYNC, 0)
    journal.record(1, LANE_SYNC, true)
    queue.commit(queue.fold(LANE_SYNC))
    expect(outbox).toHaveLength(2)
    expect(outbox[1]).toMatchObject({ t: "unrecoverable" })
    expect((outbox[1] as { message: string }).message).toContain("the model cannot be structured-cloned")
    // Off for good: nothing more is posted.
    queue.push(2, LANE_SYNC, 0)
    journal.record(2, LANE_SYNC, false)
    journal.flush()
    expect(outbox).toHaveLength(2)
  })
})

describe("the recover option", () => {
  it("defaults to 3 retries from 100 ms; false turns it off", () => {
    expect(resolveRecovery(undefined)).toEqual({ retries: 3, backoffMs: 100 })
    expect(resolveRecovery(true)).toEqual({ retries: 3, backoffMs: 100 })
    expect(resolveRecovery(false)).toBeNull()
    expect(resolveRecovery({ retries: 0 })).toEqual({ retries: 0, backoffMs: 100 })
  })

  it.each([
    [{ retries: -1 }, "recover.retries"],
    [{ retries: 1.5 }, "recover.retries"],
    [{ retries: "3" }, "recover.retries"],
    [{ backoffMs: Number.POSITIVE_INFINITY }, "recover.backoffMs"],
    [{ backoffMs: Number.NaN }, "recover.backoffMs"],
    [{ retry: 3 }, "recover.retry"],
    ["yes", "recover"],
    [null, "recover"]
  ])("rejects %j with InvalidOptionError naming %s", (value, field) => {
    let thrown: unknown
    try {
      resolveRecovery(value)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError)
    expect((thrown as InvalidOptionError).field).toBe(field)
  })
})

describe("snapshots off the commit path", () => {
  it("a snapshot that falls due at a commit comes SNAPSHOT_DELAY_MS later, not before the commit is posted", () => {
    const clock = new HandClock()
    const outbox: FromWorker[] = []
    const worker = startWorker(clock, outbox)
    worker.queue.commit(worker.queue.fold(LANE_SYNC))
    outbox.length = 0
    clock.advance(SNAPSHOT_INTERVAL_MS * 2)
    worker.queue.push(1, LANE_DEFAULT, clock.now())
    worker.journal.record(1, LANE_DEFAULT, true)
    worker.queue.commit(worker.queue.fold(LANE_DEFAULT))
    // Due (the interval is long over), yet only the journal goes before the commit.
    expect(outbox.map((m) => m.t)).toEqual(["journal"])
    clock.advance(SNAPSHOT_DELAY_MS - 1)
    expect(outbox.map((m) => m.t)).toEqual(["journal"])
    clock.advance(1)
    expect(outbox.map((m) => m.t)).toEqual(["journal", "snapshot"])
    expect(outbox[1]).toMatchObject({ model: [1], dispatches: 1 })
  })
})

describe("replaying messages born in the worker", () => {
  it("a born message goes to update as the worker made it, also after a second crash; a dispatched one is decoded again", () => {
    const log = new RecoveryLog()
    log.dispatched("d", LANE_SYNC)
    log.journal(1, [{ msg: { at: new Date(0) }, lane: LANE_DEFAULT, after: 1 }], [])
    const first = log.restoreState()
    expect(first.replay.map((entry) => entry.decoded)).toEqual([false, true])
    // After the restart the log holds them as dispatches; a second crash keeps the flags.
    expect(log.restoreState().replay.map((entry) => entry.decoded)).toEqual([false, true])

    const queue = new UpdateQueue<unknown[], unknown>([], (model, msg) => [...model, msg])
    const decodedMsgs: unknown[] = []
    replayInto(queue, null, first.replay, 0, (msg) => {
      decodedMsgs.push(msg)
      return { ok: true, value: `decoded ${String(msg)}` }
    })
    expect(decodedMsgs).toEqual(["d"])
    expect(queue.fold(LANE_DEFAULT).model).toEqual(["decoded d", { at: new Date(0) }])
  })
})
