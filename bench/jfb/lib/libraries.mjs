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
//   version  the npm package whose version the report shows
//   shuttle  the page exposes window.shuttleRoot (stats are read after each sample)
export const LIBRARIES = [
  { name: "vanilla", title: "Vanilla JS", entry: "main.ts" },
  { name: "shuttle", title: "Shuttle", from: "table", version: "shuttle", shuttle: true },
  { name: "inferno", title: "Inferno", entry: "main.ts", version: "inferno" },
  { name: "preact", title: "Preact (hooks)", entry: "main.tsx", jsx: "preact", version: "preact" },
  { name: "react", title: "React 19 (hooks)", entry: "main.jsx", jsx: "react", version: "react-dom" }
]

/** The library every ratio is taken against. */
export const BASELINE = "vanilla"

/** Pages that are not in the jfb comparison but are built with the others. */
export const EXTRA_PAGES = [
  { name: "shuttle-throughput", title: "Shuttle throughput", entry: "main.ts", worker: "app.worker.tsx" },
  { name: "shuttle-apply", title: "Shuttle applier", entry: "main.ts" }
]
