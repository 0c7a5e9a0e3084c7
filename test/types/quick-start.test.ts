/**
 * The README's Quick start worker module, typechecked alone as a user's app would be: the
 * only program, with `strict` and the README's compiler options. In this repo tsconfig.json
 * typechecks every example together, so its handlers accept the union of all their
 * messages; alone, the app's own registered messages are the only ones accepted.
 *
 * - As written in the README, it compiles (the event of `onInput` is inferred).
 * - With its `Msg` registered (added here if the README does not show it), a typo in a
 *   message is refused.
 */
import { spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..")
// Under node_modules: outside tsconfig.json's include, and `effect` resolves from there.
const CACHE = join(REPO, "node_modules/.cache")
const TSC = join(REPO, "node_modules/typescript/bin/tsc")

const REGISTER = 'declare module "shuttle-ui/worker" {\n  interface Register { msg: Msg }\n}\n'

/** The first tsx block of the README's Quick start. */
function quickStartWorker(): string {
  const readme = readFileSync(join(REPO, "README.md"), "utf8")
  const section = readme.slice(readme.indexOf("## Quick start"))
  const block = /```tsx\n([\s\S]*?)```/.exec(section)
  if (block === null) throw new Error("README.md: no tsx block in the Quick start")
  return block[1]
}

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Typechecks `source` as the only module of a program; resolves with tsc's output and exit code. */
function typecheck(source: string): Promise<{ code: number | null; output: string }> {
  mkdirSync(CACHE, { recursive: true })
  const dir = mkdtempSync(join(CACHE, "shuttle-quick-start-"))
  dirs.push(dir)
  writeFileSync(join(dir, "app.worker.tsx"), source)
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      // The README's tsconfig.json.
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "bundler",
      lib: ["ES2022", "DOM", "DOM.Iterable"],
      strict: true,
      jsx: "react-jsx",
      jsxImportSource: "shuttle-ui",
      noEmit: true,
      // The package from its sources rather than a built dist/.
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      types: [],
      paths: {
        "shuttle-ui": [join(REPO, "src/index.ts")],
        "shuttle-ui/worker": [join(REPO, "workers/index.ts")],
        "shuttle-ui/jsx-runtime": [join(REPO, "workers/jsx-runtime.ts")]
      }
    },
    files: ["app.worker.tsx"]
  }))
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [TSC, "-p", join(dir, "tsconfig.json"), "--pretty", "false"], { stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("error", reject)
    child.on("close", (code) => done({ code, output }))
  })
}

describe("the README's Quick start, typechecked alone under --strict", () => {
  it("compiles as written, and refuses a mistyped message once Msg is registered", async () => {
    const source = quickStartWorker()
    expect(source).toContain('onClick={{ type: "inc" }}')
    const registered = source.includes("interface Register") ? source : source.replace(/^(type Msg = .*\n)/m, `$1\n${REGISTER}`)
    expect(registered).toContain("interface Register")
    const typo = registered.replace('onClick={{ type: "inc" }}', 'onClick={{ type: "incc" }}')
    const [asWritten, withTypo] = await Promise.all([typecheck(source), typecheck(typo)])
    expect(asWritten.output).toBe("")
    expect(asWritten.code).toBe(0)
    const line = typo.split("\n").findIndex((text) => text.includes('"incc"')) + 1
    expect(withTypo.code).not.toBe(0)
    expect(withTypo.output).toMatch(new RegExp(`app\\.worker\\.tsx\\(${line},\\d+\\): error TS2322: Type '\\{ type: "incc"; \\}' is not assignable`))
    expect(withTypo.output.trim().split("\n").filter((text) => text.includes("error TS"))).toHaveLength(1)
  }, 90_000)
})
