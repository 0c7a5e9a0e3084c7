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
