/** The panel's CSS, rendered into a <style> of its own so that a page needs none. */
export const PANEL_CSS = `
.shuttle-devtools { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #1f2328; background: #fff; height: 100%; display: flex; flex-direction: column; min-height: 0; }
.shuttle-devtools header { display: flex; align-items: center; gap: 8px; padding: 6px 8px; background: #f3f4f6; border-bottom: 1px solid #d0d7de; flex: none; }
.shuttle-devtools header nav { margin-left: auto; display: flex; gap: 2px; }
.shuttle-devtools .dot { width: 8px; height: 8px; border-radius: 50%; background: #cf222e; display: inline-block; }
.shuttle-devtools .dot.on { background: #1a7f37; }
.shuttle-devtools button { font: inherit; padding: 2px 8px; border: 1px solid #d0d7de; border-radius: 4px; background: #fff; color: inherit; cursor: pointer; }
.shuttle-devtools button:hover:not([disabled]) { background: #eef1f4; }
.shuttle-devtools button[disabled] { opacity: .45; cursor: default; }
.shuttle-devtools button.tab { border-color: transparent; background: transparent; }
.shuttle-devtools button.tab.active { background: #fff; border-color: #d0d7de; font-weight: bold; }
.shuttle-devtools button.active { background: #ddf4ff; border-color: #54aeff; }
.shuttle-devtools select, .shuttle-devtools input, .shuttle-devtools textarea { font: inherit; }
.shuttle-devtools .view { padding: 6px 8px; overflow: auto; flex: 1; min-height: 0; }
.shuttle-devtools .toolbar { display: flex; align-items: center; gap: 8px; margin-bottom: 6px; flex-wrap: wrap; }
.shuttle-devtools .muted { color: #656d76; }
.shuttle-devtools h3 { font-size: 12px; margin: 10px 0 4px; color: #424a53; }
.shuttle-devtools .error { background: #ffebe9; color: #82071e; padding: 4px 8px; border-bottom: 1px solid #ff8182; display: flex; justify-content: space-between; }
.shuttle-devtools .tree { border: 1px solid #d0d7de; border-radius: 4px; max-height: calc(100vh - 120px); overflow: auto; }
.shuttle-devtools .node { white-space: nowrap; cursor: default; padding-right: 6px; }
.shuttle-devtools .node:hover { background: #f6f8fa; }
.shuttle-devtools .node.selected { background: #ddf4ff; }
.shuttle-devtools .twisty { display: inline-block; width: 12px; color: #656d76; cursor: pointer; }
.shuttle-devtools .name.component { color: #8250df; font-weight: bold; }
.shuttle-devtools .name.element { color: #0550ae; }
.shuttle-devtools .name.text { color: #0a3069; }
.shuttle-devtools .name.fragment { color: #656d76; }
.shuttle-devtools .key { color: #953800; }
.shuttle-devtools .props { color: #656d76; }
.shuttle-devtools .badge { margin-left: 6px; padding: 0 4px; border-radius: 3px; font-size: 10px; background: #eaeef2; color: #424a53; }
.shuttle-devtools .badge.memo { background: #dafbe1; color: #116329; }
.shuttle-devtools .badge.boundary { background: #fff8c5; color: #7d4e00; }
.shuttle-devtools .badge.fallback { background: #ffebe9; color: #82071e; }
.shuttle-devtools .details { border-top: 1px solid #d0d7de; margin-top: 6px; }
.shuttle-devtools table { border-collapse: collapse; }
.shuttle-devtools table.kv th { text-align: left; font-weight: normal; color: #656d76; padding: 1px 12px 1px 0; vertical-align: top; }
.shuttle-devtools table.kv td { padding: 1px 0; word-break: break-all; }
.shuttle-devtools table.grid { width: 100%; }
.shuttle-devtools table.grid th { text-align: left; color: #656d76; font-weight: normal; border-bottom: 1px solid #d0d7de; padding: 1px 6px; position: sticky; top: 0; background: #fff; }
.shuttle-devtools table.grid td { padding: 1px 6px; border-bottom: 1px solid #f0f2f4; white-space: nowrap; }
.shuttle-devtools table.grid tr.selected td { background: #ddf4ff; }
.shuttle-devtools table.grid tr.slow td { color: #cf222e; }
.shuttle-devtools table.grid tr.shown td { font-weight: bold; }
.shuttle-devtools table.grid tbody tr { cursor: pointer; }
.shuttle-devtools .scroll { max-height: 220px; overflow: auto; border: 1px solid #d0d7de; border-radius: 4px; margin-top: 6px; }
.shuttle-devtools ol.path { margin: 0; padding-left: 20px; }
.shuttle-devtools ol.path li { padding: 1px 0; }
.shuttle-devtools .label { color: #656d76; }
.shuttle-devtools .timeline-wrap { display: flex; border: 1px solid #d0d7de; border-radius: 4px; overflow: hidden; }
.shuttle-devtools .lanes { position: relative; width: 78px; flex: none; border-right: 1px solid #d0d7de; background: #f6f8fa; }
.shuttle-devtools .lane-label { position: absolute; left: 0; right: 0; padding: 2px 6px; box-sizing: border-box; border-bottom: 1px solid #d0d7de; color: #424a53; }
.shuttle-devtools .timeline { position: relative; overflow-x: auto; min-width: 0; flex: 1; }
.shuttle-devtools .lane-row { position: absolute; left: 0; right: 0; border-bottom: 1px solid #d0d7de; }
.shuttle-devtools .budget { position: absolute; left: 0; right: 0; border-top: 1px dashed #cf222e; opacity: .5; }
.shuttle-devtools .bar { position: absolute; cursor: pointer; background: #d0d7de; }
.shuttle-devtools .bar .seg { position: absolute; left: 0; right: 0; }
.shuttle-devtools .bar.slow { outline: 2px solid #cf222e; outline-offset: 0; }
.shuttle-devtools .bar.selected { outline: 2px solid #0969da; }
.shuttle-devtools .ph-update { background: #fd8c73; }
.shuttle-devtools .ph-view { background: #54aeff; }
.shuttle-devtools .ph-diff { background: #8250df; color: #fff; }
.shuttle-devtools .ph-encode { background: #d4a72c; }
.shuttle-devtools .ph-apply { background: #4ac26b; }
.shuttle-devtools .chip { display: inline-block; padding: 0 5px; border-radius: 3px; margin-right: 4px; font-size: 11px; }
.shuttle-devtools .chip.slow-mark { outline: 2px solid #cf222e; outline-offset: -2px; }
.shuttle-devtools .legend { margin: 4px 0 6px; }
.shuttle-devtools input#budget { width: 48px; }
.shuttle-devtools .columns { display: flex; gap: 8px; align-items: flex-start; }
.shuttle-devtools .columns .messages { flex: 1 1 60%; max-height: 360px; margin-top: 0; }
.shuttle-devtools .columns .model { flex: 1 1 40%; min-width: 0; }
.shuttle-devtools td.msg { max-width: 420px; overflow: hidden; text-overflow: ellipsis; }
.shuttle-devtools ul.changes { margin: 0; padding-left: 16px; max-height: 140px; overflow: auto; }
.shuttle-devtools ul.changes li.added code { color: #1a7f37; }
.shuttle-devtools ul.changes li.removed code { color: #cf222e; }
.shuttle-devtools pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; padding: 6px; max-height: 220px; overflow: auto; margin: 0; white-space: pre-wrap; word-break: break-all; }
.shuttle-devtools .import { display: flex; gap: 8px; align-items: flex-start; margin-top: 8px; }
.shuttle-devtools .import textarea { flex: 1; }
`
