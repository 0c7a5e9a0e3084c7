/**
 * Streaming demo, in the worker: a Suspense boundary around slow data (a profile that
 * takes 1.2 s), a lazily loaded component, a live feed (a Stream subscription, as a
 * server-sent-events source would be), and a 100,000-item list that a stream reveals in
 * bounded chunks per frame while the text box stays responsive.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type ComponentSelf, lazy, runProgram, type ShuttleEvent, type Subscriptions, Suspense, type VNode } from "shuttle-ui/worker"

const TOTAL = 100_000
const CHUNK = 1_000

interface Model {
  readonly feed: readonly string[]
  readonly feedCount: number
  readonly chunks: ReadonlyArray<readonly number[]>
  readonly loading: boolean
  readonly text: string
}
type Msg =
  | { readonly type: "feed"; readonly item: string }
  | { readonly type: "load" }
  | { readonly type: "chunk"; readonly items: readonly number[] }
  | { readonly type: "typed"; readonly text: string }

declare module "shuttle-ui/worker" {
  interface Register {
    stream: Msg
  }
}

function update(model: Model, msg: Msg): Model {
  switch (msg.type) {
    case "feed":
      return { ...model, feed: [msg.item, ...model.feed].slice(0, 8), feedCount: model.feedCount + 1 }
    case "load":
      return { ...model, loading: true, chunks: [] }
    case "chunk": {
      const chunks = [...model.chunks, msg.items]
      return { ...model, chunks, loading: chunks.length * CHUNK < TOTAL }
    }
    case "typed":
      return { ...model, text: msg.text }
  }
}

/** A simulated server feed: a message every 250 ms. */
const feed: Stream.Stream<Msg> = Stream.tick("250 millis").pipe(
  Stream.zipWithIndex,
  Stream.map(([, n]): Msg => ({ type: "feed", item: `update #${n + 1}` }))
)

/** 100,000 items arriving in chunks of 1,000: at most 2 chunks per frame reach the model. */
const bulk: Stream.Stream<Msg> = Stream.range(0, TOTAL - 1).pipe(
  Stream.grouped(CHUNK),
  Stream.map((items): Msg => ({ type: "chunk", items }))
)

function subscriptions(model: Model): Subscriptions<Msg> {
  return model.loading ? { feed, bulk: { stream: bulk, perFrame: 2 } } : { feed }
}

/** Slow data: read through a resource, so the nearest Suspense shows its fallback meanwhile. */
const loadProfile = Effect.succeed({ name: "Ada Lovelace", role: "Analyst" }).pipe(Effect.delay("1200 millis"))

function Profile(_: object, self: ComponentSelf): VNode {
  const profile = self.read("profile", loadProfile)
  return (
    <p id="profile">
      <strong>{profile.name}</strong>, {profile.role}
    </p>
  )
}

const Sparkline = lazy(() => import("./sparkline.tsx"))

/**
 * Chunks are immutable: a chunk's props never change, so earlier chunks are skipped by the
 * diff. Each chunk is its own block with `content-visibility: auto` (index.html), so the
 * browser lays out only the chunks on screen: 100,000 items do not cost 100,000 layouts.
 */
function Chunk(props: { index: number; items: readonly number[] }): VNode {
  return (
    <div class="chunk">
      <ol start={props.index * CHUNK}>{props.items.map((n) => <li key={n}>item {n}</li>)}</ol>
    </div>
  )
}

const onInput = (event: ShuttleEvent): Msg => ({ type: "typed", text: event.value ?? "" })

function view(model: Model): VNode {
  const shown = model.chunks.length * CHUNK
  return (
    <main>
      <section class="card">
        <h2>Slow data</h2>
        <Suspense fallback={<p id="profile-fallback">Loading profile…</p>} delayMs={100} minDurationMs={300}>
          <Profile />
          <Sparkline points={[3, 7, 4, 9, 6, 8, 5]} />
        </Suspense>
      </section>
      <section class="card">
        <h2>Live feed <small id="feed-count">{model.feedCount}</small></h2>
        <ul id="feed">{model.feed.map((item) => <li key={item}>{item}</li>)}</ul>
      </section>
      <section class="card">
        <h2>Big list</h2>
        <p>
          <button id="load" onClick={{ type: "load" }} disabled={model.loading}>Load 100,000 items</button>{" "}
          <span id="shown">{shown}</span> shown
        </p>
        <p>
          <input id="text" value={model.text} onInput={onInput} placeholder="type while it streams" /> echo: <span id="echo">{model.text}</span>
        </p>
        <div id="list">{model.chunks.map((items, i) => <Chunk key={i} index={i} items={items} />)}</div>
      </section>
    </main>
  )
}

runProgram<Model, Msg>({ init: { feed: [], feedCount: 0, chunks: [], loading: false, text: "" }, update, view, subscriptions })
