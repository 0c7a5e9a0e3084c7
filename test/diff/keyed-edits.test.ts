// @vitest-environment happy-dom
import { describe, expect, it } from "vitest"
import type { Key } from "../../workers/vnode.ts"
import { mountKeyedList } from "../_util/keyed-list.ts"

/**
 * The classic single edits of a keyed list (snabbdom, Preact keys.test, Vue
 * rendererChildren). Besides the invariants `mountKeyedList` checks after every patch
 * (fresh-render equality, identity, moves ≤ kept − LIS), each case states the exact
 * number of moves and insertions it must take.
 */

const keys = (text: string): Key[] => (text === "" ? [] : text.split(""))

describe("keyed single edits", () => {
  it.each([
    { name: "append one", from: "abcde", to: "abcdef", moves: 0, insertions: 1 },
    { name: "append many", from: "ab", to: "abcdef", moves: 0, insertions: 4 },
    { name: "append to empty", from: "", to: "abc", moves: 0, insertions: 3 },
    { name: "prepend one", from: "bcde", to: "abcde", moves: 0, insertions: 1 },
    { name: "prepend many", from: "ef", to: "abcdef", moves: 0, insertions: 4 },
    { name: "insert one in the middle", from: "abde", to: "abcde", moves: 0, insertions: 1 },
    { name: "insert many in the middle", from: "af", to: "abcdef", moves: 0, insertions: 4 },
    { name: "insert at both ends", from: "bcd", to: "abcde", moves: 0, insertions: 2 },
    { name: "remove the first", from: "abcde", to: "bcde", moves: 0, insertions: 0 },
    { name: "remove the last", from: "abcde", to: "abcd", moves: 0, insertions: 0 },
    { name: "remove one in the middle", from: "abcde", to: "abde", moves: 0, insertions: 0 },
    { name: "remove several in the middle", from: "abcdef", to: "af", moves: 0, insertions: 0 },
    { name: "remove at both ends", from: "abcde", to: "bcd", moves: 0, insertions: 0 },
    { name: "remove all", from: "abcde", to: "", moves: 0, insertions: 0 },
    { name: "replace all", from: "abc", to: "xyz", moves: 0, insertions: 3 },
    { name: "reverse", from: "abcdef", to: "fedcba", moves: 5, insertions: 0 },
    { name: "reverse two", from: "ab", to: "ba", moves: 1, insertions: 0 },
    { name: "move the first to the end (one right)", from: "abcde", to: "bcdea", moves: 1, insertions: 0 },
    { name: "move the last to the front (one left)", from: "abcde", to: "eabcd", moves: 1, insertions: 0 },
    { name: "move one right inside", from: "abcde", to: "acdbe", moves: 1, insertions: 0 },
    { name: "move one left inside", from: "abcde", to: "adbce", moves: 1, insertions: 0 },
    { name: "swap the second and the second-to-last", from: "abcdef", to: "aecdbf", moves: 2, insertions: 0 },
    { name: "swap neighbours", from: "abcd", to: "acbd", moves: 1, insertions: 0 },
    { name: "move one and insert one", from: "abcd", to: "dxabc", moves: 1, insertions: 1 },
    { name: "move one and remove one", from: "abcde", to: "eacd", moves: 1, insertions: 0 },
    { name: "remove, insert and move at once", from: "abcdefg", to: "xgbdcfy", moves: 2, insertions: 2 }
  ])("$name: $from → $to", ({ from, to, moves, insertions }) => {
    const list = mountKeyedList(keys(from))
    const report = list.update(keys(to))
    expect(report.moves).toBe(moves)
    expect(report.insertions).toBe(insertions)
  })

  it("numeric keys behave as string keys do", () => {
    const list = mountKeyedList([1, 2, 3, 4, 5])
    expect(list.update([5, 1, 2, 3, 4]).moves).toBe(1)
    expect(list.update([5, 1, 3, 4, 6]).insertions).toBe(1)
  })

  it("a number key and the string of that number are different keys", () => {
    const list = mountKeyedList([1, 2])
    const report = list.update(["1", "2"])
    expect(report.kept).toBe(0)
    expect(report.insertions).toBe(2)
  })

  it("an unchanged list writes no patch at all", () => {
    const list = mountKeyedList(keys("abc"))
    expect(list.update(keys("abc")).changed).toBe(false)
  })
})
