// The js-framework-benchmark operations: how to set a page up for each, what to click,
// what the page must show afterwards and which row nodes must survive.
//
// Every page starts from examples/table/model.ts's `init()` and every click is also folded
// through that model's `update` (the "mirror"), so the driver knows each page's exact
// table after every click: all libraries draw ids and labels from the same seeded
// generator.

/**
 * id        what --ops takes
 * title     shown in reports
 * setup     what to do before each sample (and each warm-up): "run" (a fresh 1,000 rows)
 *           or "empty" (clear the table if it has rows)
 * action    what the sample clicks: { click: selector } or { row, link: "lbl" | "remove" }
 * msg       the model message the click stands for, given the mirror before it
 * marks     rows tagged before the click; `moved` says at which index each must be
 *           afterwards (-1: gone), by default the same index (the node was kept)
 * throttle  jfb's CPU slowdown for the op, used by `--throttle jfb`
 * big       a 10,000-row op: fewer samples by default
 */
export const OPS = [
  {
    id: "create1k", title: "create 1,000 rows", setup: "empty", throttle: 1,
    action: { click: "#run" }, msg: () => ({ type: "run" }), marks: []
  },
  {
    id: "replace1k", title: "replace all 1,000 rows", setup: "run", throttle: 1,
    action: { click: "#run" }, msg: () => ({ type: "run" }), marks: [0, 999], moved: { 0: -1, 999: -1 }
  },
  {
    id: "update10th", title: "update every 10th row (1,000)", setup: "run", throttle: 4,
    action: { click: "#update" }, msg: () => ({ type: "update" }), marks: [0, 1, 10, 990, 999]
  },
  {
    id: "select", title: "select a row", setup: "run", throttle: 4,
    action: { row: 1, link: "lbl" }, msg: (m) => ({ type: "select", id: m.rows[1].id }), marks: [0, 1, 2]
  },
  {
    id: "swap", title: "swap rows 2 and 999", setup: "run", throttle: 4,
    action: { click: "#swaprows" }, msg: () => ({ type: "swaprows" }), marks: [0, 1, 2, 997, 998, 999], moved: { 1: 998, 998: 1 }
  },
  {
    id: "remove", title: "remove a row", setup: "run", throttle: 2,
    action: { row: 3, link: "remove" }, msg: (m) => ({ type: "remove", id: m.rows[3].id }), marks: [2, 3, 4, 999], moved: { 3: -1, 4: 3, 999: 998 }
  },
  {
    id: "create10k", title: "create 10,000 rows", setup: "empty", throttle: 1, big: true,
    action: { click: "#runlots" }, msg: () => ({ type: "runlots" }), marks: []
  },
  {
    id: "append1k", title: "append 1,000 rows to 1,000", setup: "run", throttle: 1,
    action: { click: "#add" }, msg: () => ({ type: "add" }), marks: [0, 500, 999]
  },
  {
    id: "clear1k", title: "clear 1,000 rows", setup: "run", throttle: 4,
    action: { click: "#clear" }, msg: () => ({ type: "clear" }), marks: [0], moved: { 0: -1 }
  }
]

/** Where each marked row must be after the op. */
export function expectedMarks(op) {
  const out = {}
  for (const index of op.marks) out[index] = op.moved?.[index] ?? index
  return out
}

/**
 * The cheap expectation polled while timing: the row count and a few rows (the first,
 * the ends, the ones the op touches), with their exact id, label and class.
 */
export function expectation(model, visibleRows) {
  const rows = visibleRows(model)
  const count = rows.length
  const indices = new Set([0, 1, 2, 3, 4, 10, 500, 990, 997, 998, 999, count - 1])
  const probes = []
  for (const index of [...indices].sort((a, b) => a - b)) {
    if (index < 0 || index >= count) continue
    const row = rows[index]
    probes.push([index, String(row.id), row.label, row.id === model.selected ? "danger" : ""])
  }
  return { count, probes, status: `${count} of ${model.rows.length} rows` }
}
