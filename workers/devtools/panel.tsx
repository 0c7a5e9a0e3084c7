import * as Stream from "effect/Stream"
import { runProgram } from "../bootstrap.ts"
import type { Subscriptions } from "../runtime/subscriptions.ts"
import { DEFAULT_CHANNEL, openLink } from "./link.ts"
import { initPanel, makePanelUpdate, type PanelModel, type PanelMsg } from "./panel-model.ts"
import { panelView } from "./panel-view.tsx"

/**
 * The devtools panel as a Shuttle program (docs/devtools.md, "The devtools panel"). It
 * runs in a worker of its own, talks to the page's `exposeRoots` host over a
 * BroadcastChannel, and is mounted like any app (`mountDevtools(container, worker)`).
 *
 * @since 0.1.0
 */

export interface DevtoolsPanelOptions {
  /** The BroadcastChannel name the host uses. Default "shuttle-devtools". */
  readonly channel?: string
}

/**
 * Runs the devtools panel in this worker: a worker module of one line,
 *
 * ```ts
 * // devtools.worker.ts
 * import { runDevtoolsPanel } from "shuttle-ui/worker/devtools"
 * runDevtoolsPanel()
 * ```
 *
 * @since 0.1.0
 */
export function runDevtoolsPanel(options: DevtoolsPanelOptions = {}): void {
  const link = openLink(options.channel ?? DEFAULT_CHANNEL)
  const messages = Stream.map(link.incoming, (message): PanelMsg => ({ type: "host", message }))
  // One subscription for the panel's whole life: the host's replies and events.
  const host: Subscriptions<PanelMsg> = { host: { stream: messages, perFrame: 256 } }
  runProgram<PanelModel, PanelMsg>({
    init: initPanel,
    update: makePanelUpdate(link.send),
    view: panelView,
    subscriptions: () => host
  })
}
