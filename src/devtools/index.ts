/**
 * Shuttle's developer tools (`shuttle-ui/devtools`), an entry of its own so that an app
 * that does not use them bundles none of them: the monitoring API (budgets, Performance
 * panel tracks, long animation frames, memory; docs/monitoring.md) and the Redux DevTools
 * bridge (docs/redux-devtools.md). Both attach to a root made by `createRoot`.
 *
 * @since 0.1.0
 */
export {
  type BudgetCulprit,
  type BudgetPhase,
  type BudgetReport,
  DEFAULT_BUDGETS,
  type HeapReading,
  type LongFrameReport,
  type LongFrameScript,
  type MemorySample,
  type MonitoredRoot,
  monitorRoot,
  type MonitorOptions,
  type RootMonitor
} from "./monitor.ts"
export {
  connectReduxDevTools,
  DEFAULT_MAX_STATE_BYTES,
  type ReduxDevToolsBridge,
  type ReduxDevToolsExtension,
  type ReduxDevToolsOptions,
  type ShuttleAction
} from "./redux-bridge.ts"
export {
  type CommitRecord,
  DEFAULT_DEVTOOLS_CHANNEL,
  type DevtoolsEvent,
  type DevtoolsHost,
  type DevtoolsRequest,
  type ExposedRoot,
  type ExposeOptions,
  exposeRoots,
  type HostMessage,
  type PanelMessage,
  type ProfileFile,
  type RootSummary,
  type StatsSummary
} from "./expose.ts"
export { mountDevtools } from "./panel.ts"
