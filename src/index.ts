/**
 * The main-thread side of Shuttle: mount a worker-rendered app with `createRoot`.
 *
 * @since 0.1.0
 */
export { createRoot } from "./root/create-root.ts"
export type { Cloneable, CloneableField, CommitStats, DispatchOptions, Root, RootOptions, RootStats, WorkerLike, WorkerSource } from "./root/root-api.ts"
export type { LaneOptions, LaneTuning } from "./root/lane-options.ts"
export type { RecoverOptions } from "./root/recovery.ts"
export type { HistoryOptions, RootHistory } from "./root/root-api.ts"
export type { HistoryEntry, HistoryFile, HistoryInfo, Snapshot } from "../protocol/state.ts"
export type { PersistedRecord, PersistOptions } from "./state/persistence.ts"
export { indexedDbStorage, memoryStorage, type IndexedDbStorageOptions, type PersistStorage } from "./state/storage.ts"
export {
  ApplyError,
  InvalidOptionError,
  MalformedPatchError,
  MessageNotCloneableError,
  type RenderErrorKind,
  type RenderPhase,
  RootUnmountedError,
  type ShuttleError,
  StateError,
  type StateErrorKind,
  UnexpectedError,
  UnknownNodeError,
  UnsafeValueError,
  WorkerError,
  type WorkerErrorKind
} from "../protocol/errors.ts"
export type { LaneName } from "../protocol/lanes.ts"
export type { ShuttleEvent } from "../protocol/messages.ts"
