import { describe, expect, it } from "vitest"
import {
  ApplyError,
  InvalidOptionError,
  isShuttleError,
  MalformedPatchError,
  MessageNotCloneableError,
  type RenderPhase,
  RootUnmountedError,
  UnexpectedError,
  UnknownNodeError,
  WorkerError
} from "../../protocol/errors.ts"
import { DuplicateKeyError, errorMessage, InvalidVNodeError, RenderError, UpdateReturnedUndefinedError } from "../../workers/errors.ts"

/**
 * Every error text ends in exactly one period (an ellipsis inside is fine), even when the
 * error it wraps ends in a period of its own, and keeps the wrapped error as its `cause`.
 */
function expectCleanSentence(text: string): void {
  expect(text).toMatch(/[^.]\.$/)
  expect(text).not.toMatch(/(^|[^.])\.\.($|[^.])/)
}

/** A DataCloneError, as the browser throws it: its message ends in a period. */
function cloneError(): unknown {
  try {
    structuredClone({ f: () => 1 })
  } catch (error) {
    return error
  }
  throw new Error("structuredClone cloned a function")
}

describe("main-thread errors", () => {
  it("MessageNotCloneableError does not end in '..' when its cause ends in a period, and keeps the cause", () => {
    const cause = cloneError()
    expect(String((cause as Error).message)).toMatch(/\.$/)
    const error = new MessageNotCloneableError(cause)
    expectCleanSentence(error.message)
    expect(error.cause).toBe(cause)
    expect(error.message).toContain("send plain data")
  })

  it("every class makes a clean sentence, wrapped causes kept", () => {
    const dotted = new Error("it broke.")
    const errors: Error[] = [
      new MalformedPatchError("bad magic number.", 0),
      new UnknownNodeError(5, "REMOVE", 12),
      new ApplyError("SET_ATTR", 20, dotted),
      new RootUnmountedError("flush"),
      new WorkerError("WorkerCrashed", "the worker crashed (Uncaught Error: out of cheese.)"),
      new WorkerError("MountFailed", "the worker failed before it mounted the root.."),
      new UnexpectedError("applying a commit", dotted),
      new InvalidOptionError("mountTimeoutMs", -1, "a number of milliseconds > 0"),
      new InvalidOptionError("recover", undefined, "false, true or { retries?, backoffMs? }"),
      new InvalidOptionError("lanes.default.sliceMs", 10n, "a finite number of milliseconds ≥ 0")
    ]
    for (const error of errors) {
      expectCleanSentence(error.message)
      expect(isShuttleError(error)).toBe(true)
    }
    expect(errors[2].cause).toBe(dotted)
    expect(errors[6].cause).toBe(dotted)
    expect(isShuttleError(new Error("plain"))).toBe(false)
    expect(isShuttleError("WorkerError")).toBe(false)
  })

  it("WorkerError keeps its cause and its reason without the kind, for the error state", () => {
    const cause = new Error("x")
    const error = new WorkerError("NoProgram", "the worker did not answer", { cause })
    expect(error.cause).toBe(cause)
    expect(error.reason).toBe("the worker did not answer.")
    expect(error.message).toBe("NoProgram: the worker did not answer.")
  })
})

describe("worker errors", () => {
  const phases: RenderPhase[] = ["view", "update", "command", "handler", "effect", "boundary", "subscriptions"]

  it("RenderError: a clean sentence per phase that says what happened to the state and what to do; its kind is RenderError:<phase>", () => {
    for (const phase of phases) {
      const error = new RenderError({ phase, cause: new Error("it broke.") })
      expectCleanSentence(error.message)
      expect(error.message).toContain("it broke")
      expect(error.kind).toBe(`RenderError:${phase}`)
    }
    expect(new RenderError({ phase: "update", cause: "a string" }).message).toBe("The app's update failed: a string; the message was rejected and the model kept; fix update for this message.")
  })

  it("Shuttle's own errors, which name their fix, are not given a second one", () => {
    const undefinedReturn = new RenderError({ phase: "update", cause: new UpdateReturnedUndefinedError({ msg: { type: "incc" } }) })
    expect(undefinedReturn.message).toBe('The app\'s update failed: update returned undefined for message {"type":"incc"}: return the model (or withCommand(model, …)) from every case.')
    for (const cause of [new DuplicateKeyError({ key: 1, parent: "ul" }), new InvalidVNodeError({ value: "a function", parent: "div" })]) {
      expectCleanSentence(cause.message)
      expectCleanSentence(new RenderError({ phase: "view", cause }).message)
    }
  })

  it("UpdateReturnedUndefinedError names messages that JSON cannot, and cuts long ones", () => {
    expect(new UpdateReturnedUndefinedError({ msg: 10n }).message).toContain("for message 10:")
    const long = new UpdateReturnedUndefinedError({ msg: { text: "x".repeat(1000) } }).message
    expect(long.length).toBeLessThan(400)
    expectCleanSentence(long)
  })

  it("the error message to the page carries the kind, the text and the cause as data", () => {
    const cause = new TypeError("nope")
    const message = errorMessage(new RenderError({ phase: "command", cause }))
    expect(message).toMatchObject({ t: "error", kind: "RenderError:command", cause: { name: "TypeError", message: "nope" } })
    expect(message.cause!.stack).toContain("nope")
    expect(structuredClone(message)).toEqual(message)
    expect(errorMessage(new RenderError({ phase: "effect", cause: 42 })).cause).toEqual({ name: "number", message: "42" })
  })
})
