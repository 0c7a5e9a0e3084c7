import { h } from "../../workers/h.ts"
import type { VNode } from "../../workers/vnode.ts"

/**
 * The js-framework-benchmark rows as vnodes, with the labels the jfb apps use, from a
 * seeded generator so every run builds the same rows.
 */
const ADJECTIVES = ["pretty", "large", "big", "small", "tall", "short", "long", "handsome", "plain", "quaint", "clean", "elegant", "easy", "angry", "crazy", "helpful", "mushy", "odd", "unsightly", "adorable", "important", "inexpensive", "cheap", "expensive", "fancy"]
const COLOURS = ["red", "yellow", "blue", "green", "pink", "brown", "purple", "brown", "white", "black", "orange"]
const NOUNS = ["table", "chair", "house", "bbq", "desk", "car", "pony", "cookie", "sandwich", "burger", "pizza", "mouse", "keyboard"]

export interface Row {
  readonly id: number
  readonly label: string
}

export function makeRows(count: number, firstId: number, seed: number): Row[] {
  let state = seed >>> 0 || 1
  const next = (n: number) => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) % n
  }
  const rows: Row[] = new Array(count)
  for (let i = 0; i < count; i++) {
    rows[i] = { id: firstId + i, label: `${ADJECTIVES[next(ADJECTIVES.length)]} ${COLOURS[next(COLOURS.length)]} ${NOUNS[next(NOUNS.length)]}` }
  }
  return rows
}

export function updateEvery10th(rows: readonly Row[]): Row[] {
  return rows.map((row, i) => (i % 10 === 0 ? { id: row.id, label: row.label + " !!!" } : row))
}

export function tableView(rows: readonly Row[], selected: number): VNode {
  return h("table", { class: "table table-hover table-striped test-data" },
    h("tbody", null, rows.map((row) =>
      h("tr", { key: row.id, class: row.id === selected ? "danger" : undefined },
        h("td", { class: "col-md-1" }, String(row.id)),
        h("td", { class: "col-md-4" }, h("a", { class: "lbl", onClick: { type: "select", id: row.id } }, row.label)),
        h("td", { class: "col-md-1" }, h("a", { class: "remove", onClick: { type: "remove", id: row.id } }, h("span", { class: "glyphicon glyphicon-remove", "aria-hidden": "true" }))),
        h("td", { class: "col-md-6" })))))
}
