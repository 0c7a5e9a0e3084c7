// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import { LANE_DEFAULT } from "../../protocol/lanes.ts"
import { decodePatch, type DecodedPatch } from "../../protocol/patch-reader.ts"
import { NODE_ID } from "../../src/dom/node-table.ts"
import { NodeIds } from "../../workers/diff/node-ids.ts"
import { h } from "../../workers/h.ts"
import { collectEventMessages } from "../../workers/runtime/event-handlers.ts"
import { createPipeline, freshRender } from "../_util/pipeline.ts"

/**
 * Node ids are recycled only after the main thread acknowledges the commit that released
 * them (DESIGN.md, Wire format): until then an event may still name the old node. The
 * cases that matter have two commits in flight, which the pipeline harnesses (they
 * acknowledge each commit at once) never make.
 */
describe("NodeIds with two commits in flight", () => {
  it("an id released by an unacknowledged commit is not reused; an ack frees only the ids of the commits it covers", () => {
    const ids = new NodeIds()
    const a = ids.allocate()
    const b = ids.allocate()
    const c = ids.allocate()
    ids.commit(1)
    ids.acknowledge(1)

    ids.release(a)
    ids.commit(2) // in flight: a is still on the main thread's screen
    ids.release(b)
    const third = [ids.allocate(), ids.allocate(), ids.allocate()]
    ids.commit(3) // in flight too
    expect(third).not.toContain(a)
    expect(third).not.toContain(b)
    expect(ids.waiting).toBe(2)

    ids.acknowledge(2) // frees a, not b: commit 3 is not applied yet
    expect(ids.waiting).toBe(1)
    const fourth = [ids.allocate(), ids.allocate(), ids.allocate()]
    ids.commit(4)
    expect(fourth).toContain(a)
    expect(fourth).not.toContain(b)

    ids.acknowledge(4) // one ack covers every commit up to it: b is free
    expect(ids.waiting).toBe(0)
    expect(ids.allocate()).toBe(b)
    expect(c).toBeGreaterThan(0)
  })

  it("ids given back by an aborted or rewound render are reused at once: the main thread never saw them", () => {
    const ids = new NodeIds()
    const kept = ids.allocate()
    ids.commit(1)
    const thrownAway = ids.allocate()
    expect(ids.abort()).toEqual([thrownAway])
    expect(ids.allocate()).toBe(thrownAway)
    const mark = ids.allocatedMark
    const rewound = ids.allocate()
    ids.release(kept)
    expect(ids.rewind(mark, 0)).toEqual([rewound])
    expect(ids.releasedNow).toEqual([])
    expect(ids.allocate()).toBe(rewound)
  })
})

describe("the renderer with two commits in flight", () => {
  const list = (keys: string[]) => h("ul", null, keys.map((key) => h<unknown>("li", { key, onClick: { msg: `click ${key}` } }, key)))
  const created = (patch: DecodedPatch) => patch.ops.filter((op) => op.op === "CREATE_ELEMENT" || op.op === "CREATE_TEXT").map((op) => op.operands[0])
  const released = (patch: DecodedPatch) => patch.ops.filter((op) => op.op === "RELEASE_NODES").flatMap((op) => op.operands)

  it("a commit made before the main thread applied the one that removed a node creates nothing under that node's id; an event on the removed node is dropped, not given to a new one", () => {
    const pipeline = createPipeline()
    const renderer = pipeline.renderer
    pipeline.render(list(["a", "b", "c", "d"]))
    const liA = pipeline.container.querySelectorAll("li")[0]

    // Two commits leave the worker; the main thread has applied neither.
    const second = renderer.render(() => list(["b", "c", "d"]), LANE_DEFAULT, 0)!
    const third = renderer.render(() => list(["e", "f", "g", "h", "c", "d"]), LANE_DEFAULT, 0)!
    const secondPatch = decodePatch(second.slice(0))
    const thirdPatch = decodePatch(third.slice(0))
    const releasedBySecond = released(secondPatch)
    expect(releasedBySecond.length).toBeGreaterThan(0)
    for (const id of created(thirdPatch)) expect(releasedBySecond, `commit 3 reuses id ${id}, released by the unacknowledged commit 2`).not.toContain(id)

    // The user clicks the old "a" row, still on screen: the event names its id.
    const aId = (liA as unknown as Record<string, number>)[NODE_ID]
    expect(releasedBySecond).toContain(aId)
    const out: unknown[] = []
    collectEventMessages(renderer.ctx, [aId], { type: "click", target: aId, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false }, out)
    expect(out, "an event on a node removed by a pending commit is dropped").toEqual([])

    // The main thread applies commit 2 and says so; commit 3 is still on its way.
    renderer.acknowledge(pipeline.applier.apply(second.slice(0)), second)
    const releasedByThird = released(thirdPatch)
    expect(releasedByThird.length).toBeGreaterThan(0)
    const fourthView = list(["e", "f", "g", "h", "c", "d", "i", "j", "k", "l"])
    const fourth = renderer.render(() => fourthView, LANE_DEFAULT, 0)!
    const createdByFourth = created(decodePatch(fourth.slice(0)))
    for (const id of createdByFourth) expect(releasedByThird, `commit 4 reuses id ${id}, released by the unacknowledged commit 3`).not.toContain(id)
    // The ack of commit 2 freed its ids: they are reused now.
    expect(createdByFourth.filter((id) => releasedBySecond.includes(id)).sort()).toEqual([...releasedBySecond].sort())

    // The main thread catches up, in order; the DOM is the last view.
    renderer.acknowledge(pipeline.applier.apply(third.slice(0)), third)
    renderer.acknowledge(pipeline.applier.apply(fourth.slice(0)), fourth)
    expect(pipeline.container.innerHTML).toBe(freshRender(fourthView))
    expect(liA.isConnected).toBe(false)
  })
})
