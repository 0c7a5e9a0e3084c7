/**
 * The devtools panel's worker side (`shuttle-ui/worker/devtools`), an entry of its own so
 * that an app's worker bundles none of it: `runDevtoolsPanel()` in a worker module of its
 * own, mounted on the page with `mountDevtools` (docs/devtools.md, "The devtools panel").
 *
 * @since 0.1.0
 */
export { type DevtoolsPanelOptions, runDevtoolsPanel } from "./panel.tsx"
export { diffModels, type ModelChange, type ModelDiff, summarizeValue } from "./model-diff.ts"
export { layoutTimeline, type TimelineLayout, type TimelineOptions } from "./timeline.ts"
