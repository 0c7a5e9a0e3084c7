import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import { DEFAULT_DEVTOOLS_CHANNEL, type DevtoolsRequest, HOST_SOURCE, type HostMessage, PANEL_SOURCE } from "../../protocol/devtools.ts"

/**
 * The panel's end of the devtools channel (docs/devtools.md, "The devtools panel"): requests
 * go out with this panel's id, and what comes back (replies to this panel, events for all)
 * comes in as a Stream, which the panel program runs as a subscription. BroadcastChannel
 * works in workers, so the panel's worker talks to the page's host directly.
 *
 * @since 0.1.0
 */

/** The channel panels and hosts use unless told otherwise. */
export const DEFAULT_CHANNEL = DEFAULT_DEVTOOLS_CHANNEL

export interface PanelLink {
  /** This panel's id: replies to other panels on the channel are ignored. */
  readonly panel: string
  /** Sends a request; its reply comes through `incoming`. */
  send(request: DevtoolsRequest): void
  /** The host's messages for this panel. Says hello (the host then tells its roots) once listening. */
  readonly incoming: Stream.Stream<HostMessage>
}

export function isHostMessage(data: unknown, panel: string): data is HostMessage {
  if (typeof data !== "object" || data === null) return false
  const message = data as Partial<HostMessage> & { panel?: unknown }
  if (message.source !== HOST_SOURCE) return false
  return message.kind === "event" || (message.kind === "reply" && message.panel === panel)
}

export function openLink(channelName: string): PanelLink {
  const channel = new BroadcastChannel(channelName)
  const panel = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
  let nextId = 1
  const send = (request: DevtoolsRequest): void => {
    channel.postMessage({ source: PANEL_SOURCE, panel, id: nextId++, request })
  }
  const incoming = Stream.callback<HostMessage>((queue) =>
    Effect.acquireRelease(
      Effect.sync(() => {
        const listener = (event: MessageEvent): void => {
          if (isHostMessage(event.data, panel)) Queue.offerUnsafe(queue, event.data)
        }
        channel.addEventListener("message", listener)
        send({ op: "hello" })
        return listener
      }),
      (listener) => Effect.sync(() => channel.removeEventListener("message", listener))
    )
  )
  return { panel, send, incoming }
}
