/**
 * Priority lanes, highest first. A lane is a small integer on the wire (the patch header
 * and dispatch messages); users name lanes with strings.
 *
 * @since 0.1.0
 */
export const LANE_SYNC = 0
export const LANE_CONTINUOUS = 1
export const LANE_DEFAULT = 2
export const LANE_TRANSITION = 3
export const LANE_IDLE = 4
export const LANE_COUNT = 5

export type LaneName = "sync" | "continuous" | "default" | "transition" | "idle"
export const LANE_NAMES: readonly LaneName[] = ["sync", "continuous", "default", "transition", "idle"]

/** The lane number for a lane name, or -1 if the name is not a lane. */
export function laneOf(name: string): number {
  return LANE_NAMES.indexOf(name as LaneName)
}

/** Per-lane knobs. */
export interface LaneConfig {
  /** Length of one render slice in the worker (Transition and Idle only; other lanes are never sliced). */
  readonly sliceMs: number
  /** After a message waited this long, its lane renders as Sync: not sliced, not interrupted. */
  readonly timeoutMs: number
}

/** React's numbers: input lanes expire after 250 ms, Default and Transition after 5 s; Idle never. */
export const DEFAULT_LANES: readonly LaneConfig[] = [
  { sliceMs: 5, timeoutMs: 0 }, // sync: renders at once anyway
  { sliceMs: 5, timeoutMs: 250 }, // continuous
  { sliceMs: 5, timeoutMs: 5000 }, // default
  { sliceMs: 5, timeoutMs: 5000 }, // transition
  { sliceMs: 5, timeoutMs: Number.POSITIVE_INFINITY } // idle
]

/** DOM events that fire continuously: coalesced per frame in the Continuous lane. The rest are discrete (Sync). */
export const CONTINUOUS_EVENT_TYPES: readonly string[] = [
  "pointermove", "mousemove", "touchmove", "scroll", "wheel", "pointerover", "pointerout",
  "mouseover", "mouseout", "mouseenter", "mouseleave", "pointerenter", "pointerleave", "dragover", "drag"
]

const CONTINUOUS = new Set(CONTINUOUS_EVENT_TYPES)

/** The lane a DOM event's messages take: the override if any, else Continuous or Sync by type. */
export function eventLane(type: string, eventLanes: Readonly<Record<string, number>>): number {
  return eventLanes[type] ?? (CONTINUOUS.has(type) ? LANE_CONTINUOUS : LANE_SYNC)
}

/** The lane settings the worker runs with: one LaneConfig per lane and overrides of event lanes. */
export interface LaneSettings {
  readonly lanes: readonly LaneConfig[]
  /** Event type → lane number, overriding the default (continuous types → Continuous, others → Sync). */
  readonly eventLanes: Readonly<Record<string, number>>
}
