// The libraries the jfb benchmark runs, in report order. To add one, put its page in
// bench/jfb/pages/<name>/ (an entry file rendering the jfb table into #app; see README.md)
// and add a line here.
//
//   name     folder under pages/ and dist/, and the name --only takes
//   title    shown in reports and in the page's <title>
//   entry    the page's entry file, bundled by build.mjs (omit for `from`)
//   from     instead of an entry: a folder of examples/dist/ to copy (built by examples/build.mjs)
//   jsx      jsxImportSource for .jsx/.tsx entries; the file must also say it in a pragma
//            (`/** @jsxImportSource react */`): esbuild lets the repository tsconfig.json
//            ("jsxImportSource": "shuttle-ui") win over the build option
//   version  the npm package whose version the report shows (an npm alias such as `inferno10`
//            for a second major version: its own package.json says the version)
//   alias    esbuild `alias` for this page's bundle: { specifier: package }. A second major
//            installed under an npm alias (`preact11`) imports its own package by the real
//            name (preact11/hooks imports "preact"), which would find the other major: the
//            alias sends those imports to the aliased package
//   shuttle  the page exposes window.shuttleRoot (stats are read after each sample)
export const LIBRARIES = [
  { name: "vanilla", title: "Vanilla JS", entry: "main.ts" },
  { name: "shuttle", title: "Shuttle", from: "table", version: "shuttle", shuttle: true },
  { name: "ivi", title: "ivi", entry: "main.ts", version: "ivi" },
  { name: "inferno", title: "Inferno 9", entry: "main.ts", version: "inferno" },
  { name: "inferno10", title: "Inferno 10", entry: "main.ts", version: "inferno10" },
  { name: "preact", title: "Preact 10 (hooks)", entry: "main.tsx", jsx: "preact", version: "preact" },
  { name: "preact11", title: "Preact 11 (hooks)", entry: "main.tsx", jsx: "preact11", version: "preact11", alias: { preact: "preact11" } },
  { name: "react", title: "React 19 (hooks)", entry: "main.jsx", jsx: "react", version: "react-dom" }
]

/** The library every ratio is taken against. */
export const BASELINE = "vanilla"

/** Pages that are not in the jfb comparison but are built with the others. */
export const EXTRA_PAGES = [
  { name: "shuttle-throughput", title: "Shuttle throughput", entry: "main.ts", worker: "app.worker.tsx" },
  { name: "shuttle-apply", title: "Shuttle applier", entry: "main.ts" }
]
