/**
 * The app the devtools demo inspects: the js-framework-benchmark table, as is
 * (examples/table); its worker module runs its program when loaded. A dynamic import,
 * because the package says `"sideEffects": false`, so a bundler drops a bare
 * `import "../table/app.worker.tsx"` of a module that exports nothing.
 */
void import("../table/app.worker.tsx")
