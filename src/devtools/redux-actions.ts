import { StateError } from "../../protocol/errors.ts"
import { LANE_DEFAULT, LANE_NAMES, laneOf as laneNumber } from "../../protocol/lanes.ts"
import type { HistoryFile } from "../../protocol/state.ts"

/**
 * How Shuttle's messages and histories look to the Redux DevTools extension, and back
 * (docs/redux-devtools.md): plain functions the bridge (redux-bridge.ts) uses.
 */

/** A Redux-style action: what the extension lists for one message. */
export interface ShuttleAction {
  readonly type: unknown
  readonly [key: string]: unknown
}

/**
 * The extension's action for one message: the message's own fields with its `type`
 * ("message" when it has none), and its lane. A message that is not an object (or is an
 * array) is kept whole under "shuttle/value". `actionToMessage` undoes it.
 */
export function messageToAction(msg: unknown, lane: number): ShuttleAction {
  const laneName = LANE_NAMES[lane] ?? lane
  if (typeof msg !== "object" || msg === null || Array.isArray(msg)) {
    return { type: Array.isArray(msg) ? "message" : String(msg), "shuttle/value": msg, "shuttle/lane": laneName }
  }
  const fields = msg as Record<string, unknown>
  if (fields.type === undefined) return { type: "message", ...fields, "shuttle/untyped": true, "shuttle/lane": laneName }
  return { ...fields, type: fields.type, "shuttle/lane": laneName }
}

/** The message an action stands for: the inverse of `messageToAction`; any other action is the message as it is. */
export function actionToMessage(action: unknown): unknown {
  if (typeof action !== "object" || action === null || Array.isArray(action)) return action
  const fields = action as Record<string, unknown>
  if ("shuttle/value" in fields) return fields["shuttle/value"]
  const { "shuttle/lane": _lane, "shuttle/untyped": untyped, ...msg } = fields
  if (untyped === true) delete msg.type
  return msg
}

export function laneOf(action: unknown): number {
  const lane = typeof action === "object" && action !== null ? (action as Record<string, unknown>)["shuttle/lane"] : undefined
  if (typeof lane === "number" && Number.isInteger(lane) && lane >= 0 && lane < LANE_NAMES.length) return lane
  const named = typeof lane === "string" ? laneNumber(lane) : -1
  return named === -1 ? LANE_DEFAULT : named
}

/**
 * A Shuttle history file from the extension's lifted state: the base is the first
 * computed state (the state of the first action kept), the messages are the actions kept
 * after it, in order. The schema hashes are this program's: `import` then checks that
 * `update` folds every message. Refused when the base state was omitted for its size.
 */
export function liftedToHistoryFile(lifted: unknown, ours: { readonly modelHash: string; readonly msgHash: string }): HistoryFile {
  const state = lifted as { actionsById?: Record<string, { action?: unknown; timestamp?: unknown }>; computedStates?: Array<{ state?: unknown }>; stagedActionIds?: number[]; skippedActionIds?: number[] } | null
  if (typeof state !== "object" || state === null || typeof state.actionsById !== "object" || state.actionsById === null || !Array.isArray(state.computedStates) || !Array.isArray(state.stagedActionIds) || state.computedStates.length === 0) {
    throw new StateError("HistoryIncompatible", "Redux DevTools imported neither a Shuttle history file nor a lifted state (actionsById, computedStates, stagedActionIds): export one from the extension or with root.history.export()")
  }
  const base = state.computedStates[0]?.state
  if (typeof base === "object" && base !== null && (base as Record<string, unknown>)["shuttle/omitted"] === true) {
    throw new StateError("HistoryIncompatible", "the imported state's first model was omitted for its size (maxStateBytes), so its history cannot be rebuilt: import a file from root.history.export() instead")
  }
  const skipped = new Set(state.skippedActionIds ?? [])
  const msgs: unknown[] = []
  const lanes: number[] = []
  const times: number[] = []
  for (const id of state.stagedActionIds.slice(1)) {
    if (skipped.has(id)) continue
    const lifted = state.actionsById[String(id)]
    if (lifted === undefined) throw new StateError("HistoryIncompatible", `the imported state lists action ${id} but has no such action in actionsById`)
    msgs.push(actionToMessage(lifted.action))
    lanes.push(laneOf(lifted.action))
    times.push(typeof lifted.timestamp === "number" ? lifted.timestamp : 0)
  }
  return { format: "shuttle-history", version: 1, modelHash: ours.modelHash, msgHash: ours.msgHash, start: 0, base, msgs, lanes, times, exportedAt: Date.now() }
}

/**
 * About how many bytes JSON.stringify would make of `value`, counting stops once past
 * `limit` (so a 10 MB model costs the walk of `limit` bytes, not 10 MB, per send). An
 * object met twice is counted once, which also ends cycles. Typed arrays count their bytes.
 */
export function estimateJsonBytes(value: unknown, limit: number): number {
  let bytes = 0
  const seen = new Set<object>()
  const stack: unknown[] = [value]
  while (stack.length > 0 && bytes <= limit) {
    const next = stack.pop()
    switch (typeof next) {
      case "string":
        bytes += next.length + 2
        continue
      case "number":
      case "bigint":
        bytes += 8
        continue
      case "boolean":
        bytes += 5
        continue
      case "object":
        break
      default:
        bytes += 4
        continue
    }
    if (next === null) {
      bytes += 4
      continue
    }
    if (seen.has(next)) continue
    seen.add(next)
    if (ArrayBuffer.isView(next) || next instanceof ArrayBuffer) {
      bytes += next.byteLength
    } else if (next instanceof Date) {
      bytes += 26
    } else if (next instanceof Map) {
      bytes += 2
      for (const [key, entry] of next) stack.push(key, entry)
    } else if (next instanceof Set) {
      bytes += 2
      for (const entry of next) stack.push(entry)
    } else if (Array.isArray(next)) {
      bytes += 2 + next.length
      for (const entry of next) stack.push(entry)
    } else {
      bytes += 2
      for (const key in next) {
        bytes += key.length + 4
        stack.push((next as Record<string, unknown>)[key])
      }
    }
  }
  return bytes
}
