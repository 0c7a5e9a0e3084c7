import type { Handler } from "../element-props.ts"
import type { Child, VNode } from "../vnode.ts"
import type { ShuttleEvent } from "../../protocol/messages.ts"
import type { InspectNode, PropSummary } from "../../protocol/inspect.ts"
import { LANE_NAMES } from "../../protocol/lanes.ts"
import type { CommitRecord, StatsSummary } from "../../protocol/devtools.ts"
import { summarizeValue } from "./model-diff.ts"
import type { PanelModel, PanelMsg, Tab } from "./panel-model.ts"
import { PANEL_CSS } from "./panel-style.ts"
import { layoutTimeline, PHASE_LABELS, PHASES, totalMs } from "./timeline.ts"

/**
 * The devtools panel's view: a header (connection, root picker, tabs) over one of four
 * views (Components, Inspector, Profiler, State). Plain functions of the model, except the
 * tree's rows, which are components of primitive props so that a refresh that changed
 * nothing in a 5,000-node tree skips them.
 *
 * @since 0.1.0
 */

/**
 * A handler of the panel's messages. The panel does not add PanelMsg to `Register` (that
 * would widen the handlers of every app whose types see this file), so its handlers are
 * cast to the registered type here, in one place.
 */
function on(msg: PanelMsg | ((event: ShuttleEvent) => PanelMsg | undefined)): Handler {
  return msg as unknown as Handler
}

const TABS: ReadonlyArray<readonly [Tab, string]> = [
  ["components", "Components"],
  ["inspector", "Inspector"],
  ["profiler", "Profiler"],
  ["state", "State"]
]

const laneName = (lane: number): string => LANE_NAMES[lane] ?? `lane ${lane}`
const ms = (value: number): string => (value >= 10 ? value.toFixed(1) : value.toFixed(2))

/** Props as one short line: `row={id, label} selected=false`. */
function propsLine(props: { readonly [name: string]: PropSummary }, max = 90): string {
  const parts: string[] = []
  for (const [name, value] of Object.entries(props)) {
    if (name === "children") continue
    parts.push(`${name}=${typeof value === "string" ? JSON.stringify(value) : summarizeValue(value, 40)}`)
  }
  const line = parts.join(" ")
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

// ---------------------------------------------------------------- Components

interface TreeRowProps {
  path: string
  depth: number
  kind: string
  name: string
  nodeKey: string
  props: string
  text: string
  memo: boolean
  boundary: string
  fallback: boolean
  hasChildren: boolean
  open: boolean
  selected: boolean
}

function TreeRow(p: TreeRowProps): VNode {
  const label = p.kind === "component" ? `<${p.name}>` : p.kind === "text" ? JSON.stringify(p.text) : p.kind === "fragment" ? "<>" : p.name
  return (
    <div
      class={{ node: true, selected: p.selected }}
      data-name={p.name}
      data-key={p.nodeKey}
      data-depth={String(p.depth)}
      data-kind={p.kind}
      style={{ paddingLeft: 6 + p.depth * 12 }}
      onClick={on({ type: "selectNode", path: p.path })}
    >
      <span class="twisty" onClick={p.hasChildren ? on({ type: "toggleNode", path: p.path, open: !p.open }) : undefined}>
        {p.hasChildren ? (p.open ? "▾" : "▸") : ""}
      </span>
      <span class={`name ${p.kind}`}>{label}</span>
      {p.nodeKey === "" ? null : <span class="key">{` key=${p.nodeKey}`}</span>}
      {p.memo ? <span class="badge memo">memo</span> : null}
      {p.boundary === "" ? null : <span class={{ badge: true, boundary: true, fallback: p.fallback }}>{p.fallback ? `${p.boundary}: fallback` : p.boundary}</span>}
      {p.props === "" ? null : <span class="props">{` ${p.props}`}</span>}
    </div>
  )
}

/** Open by default: the top levels, unless a node has many children (a 1,000-row tbody). */
function openByDefault(depth: number, node: InspectNode): boolean {
  return depth < 5 && node.children.length <= 25
}

function treeRows(model: PanelModel): VNode[] {
  const rows: VNode[] = []
  const walk = (nodes: readonly InspectNode[], depth: number, prefix: string): void => {
    nodes.forEach((node, i) => {
      const path = prefix === "" ? String(i) : `${prefix}.${i}`
      const hasChildren = node.children.length > 0
      const open = hasChildren && (model.opened[path] ?? (model.expandAll || openByDefault(depth, node)))
      rows.push(
        <TreeRow
          key={path}
          path={path}
          depth={depth}
          kind={node.kind}
          name={node.name}
          nodeKey={node.key === null ? "" : String(node.key)}
          props={node.kind === "text" ? "" : propsLine(node.props)}
          text={node.text ?? ""}
          memo={node.memo === true}
          boundary={node.boundary ?? ""}
          fallback={node.showingFallback === true}
          hasChildren={hasChildren}
          open={open}
          selected={path === model.selectedPath}
        />
      )
      if (open) walk(node.children, depth + 1, path)
    })
  }
  if (model.tree !== null) walk(model.tree.children, 0, "")
  return rows
}

function nodeAt(model: PanelModel, path: string): InspectNode | null {
  let nodes = model.tree?.children ?? []
  let node: InspectNode | null = null
  for (const part of path.split(".")) {
    node = nodes[Number(part)] ?? null
    if (node === null) return null
    nodes = node.children
  }
  return node
}

function propsTable(props: { readonly [name: string]: PropSummary }): VNode {
  const names = Object.keys(props)
  if (names.length === 0) return <p class="muted">no props</p>
  return (
    <table class="kv">
      <tbody>
        {names.map((name) => (
          <tr key={name}>
            <th>{name}</th>
            <td>{JSON.stringify(props[name])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function componentsView(model: PanelModel): VNode {
  const tree = model.tree
  const selected = model.selectedPath === null ? null : nodeAt(model, model.selectedPath)
  return (
    <section id="components" class="view">
      <div class="toolbar">
        <button type="button" id="expand-all" onClick={on({ type: "expandAll", on: true })}>Expand all</button>
        <button type="button" id="collapse-all" onClick={on({ type: "expandAll", on: false })}>Collapse</button>
        <span class="muted">
          {tree === null ? "waiting for the tree…" : `${tree.count} nodes${tree.truncated ? " (truncated)" : ""}${tree.profiling ? " · profiling" : ""}`}
        </span>
      </div>
      <div class="tree" id="tree">{treeRows(model)}</div>
      {selected === null ? null : (
        <div class="details">
          <h3>{selected.kind === "component" ? `<${selected.name}>` : selected.name}</h3>
          {propsTable(selected.props)}
        </div>
      )}
    </section>
  )
}

// ---------------------------------------------------------------- Inspector

const STAT_FIELDS: ReadonlyArray<readonly [keyof StatsSummary, string]> = [
  ["commits", "commits"],
  ["nodes", "page nodes"],
  ["strings", "page strings"],
  ["listeners", "listeners"],
  ["lastPatchBytes", "last patch bytes"],
  ["totalPatchBytes", "total patch bytes"],
  ["lastApplyMs", "last apply ms"],
  ["queuedCommits", "queued commits"],
  ["restarts", "restarts"],
  ["journalLength", "journal"]
]

function statsTable(stats: StatsSummary): VNode {
  const worker = stats.worker === null ? [] : Object.entries(stats.worker)
  return (
    <table class="kv stats">
      <tbody>
        {STAT_FIELDS.map(([field, label]) => (
          <tr key={field}>
            <th>{label}</th>
            <td>{typeof stats[field] === "number" ? String(Math.round((stats[field] as number) * 100) / 100) : String(stats[field])}</td>
          </tr>
        ))}
        {worker.map(([name, value]) => (
          <tr key={`w-${name}`}>
            <th>{`worker ${name}`}</th>
            <td>{String(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function inspectorView(model: PanelModel): VNode {
  const picked = model.picked
  const pickable = model.roots.some((root) => root.pickable)
  return (
    <section id="inspector" class="view">
      <div class="toolbar">
        <button type="button" id="pick" class={{ active: model.picking }} disabled={!pickable} onClick={on({ type: "pick", on: !model.picking })}>
          {model.picking ? "Picking… (click to cancel)" : "Pick an element"}
        </button>
        <span class="muted">{model.picking ? "click an element in the app" : pickable ? "" : "no root was exposed with its container"}</span>
      </div>
      {picked === null ? <p class="muted">Nothing picked yet.</p> : (
        <div class="picked">
          <p>
            <span class="label">root</span> <b id="picked-root">{picked.root}</b>
          </p>
          {picked.node === null ? <p class="muted">That element was not rendered by the root.</p> : (
            <div>
              <h3 class="path-title">Component path</h3>
              <ol class="path" id="picked-path">
                {picked.node.components.map((component, i) => (
                  <li key={i} data-name={component.name}>
                    <span class="name component">{`<${component.name}>`}</span>
                    {component.key === null ? null : <span class="key">{` key=${String(component.key)}`}</span>}
                    {component.boundary === undefined ? null : <span class="badge boundary">{component.boundary}</span>}
                    <span class="props">{` ${propsLine(component.props, 120)}`}</span>
                  </li>
                ))}
                <li class="element" data-name={picked.node.name}>
                  <span class="name element">{picked.node.kind === "text" ? JSON.stringify(picked.node.text ?? "") : `<${picked.node.name}>`}</span>
                  <span class="muted">{` id ${picked.node.id}`}</span>
                </li>
              </ol>
              <h3>Element props</h3>
              {propsTable(picked.node.props)}
            </div>
          )}
          <h3>Stats</h3>
          {statsTable(picked.stats)}
        </div>
      )}
    </section>
  )
}

// ---------------------------------------------------------------- Profiler


function timeline(model: PanelModel): VNode {
  const layout = layoutTimeline(model.commits, { budgetMs: model.budgetMs })
  return (
    <div class="timeline-wrap">
      <div class="lanes" style={{ height: layout.height }}>
        {layout.rows.map((row) => <div key={row.lane} class="lane-label" style={{ top: row.top, height: row.height }}>{laneName(row.lane)}</div>)}
      </div>
      <div class="timeline" id="timeline" style={{ height: layout.height, width: Math.max(layout.width, 10) }}>
        {layout.rows.map((row) => (
          <div key={`r${row.lane}`} class="lane-row" style={{ top: row.top, height: row.height }}>
            <div class="budget" style={{ top: layout.budgetTop }} />
          </div>
        ))}
        {layout.bars.map((bar) => (
          <div
            key={bar.index}
            class={{ bar: true, slow: bar.slow, selected: bar.index === model.selectedCommit }}
            title={`commit ${model.commits[bar.index].commitId} · ${laneName(bar.lane)} · ${ms(bar.totalMs)} ms`}
            style={{ left: bar.left, top: bar.top, width: bar.width, height: bar.height }}
            onClick={on({ type: "selectCommit", index: bar.index })}
          >
            {bar.segments.map((segment) => (
              <div key={segment.phase} class={`seg ph-${PHASE_LABELS[segment.phase]}`} style={{ top: segment.top - bar.top, height: segment.height }} />
            ))}
          </div>
        ))}
      </div>
    </div>
  )
}

function commitDetail(commit: CommitRecord): VNode {
  const components = commit.profile?.components ?? []
  return (
    <div class="details" id="commit-detail">
      <h3>{`Commit ${commit.commitId} (${commit.root}, ${laneName(commit.lane)})`}</h3>
      <p class="phases">
        {PHASES.map((phase) => <span key={phase} class={`chip ph-${PHASE_LABELS[phase]}`}>{`${PHASE_LABELS[phase]} ${ms(commit[phase])}`}</span>)}
        <span class="muted">{` = ${ms(totalMs(commit))} ms, ${commit.patchBytes} bytes, ${commit.messages} msgs`}</span>
      </p>
      {components.length === 0 ? <p class="muted">No component renders recorded in this commit.</p> : (
        <table class="grid" id="commit-components">
          <thead>
            <tr><th>component</th><th>renders</th><th>skipped</th><th>ms</th></tr>
          </thead>
          <tbody>
            {components.map((c) => (
              <tr key={c.name} data-name={c.name}>
                <td>{c.name}</td><td>{String(c.renders)}</td><td>{String(c.skipped)}</td><td>{ms(c.ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

function profilerView(model: PanelModel): VNode {
  const selected = model.selectedCommit === null ? undefined : model.commits[model.selectedCommit]
  const slow = model.commits.filter((commit) => totalMs(commit) > model.budgetMs).length
  return (
    <section id="profiler" class="view">
      <div class="toolbar">
        <button type="button" id="record" class={{ active: model.recording }} onClick={on({ type: "record", on: !model.recording })}>
          {model.recording ? "■ Stop" : "● Record"}
        </button>
        <button type="button" id="export-profile" disabled={model.recording} onClick={on({ type: "exportProfile" })}>Export JSON</button>
        <label class="muted">
          {"budget "}
          <input id="budget" type="number" min="1" value={String(model.budgetMs)} onInput={on((e) => ({ type: "budget", value: e.value ?? "" }))} />
          {" ms"}
        </label>
        <span class="muted" id="commit-count">{`${model.commits.length} commits, ${slow} slow`}</span>
      </div>
      <div class="legend">
        {PHASES.map((phase) => <span key={phase} class={`chip ph-${PHASE_LABELS[phase]}`}>{PHASE_LABELS[phase]}</span>)}
        <span class="chip slow-mark">over budget</span>
      </div>
      {model.commits.length === 0 ? <p class="muted">{model.recording ? "Recording: use the app." : "Press Record, use the app, then Stop."}</p> : timeline(model)}
      {selected === undefined ? null : commitDetail(selected)}
      {model.commits.length === 0 ? null : (
        <div class="scroll">
          <table class="grid" id="commits">
            <thead>
              <tr><th>#</th><th>root</th><th>lane</th><th>msgs</th><th>update</th><th>view</th><th>diff</th><th>encode</th><th>apply</th><th>total</th><th>bytes</th></tr>
            </thead>
            <tbody>
              {model.commits.map((commit, i) => (
                <tr
                  key={i}
                  class={{ commit: true, selected: i === model.selectedCommit, slow: totalMs(commit) > model.budgetMs }}
                  data-commit-id={String(commit.commitId)}
                  data-lane={commit.laneName}
                  data-root={commit.root}
                  onClick={on({ type: "selectCommit", index: i })}
                >
                  <td>{String(commit.commitId)}</td><td>{commit.root}</td><td>{commit.laneName}</td><td>{String(commit.messages)}</td>
                  <td>{ms(commit.updateMs)}</td><td>{ms(commit.viewMs)}</td><td>{ms(commit.diffMs)}</td><td>{ms(commit.encodeMs)}</td>
                  <td>{ms(commit.applyMs)}</td><td>{ms(totalMs(commit))}</td><td>{String(commit.patchBytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {model.profileJson === null ? null : (
        <div class="export">
          <h3>Profile JSON (select and copy)</h3>
          <pre id="profile-json">{model.profileJson}</pre>
        </div>
      )}
    </section>
  )
}

// ---------------------------------------------------------------- State

function stateView(model: PanelModel): VNode {
  const info = model.historyInfo
  const first = model.entries[0]?.time ?? 0
  const selected = model.selectedEntry
  const after = model.modelAfter !== null && model.modelAfter.index === selected ? model.modelAfter.value : undefined
  let modelText = after === undefined ? "" : JSON.stringify(after, null, 2) ?? ""
  if (modelText.length > 6000) modelText = `${modelText.slice(0, 6000)}\n… (${modelText.length} characters)`
  return (
    <section id="state" class="view">
      <div class="toolbar">
        <span class="muted" id="history-info">
          {info === null ? "no history yet (mount the root with { history: true })" : `messages ${info.start}–${info.end - 1} · ${Math.round(info.bytes / 1024)} of ${Math.round(info.maxBytes / 1024)} kB${info.traveling === null ? "" : ` · showing #${info.traveling}`}`}
        </span>
        <button type="button" id="resume" disabled={info?.traveling === null || info === null} onClick={on({ type: "resume" })}>Resume</button>
        <button type="button" id="export-history" onClick={on({ type: "exportHistory" })}>Export</button>
      </div>
      <div class="columns">
        <div class="scroll messages">
          <table class="grid" id="messages">
            <thead>
              <tr><th>#</th><th>lane</th><th>time</th><th>message</th></tr>
            </thead>
            <tbody>
              {model.entries.map((entry) => (
                <tr
                  key={entry.index}
                  class={{ entry: true, selected: entry.index === selected, shown: entry.index === info?.traveling }}
                  data-index={String(entry.index)}
                  onClick={on({ type: "selectEntry", index: entry.index })}
                >
                  <td>{String(entry.index)}</td><td>{laneName(entry.lane)}</td><td>{`+${Math.round(entry.time - first)} ms`}</td><td class="msg">{summarizeValue(entry.msg, 70)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class="model">
          {selected === null ? <p class="muted">Select a message to see the model after it.</p> : (
            <div>
              <div class="toolbar">
                <b>{`After #${selected}`}</b>
                <button type="button" id="jump" onClick={on({ type: "jump", index: selected })}>Jump here</button>
              </div>
              <h3>Changed</h3>
              {model.diff === null ? <p class="muted">loading…</p> : model.diff.changes.length === 0 ? <p class="muted">nothing</p> : (
                <ul class="changes" id="changes">
                  {model.diff.changes.map((change) => (
                    <li key={change.path} class={change.kind} data-path={change.path}>
                      <code>{change.path === "" ? "(model)" : change.path}</code>
                      <span class="muted">{change.kind === "added" ? ` + ${change.after}` : change.kind === "removed" ? ` − ${change.before}` : ` ${change.before} → ${change.after}`}</span>
                    </li>
                  ))}
                  {model.diff.more > 0 ? <li class="muted">{`… ${model.diff.more} more`}</li> : null}
                </ul>
              )}
              <h3>Model</h3>
              <pre class="model-json">{modelText}</pre>
            </div>
          )}
        </div>
      </div>
      <div class="import">
        <textarea id="import-text" rows={3} placeholder="Paste a history file (JSON) to import" value={model.importText} onInput={on((e) => ({ type: "importText", text: e.value ?? "" }))} />
        <button type="button" id="import" disabled={model.importText.trim() === ""} onClick={on({ type: "importHistory" })}>Import</button>
      </div>
      {model.historyJson === null ? null : (
        <div class="export">
          <h3>History file (select and copy)</h3>
          <pre id="history-json">{model.historyJson}</pre>
        </div>
      )}
    </section>
  )
}

// ---------------------------------------------------------------- Panel

export function panelView(model: PanelModel): Child {
  return (
    <div class="shuttle-devtools">
      <style>{PANEL_CSS}</style>
      <header>
        <span class={{ dot: true, on: model.connected }} title={model.connected ? "connected" : "waiting for a page that calls exposeRoots"} />
        <b>Shuttle devtools</b>
        {model.roots.length > 1 ? (
          <select id="root-picker" value={model.root ?? ""} onChange={on((e) => (e.value === undefined ? undefined : { type: "selectRoot", root: e.value }))}>
            {model.roots.map((root) => <option key={root.name} value={root.name}>{root.name}</option>)}
          </select>
        ) : <span class="muted" id="root-name">{model.root ?? (model.connected ? "no roots" : "not connected")}</span>}
        <nav>
          {TABS.map(([tab, label]) => (
            <button type="button" key={tab} id={`tab-${tab}`} class={{ tab: true, active: model.tab === tab }} onClick={on({ type: "tab", tab })}>{label}</button>
          ))}
        </nav>
      </header>
      {model.error === null ? null : (
        <div class="error" id="panel-error">
          {model.error}
          <button type="button" onClick={on({ type: "dismiss" })}>×</button>
        </div>
      )}
      {model.tab === "components" ? componentsView(model)
        : model.tab === "inspector" ? inspectorView(model)
        : model.tab === "profiler" ? profilerView(model)
        : stateView(model)}
    </div>
  )
}
