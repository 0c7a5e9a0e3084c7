import { decodePatch, type DecodedPatch } from "../../protocol/patch-reader.ts"
import { LANE_DEFAULT } from "../../protocol/lanes.ts"
import type { Child } from "../../workers/vnode.ts"
import { createPipeline } from "./pipeline.ts"

/**
 * `createPipeline`, but each render runs as a sliced render does: `begin`, then `work`
 * with a clock that is always past the deadline, so the diff pauses at every chance it
 * has, then `finish`. Optionally a render is first started on another view and
 * abandoned part-way (`abort`), as when a more urgent update interrupts it.
 */
export function createSlicedPipeline() {
  const pipeline = createPipeline()
  const renderer = pipeline.renderer
  const pastDeadline = () => 1
  let slices = 0

  /** Runs `work` slice by slice until the render is done (or `limit` slices, for an abandoned one). */
  const workInSlices = (limit: number): boolean => {
    for (let i = 0; i < limit; i++) {
      slices++
      if (renderer.work(0, pastDeadline)) return true
    }
    return false
  }

  const apply = (buffer: ArrayBuffer | null): DecodedPatch | null => {
    if (buffer === null) return null
    const sent = buffer.slice(0)
    const decoded = decodePatch(sent)
    const commitId = pipeline.applier.apply(sent)
    renderer.acknowledge(commitId, buffer)
    return decoded
  }

  /** Renders `view` in the smallest slices; returns the decoded patch list (null when nothing changed). */
  const render = (view: Child): DecodedPatch | null => {
    renderer.begin(() => view, LANE_DEFAULT, 0)
    workInSlices(Number.POSITIVE_INFINITY)
    return apply(renderer.finish())
  }

  return {
    ...pipeline,
    render,
    /** Slices taken by all renders so far: shows the renders did pause. */
    get slices(): number {
      return slices
    },
    /** Starts rendering `abandoned`, works `slicesBefore` slices, aborts, then renders `view` in slices. */
    renderAfterAbandoning(abandoned: Child, slicesBefore: number, view: Child): DecodedPatch | null {
      renderer.begin(() => abandoned, LANE_DEFAULT, 0)
      workInSlices(slicesBefore)
      renderer.abort()
      return render(view)
    }
  }
}
