// The package's own specifiers ("shuttle-ui", "shuttle-ui/worker", …) and the source file
// each stands for in this repository (what tsconfig.json's `paths` say), for the builds
// that bundle the examples from source: examples/build.mjs (esbuild), examples/vite.config.mjs,
// test/runtime/bundle-size.test.ts. Longest first: a bundler that also rewrites subpaths of
// a key must not turn "shuttle-ui/worker" into "src/index.ts/worker".
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const repo = fileURLToPath(new URL("..", import.meta.url))

/** [specifier, absolute source path], longest specifier first. */
export const PACKAGE_ENTRIES = [
  ["shuttle-ui/jsx-runtime", "workers/jsx-runtime.ts"],
  ["shuttle-ui/jsx-dev-runtime", "workers/jsx-runtime.ts"],
  ["shuttle-ui/worker/schemas", "workers/state/schemas.ts"],
  ["shuttle-ui/worker/devtools", "workers/devtools/index.ts"],
  ["shuttle-ui/devtools", "src/devtools/index.ts"],
  ["shuttle-ui/worker", "workers/index.ts"],
  ["shuttle-ui", "src/index.ts"]
].map(([specifier, path]) => [specifier, join(repo, path)])

/** The entries as an esbuild `alias` object. */
export function esbuildAliases() {
  return Object.fromEntries(PACKAGE_ENTRIES)
}
