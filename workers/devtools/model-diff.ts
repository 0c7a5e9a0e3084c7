/**
 * What changed between two models, as the devtools panel's State view shows it: a list of
 * paths (`rows[3].label`) with a short summary of the value before and after. Structural,
 * not by reference: the two models come structured-cloned from the page, so even the parts
 * that did not change are different objects.
 *
 * @since 0.1.0
 */

export type ChangeKind = "added" | "removed" | "changed"

export interface ModelChange {
  /** `""` for the whole model; else `field.sub[3].x`. */
  readonly path: string
  readonly kind: ChangeKind
  /** Summaries (`summarizeValue`); absent for the side that has no value. */
  readonly before?: string
  readonly after?: string
}

export interface ModelDiff {
  /** The first `max` changes, depth first in key order. */
  readonly changes: readonly ModelChange[]
  /** Changes found past `max`. */
  readonly more: number
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`
  if (IDENTIFIER.test(key)) return path === "" ? key : `${path}.${key}`
  return `${path}[${JSON.stringify(key)}]`
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** A value in at most `max` characters: JSON for small data, `[…n]` and `{a, b, …}` beyond. */
export function summarizeValue(value: unknown, max = 60): string {
  let text: string
  if (value === undefined) text = "undefined"
  else if (typeof value === "bigint") text = `${value}n`
  else if (typeof value === "number" && !Number.isFinite(value)) text = String(value)
  else if (value instanceof Date) text = value.toISOString()
  else if (value instanceof Map) text = `Map(${value.size})`
  else if (value instanceof Set) text = `Set(${value.size})`
  else {
    try {
      text = JSON.stringify(value) ?? String(value)
    } catch {
      text = String(value)
    }
    if (text.length > max) {
      if (Array.isArray(value)) text = `[…${value.length}]`
      else if (isRecord(value)) {
        const keys = Object.keys(value)
        text = `{${keys.slice(0, 4).join(", ")}${keys.length > 4 ? ", …" : ""}}`
      }
    }
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function sameLeaf(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  return false
}

/**
 * The changes from `before` to `after`: plain objects compared key by key, arrays index
 * by index, anything else (numbers, strings, Maps, class instances) as a whole.
 */
export function diffModels(before: unknown, after: unknown, max = 50): ModelDiff {
  const changes: ModelChange[] = []
  let found = 0
  const add = (change: ModelChange): void => {
    if (found++ < max) changes.push(change)
  }
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (sameLeaf(a, b)) return
    if (Array.isArray(a) && Array.isArray(b)) {
      const shared = Math.min(a.length, b.length)
      for (let i = 0; i < shared; i++) walk(a[i], b[i], childPath(path, i))
      for (let i = shared; i < b.length; i++) add({ path: childPath(path, i), kind: "added", after: summarizeValue(b[i]) })
      for (let i = shared; i < a.length; i++) add({ path: childPath(path, i), kind: "removed", before: summarizeValue(a[i]) })
      return
    }
    if (isRecord(a) && isRecord(b)) {
      for (const key of Object.keys(a)) {
        if (Object.hasOwn(b, key)) walk(a[key], b[key], childPath(path, key))
        else add({ path: childPath(path, key), kind: "removed", before: summarizeValue(a[key]) })
      }
      for (const key of Object.keys(b)) {
        if (!Object.hasOwn(a, key)) add({ path: childPath(path, key), kind: "added", after: summarizeValue(b[key]) })
      }
      return
    }
    add({ path, kind: "changed", before: summarizeValue(a), after: summarizeValue(b) })
  }
  walk(before, after, "")
  return { changes, more: Math.max(0, found - max) }
}
