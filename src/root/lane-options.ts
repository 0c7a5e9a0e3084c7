import { InvalidOptionError } from "../../protocol/errors.ts"
import { DEFAULT_LANES, LANE_NAMES, laneOf, type LaneConfig, type LaneName, type LaneSettings } from "../../protocol/lanes.ts"

/** Knobs of one lane, as users give them; omitted fields keep their value. */
export interface LaneOptions {
  /** Length of one render slice in the worker, ms (Transition and Idle). Default 5. */
  readonly sliceMs?: number
  /** Messages that waited this long render as Sync, ms. Defaults: continuous 250, default 5000, transition 5000, idle Infinity. */
  readonly timeoutMs?: number
}

/** Lane tuning for `createRoot` and `root.setLanes`. */
export interface LaneTuning {
  readonly lanes?: Partial<Record<LaneName, LaneOptions>>
  /** DOM event type → lane, e.g. `{ input: "transition", pointermove: "default" }`. */
  readonly eventLanes?: Readonly<Record<string, LaneName>>
  /** Main-thread milliseconds per frame for applying non-Sync commits; the rest waits for the next frame. Default 8. */
  readonly frameBudgetMs?: number
  /**
   * Default, Transition and Idle commits wait until discrete input (keys, clicks) has
   * paused this long, ms, or until their lane expires: a heavy commit never lands while
   * the user types. Default 200.
   */
  readonly inputQuietMs?: number
  /**
   * On a cross-origin isolated page (the commit ring), the handler of a discrete event
   * listed in `answerWaitEvents` waits up to this long, ms, for the worker's answer and
   * applies it before returning, so it shows in the frame that shows the browser's own
   * response (the typed character), as a handler that changed the DOM itself would. Past
   * it, the answer is applied when it comes. Any other discrete event (a click) whose
   * answer has not come has the first frame after it wait up to this long, once, so the
   * answer is painted in that frame. 0: never wait. Default 4.
   */
  readonly answerWaitMs?: number
  /**
   * The DOM event types whose handler waits for its answer (`answerWaitMs`). Default: text
   * entry (`input`, `beforeinput`, `keydown`, `keypress`, `keyup`, `compositionend`); add
   * `click` to have clicks wait too (each waits up to `answerWaitMs` of main-thread time).
   */
  readonly answerWaitEvents?: readonly string[]
}

/** Text entry: the events whose answer the user watches beside the typed character. */
export const DEFAULT_ANSWER_WAIT_EVENTS: readonly string[] = ["input", "beforeinput", "keydown", "keypress", "keyup", "compositionend"]

export const DEFAULT_FRAME_BUDGET_MS = 8
export const DEFAULT_INPUT_QUIET_MS = 200
export const DEFAULT_ANSWER_WAIT_MS = 4

export interface ResolvedTuning {
  readonly settings: LaneSettings
  readonly frameBudgetMs: number
  readonly inputQuietMs: number
  readonly answerWaitMs: number
  readonly answerWaitEvents: ReadonlySet<string>
}

export function defaultTuning(): ResolvedTuning {
  return {
    settings: { lanes: DEFAULT_LANES, eventLanes: {} },
    frameBudgetMs: DEFAULT_FRAME_BUDGET_MS,
    inputQuietMs: DEFAULT_INPUT_QUIET_MS,
    answerWaitMs: DEFAULT_ANSWER_WAIT_MS,
    answerWaitEvents: new Set(DEFAULT_ANSWER_WAIT_EVENTS)
  }
}

/**
 * Merges `tuning` into `current`, checking every value. Throws InvalidOptionError naming
 * the field (e.g. `lanes.transition.sliceMs`); on error nothing changes.
 */
export function resolveTuning(current: ResolvedTuning, tuning: LaneTuning): ResolvedTuning {
  if (typeof tuning !== "object" || tuning === null) throw new InvalidOptionError("lanes", tuning, "an object")
  const lanes: LaneConfig[] = current.settings.lanes.slice()
  if (tuning.lanes !== undefined) {
    if (typeof tuning.lanes !== "object" || tuning.lanes === null) throw new InvalidOptionError("lanes", tuning.lanes, "an object keyed by lane name")
    for (const name of Object.keys(tuning.lanes)) {
      const lane = laneOf(name)
      if (lane < 0) throw new InvalidOptionError(`lanes.${name}`, name, `a lane name: ${LANE_NAMES.join(", ")}`)
      const given = (tuning.lanes as Record<string, LaneOptions | undefined>)[name]
      if (given === undefined) continue
      if (typeof given !== "object" || given === null) throw new InvalidOptionError(`lanes.${name}`, given, "an object { sliceMs?, timeoutMs? }")
      for (const key of Object.keys(given)) {
        if (key !== "sliceMs" && key !== "timeoutMs") throw new InvalidOptionError(`lanes.${name}.${key}`, key, "sliceMs or timeoutMs")
      }
      lanes[lane] = {
        sliceMs: given.sliceMs === undefined ? lanes[lane].sliceMs : milliseconds(`lanes.${name}.sliceMs`, given.sliceMs, false),
        timeoutMs: given.timeoutMs === undefined ? lanes[lane].timeoutMs : milliseconds(`lanes.${name}.timeoutMs`, given.timeoutMs, true)
      }
    }
  }
  let eventLanes = current.settings.eventLanes
  if (tuning.eventLanes !== undefined) {
    if (typeof tuning.eventLanes !== "object" || tuning.eventLanes === null) throw new InvalidOptionError("eventLanes", tuning.eventLanes, "an object of event type → lane name")
    const merged: Record<string, number> = { ...eventLanes }
    for (const [type, name] of Object.entries(tuning.eventLanes)) {
      const lane = laneOf(name)
      if (lane < 0) throw new InvalidOptionError(`eventLanes.${type}`, name, `a lane name: ${LANE_NAMES.join(", ")}`)
      merged[type] = lane
    }
    eventLanes = merged
  }
  const frameBudgetMs = tuning.frameBudgetMs === undefined ? current.frameBudgetMs : milliseconds("frameBudgetMs", tuning.frameBudgetMs, false)
  const inputQuietMs = tuning.inputQuietMs === undefined ? current.inputQuietMs : milliseconds("inputQuietMs", tuning.inputQuietMs, false)
  const answerWaitMs = tuning.answerWaitMs === undefined ? current.answerWaitMs : milliseconds("answerWaitMs", tuning.answerWaitMs, false)
  let answerWaitEvents = current.answerWaitEvents
  if (tuning.answerWaitEvents !== undefined) {
    const types: unknown = tuning.answerWaitEvents
    if (!Array.isArray(types) || !types.every((type) => typeof type === "string")) {
      throw new InvalidOptionError("answerWaitEvents", types, "an array of DOM event types, e.g. [\"input\", \"keydown\"]")
    }
    answerWaitEvents = new Set(types as string[])
  }
  return { settings: { lanes, eventLanes }, frameBudgetMs, inputQuietMs, answerWaitMs, answerWaitEvents }
}

function milliseconds(field: string, value: unknown, infinityAllowed: boolean): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0 || (!infinityAllowed && !Number.isFinite(value))) {
    throw new InvalidOptionError(field, value, infinityAllowed ? "a number of milliseconds ≥ 0 (Infinity allowed)" : "a finite number of milliseconds ≥ 0")
  }
  return value
}
