/**
 * The js-framework-benchmark table app's model and update: pure, no DOM, no worker.
 *
 * Kept apart from the view so the browser tests can fold the same messages through the
 * same `update` and predict exactly what the page must show. Labels come from a seeded
 * PRNG stored in the model, so a run of messages always yields the same rows.
 */

export interface Row {
  readonly id: number
  readonly label: string
}

export interface Model {
  /** Every row, in order; the view shows the ones matching `filter`. */
  readonly rows: readonly Row[]
  readonly nextId: number
  /** Id of the selected row, 0 for none. */
  readonly selected: number
  /** Substring a label must contain to be shown; "" shows every row. */
  readonly filter: string
  /** PRNG state (mulberry32), advanced by every label drawn. */
  readonly seed: number
}

export type Msg =
  | { readonly type: "run" }
  | { readonly type: "runlots" }
  | { readonly type: "add" }
  | { readonly type: "update" }
  | { readonly type: "clear" }
  | { readonly type: "swaprows" }
  | { readonly type: "select"; readonly id: number }
  | { readonly type: "remove"; readonly id: number }
  | { readonly type: "filter"; readonly value: string }

export const ADJECTIVES = [
  "pretty", "large", "big", "small", "tall", "short", "long", "handsome", "plain", "quaint", "clean",
  "elegant", "easy", "angry", "crazy", "helpful", "mushy", "odd", "unsightly", "adorable", "important",
  "inexpensive", "cheap", "expensive", "fancy"
]
export const COLOURS = ["red", "yellow", "blue", "green", "pink", "brown", "purple", "brown", "white", "black", "orange"]
export const NOUNS = [
  "table", "chair", "house", "bbq", "desk", "car", "pony", "cookie", "sandwich", "burger", "pizza", "mouse", "keyboard"
]

export const INITIAL_SEED = 0x5eed

export function init(): Model {
  return { rows: [], nextId: 1, selected: 0, filter: "", seed: INITIAL_SEED }
}

/** One mulberry32 step: the next state and a float in [0, 1). */
function next(state: number): { readonly state: number; readonly value: number } {
  const s = (state + 0x6d2b79f5) | 0
  let t = Math.imul(s ^ (s >>> 15), 1 | s)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return { state: s, value: ((t ^ (t >>> 14)) >>> 0) / 4294967296 }
}

/** `count` new rows with ids from `nextId`, and the model fields they advance. */
export function buildRows(model: Model, count: number): { rows: Row[]; nextId: number; seed: number } {
  const rows: Row[] = new Array(count)
  let seed = model.seed
  let id = model.nextId
  for (let i = 0; i < count; i++) {
    const a = next(seed)
    const c = next(a.state)
    const n = next(c.state)
    seed = n.state
    const label = ADJECTIVES[Math.floor(a.value * ADJECTIVES.length)] + " " +
      COLOURS[Math.floor(c.value * COLOURS.length)] + " " + NOUNS[Math.floor(n.value * NOUNS.length)]
    rows[i] = { id: id++, label }
  }
  return { rows, nextId: id, seed }
}

export function update(model: Model, msg: Msg): Model {
  switch (msg.type) {
    case "run":
    case "runlots": {
      const built = buildRows(model, msg.type === "run" ? 1000 : 10000)
      return { ...model, rows: built.rows, nextId: built.nextId, seed: built.seed, selected: 0 }
    }
    case "add": {
      const built = buildRows(model, 1000)
      return { ...model, rows: model.rows.concat(built.rows), nextId: built.nextId, seed: built.seed }
    }
    case "update": {
      const rows = model.rows.slice()
      for (let i = 0; i < rows.length; i += 10) rows[i] = { id: rows[i].id, label: rows[i].label + " !!!" }
      return { ...model, rows }
    }
    case "clear":
      return { ...model, rows: [], selected: 0 }
    case "swaprows": {
      if (model.rows.length <= 998) return model
      const rows = model.rows.slice()
      const second = rows[1]
      rows[1] = rows[998]
      rows[998] = second
      return { ...model, rows }
    }
    case "select":
      return model.selected === msg.id ? model : { ...model, selected: msg.id }
    case "remove": {
      const index = model.rows.findIndex((row) => row.id === msg.id)
      if (index < 0) return model
      const rows = model.rows.slice()
      rows.splice(index, 1)
      return { ...model, rows, selected: model.selected === msg.id ? 0 : model.selected }
    }
    case "filter":
      return model.filter === msg.value ? model : { ...model, filter: msg.value }
  }
}

/** The rows the view shows for a model. */
export function visibleRows(model: Model): readonly Row[] {
  return model.filter === "" ? model.rows : model.rows.filter((row) => row.label.includes(model.filter))
}
