// @vitest-environment happy-dom
import { describe, expectTypeOf, it } from "vitest"
import { type Cloneable, createRoot, type Root, type RootOptions, type WorkerError, type WorkerErrorKind } from "../../src/index.ts"

/**
 * What must compile and what must not, checked by `tsc -p tsconfig.json`: each
 * `@ts-expect-error` line fails the typecheck if its error goes away. The calls sit in
 * functions that never run: this file needs no worker.
 */

type Msg = { readonly type: "inc" } | { readonly type: "typed"; readonly text: string }
interface Counters {
  readonly direct: number
}

declare const container: Element
declare const worker: Worker

describe("createRoot<Msg> types dispatch", () => {
  it("a typed root takes its messages and refuses others", () => {
    expectTypeOf(createRoot<Msg>).returns.toEqualTypeOf<Root<Msg>>()
    expectTypeOf<Root<Msg>["dispatch"]>().parameter(0).toEqualTypeOf<Msg>()

    function typed(root: Root<{ type: "inc" }>): void {
      root.dispatch({ type: "inc" })
      root.dispatch({ type: "inc" }, { lane: "transition" })
      // @ts-expect-error a misspelt message type
      root.dispatch({ type: "incc" })
      // @ts-expect-error a function is not a message
      root.dispatch(() => 1)
      // @ts-expect-error an unknown lane
      root.dispatch({ type: "inc" }, { lane: "urgent" })
    }

    function declared(): Root<Msg> {
      const root = createRoot<Msg>(container, () => worker, { placeholder: "<p>Loading…</p>", mountTimeoutMs: 5000 })
      root.dispatch({ type: "typed", text: "hi" })
      // @ts-expect-error a field is missing
      root.dispatch({ type: "typed" })
      return root
    }
    expectTypeOf(typed).toBeFunction()
    expectTypeOf(declared).returns.toEqualTypeOf<Root<Msg>>()
  })

  it("an unannotated call compiles and takes any structured-cloneable data, but not functions or symbols", () => {
    function untyped(): void {
      const root = createRoot(container, worker)
      expectTypeOf(root).toEqualTypeOf<Root<Cloneable>>()
      root.dispatch({ type: "anything", n: 1, list: [1, "a", null], nested: { at: new Date() } })
      root.dispatch("a string")
      const counters: Counters = { direct: 1 }
      // A value of an interface type is accepted as an object.
      root.dispatch({ type: "load", model: counters })
      // @ts-expect-error a function is not cloneable
      root.dispatch(() => 1)
      // @ts-expect-error nor is a field that holds one
      root.dispatch({ type: "inc", by: () => 1 })
      // @ts-expect-error nor a symbol
      root.dispatch(Symbol("inc"))
      // @ts-expect-error undefined is not a message
      root.dispatch(undefined)
    }
    expectTypeOf(untyped).toBeFunction()
  })

  it("a typed root is still a Root, for code that takes any root", () => {
    expectTypeOf<Root<Msg>>().toExtend<Root>()
    expectTypeOf<RootOptions<Msg>>().toExtend<RootOptions>()
  })
})

describe("errors are typed end to end", () => {
  it("WorkerError.kind is the union of the kinds the worker and the root report", () => {
    expectTypeOf<WorkerError["kind"]>().toEqualTypeOf<WorkerErrorKind>()
    expectTypeOf<"NoProgram">().toExtend<WorkerErrorKind>()
    expectTypeOf<"RenderError:update">().toExtend<WorkerErrorKind>()
    expectTypeOf<"RenderError:view">().toExtend<WorkerErrorKind>()
    expectTypeOf<"MountFailed" | "WorkerCrashed" | "SnapshotFailed">().toExtend<WorkerErrorKind>()
    const kind = (error: WorkerError): string => {
      // @ts-expect-error not a kind Shuttle reports
      if (error.kind === "Crashed") return "never"
      return error.kind
    }
    expectTypeOf(kind).toBeFunction()
  })
})
