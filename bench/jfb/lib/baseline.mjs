// `--baseline <git-ref>`: Shuttle's table demo as it was at another commit, built from a
// temporary git worktree and run as one more library ("shuttle@<short-sha>") beside this
// tree's Shuttle, so a change reads as a ratio within one interleaved run.
//
// The ref's tree builds itself: its own `node examples/build.mjs`, with its own aliases and
// package name (old refs import `shuttle`, new ones `shuttle-ui`), against this repository's
// node_modules (symlinked in). Its examples/dist/table is copied as the page; the worktree
// is removed as soon as the page is copied, on failure too.
import { execFileSync, spawn } from "node:child_process"
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Runs git in `cwd`; retries while another process holds a git lock (other work shares the repository). */
function git(cwd, args) {
  for (let attempt = 0; ; attempt++) {
    try {
      return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim()
    } catch (error) {
      const stderr = String(error.stderr ?? "")
      if (attempt < 20 && /\.lock'?: File exists|Unable to create .*\.lock/i.test(stderr)) {
        sleepSync(500)
        continue
      }
      throw new Error(`git ${args.join(" ")} failed: ${stderr.trim() || error.message}`)
    }
  }
}

function sizeOf(file) {
  const bytes = readFileSync(file)
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"))
  } catch {
    return null
  }
}

/** What differs between two package.json files where it matters for a build: name and dependency ranges. */
function packageDifferences(ours, theirs) {
  if (ours === null || theirs === null) return [theirs === null ? "the ref has no readable package.json" : "this tree has no readable package.json"]
  const notes = []
  if (ours.name !== theirs.name) notes.push(`name ${theirs.name} (this tree: ${ours.name})`)
  for (const field of ["dependencies", "peerDependencies", "devDependencies"]) {
    const a = ours[field] ?? {}
    const b = theirs[field] ?? {}
    for (const dep of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (a[dep] === b[dep]) continue
      notes.push(`${field}.${dep}: ${b[dep] ?? "absent"} (this tree: ${a[dep] ?? "absent"})`)
    }
  }
  return notes
}

/**
 * Builds the table demo of `ref` and copies it to `<distDir>/shuttle@<short>`.
 * Returns `{ lib, info }`: the library entry for the run and what the report says about it.
 */
export async function prepareBaseline(ref, { repo, distDir, log }) {
  let commit
  try {
    commit = git(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])
  } catch {
    throw new Error(`--baseline: ${JSON.stringify(ref)} is not a commit in ${repo}`)
  }
  const short = git(repo, ["rev-parse", "--short", commit])
  const subject = git(repo, ["log", "-1", "--format=%s", commit])
  const name = `shuttle@${short}`
  const tmp = mkdtempSync(join(tmpdir(), "shuttle-jfb-baseline-"))
  const tree = join(tmp, "tree")
  let added = false
  let build = null

  const cleanup = () => {
    // Unlink the node_modules symlink first, so nothing that removes the tree can reach this repository's node_modules.
    try {
      if (lstatSync(join(tree, "node_modules")).isSymbolicLink()) unlinkSync(join(tree, "node_modules"))
    } catch {}
    if (added) {
      try {
        git(repo, ["worktree", "remove", "--force", tree])
      } catch (error) {
        log(`  (could not remove the worktree cleanly: ${error.message.split("\n")[0]}; pruning)`)
        rmSync(tree, { recursive: true, force: true })
        try { git(repo, ["worktree", "prune"]) } catch {}
      }
      added = false
    }
    rmSync(tmp, { recursive: true, force: true })
  }
  // Ctrl-C or a kill during the build: stop the build, remove the worktree, then leave.
  const onSignal = (signal) => {
    log(`\n${signal}: stopping the baseline build and removing its worktree`)
    if (build !== null && build.exitCode === null) build.kill("SIGKILL")
    cleanup()
    process.exit(signal === "SIGINT" ? 130 : 143)
  }
  process.once("SIGINT", onSignal)
  process.once("SIGTERM", onSignal)

  try {
    log(`Baseline ${ref} = ${short} "${subject}": building its table demo in a worktree (${tree})`)
    git(repo, ["worktree", "add", "--detach", tree, commit])
    added = true
    symlinkSync(join(repo, "node_modules"), join(tree, "node_modules"), "dir")

    const packageNotes = packageDifferences(readJson(join(repo, "package.json")), readJson(join(tree, "package.json")))
    if (packageNotes.length > 0) {
      log(`  ${short}'s package.json differs from this tree's (it builds with this tree's node_modules):`)
      for (const note of packageNotes) log(`    ${note}`)
    } else {
      log(`  ${short}'s package.json has the same name and dependencies as this tree's`)
    }
    const modelFile = join("examples", "table", "model.ts")
    const modelDiffers = !existsSync(join(tree, modelFile)) || readFileSync(join(tree, modelFile), "utf8") !== readFileSync(join(repo, modelFile), "utf8")
    if (modelDiffers) log(`  ${short}'s examples/table/model.ts differs from this tree's; the DOM checks follow this tree's model`)

    if (!existsSync(join(tree, "examples", "build.mjs"))) throw new Error(`--baseline ${ref}: ${short} has no examples/build.mjs`)
    const started = performance.now()
    // Asynchronously, so a signal reaches the handler above while it runs.
    const output = await new Promise((resolve, reject) => {
      build = spawn(process.execPath, [join("examples", "build.mjs")], { cwd: tree, stdio: ["ignore", "pipe", "pipe"] })
      let text = ""
      build.stdout.on("data", (chunk) => { text += chunk })
      build.stderr.on("data", (chunk) => { text += chunk })
      build.on("error", reject)
      build.on("close", (code, signal) => {
        if (code === 0) resolve(text)
        else reject(new Error(`--baseline ${ref}: \`node examples/build.mjs\` failed in ${short}'s tree (${signal ?? `exit code ${code}`}):\n${text.trim()}`))
      })
    })
    void output
    const from = join(tree, "examples", "dist", "table")
    if (!existsSync(join(from, "index.html")) || !existsSync(join(from, "app.worker.js"))) {
      throw new Error(`--baseline ${ref}: ${short}'s examples build made no examples/dist/table (index.html, main.js, app.worker.js)`)
    }
    const out = join(distDir, name)
    rmSync(out, { recursive: true, force: true })
    cpSync(from, out, { recursive: true })
    log(`  built ${short}'s examples in ${((performance.now() - started) / 1000).toFixed(1)} s; page copied to ${out}`)
    const version = readJson(join(tree, "package.json"))?.version ?? "unknown"
    return {
      lib: { name, title: `Shuttle @${short}`, shuttle: true, baselineOf: "shuttle", dir: out },
      info: { ref, commit, short, subject, name, version, packageDifferences: packageNotes, modelDiffers },
      size: { name, main: sizeOf(join(out, "main.js")), worker: sizeOf(join(out, "app.worker.js")) }
    }
  } finally {
    cleanup()
    process.removeListener("SIGINT", onSignal)
    process.removeListener("SIGTERM", onSignal)
    if (existsSync(tree)) log(`  warning: ${tree} is still there`)
    else log(`  removed the worktree`)
  }
}
