import { build, type Metafile } from "esbuild"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { describe, expect, it } from "vitest"
import { esbuildAliases } from "../../examples/package-entries.mjs"

/**
 * What an app pays for the worker runtime (issue "Throughput"): the table demo, which uses
 * no subscriptions, Suspense, ErrorBoundary or lazy, bundled as examples/build.mjs does it
 * (esbuild, ESM, minified). The guard is on what went in, not only on the total:
 *
 * - the runtime imports Effect by module (`effect/Effect`), never from the `"effect"`
 *   barrel, which esbuild cannot tree-shake (`export * as Stream` keeps all of Stream,
 *   Channel and PubSub, evanw/esbuild#1420);
 * - the root's wake-up is not a Queue, a subscription's wait is not a Schedule;
 * - the built-in components are dropped when the app does not use them.
 */
const repo = fileURLToPath(new URL("../../", import.meta.url))

async function bundle(entry: string): Promise<{ readonly min: number; readonly gzip: number; readonly inputs: Metafile["outputs"][string]["inputs"] }> {
  const result = await build({
    entryPoints: [repo + entry],
    bundle: true,
    format: "esm",
    minify: true,
    target: "es2022",
    platform: "browser",
    jsx: "automatic",
    jsxImportSource: "shuttle-ui",
    alias: esbuildAliases(),
    legalComments: "none",
    logLevel: "silent",
    write: false,
    metafile: true,
    outfile: "/bundle-size/app.worker.js",
    absWorkingDir: repo
  })
  const code = result.outputFiles[0].contents
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length, inputs: Object.values(result.metafile.outputs)[0].inputs }
}

/** The inputs that put bytes into the output, by path relative to the repo. */
function kept(inputs: Metafile["outputs"][string]["inputs"]): string[] {
  return Object.entries(inputs).filter(([, input]) => input.bytesInOutput > 0).map(([path]) => path)
}

describe("worker bundle size", () => {
  it("the table demo's worker stays under 45 kB min+gzip and keeps none of the features it does not use", async () => {
    const { min, gzip, inputs } = await bundle("examples/table/app.worker.tsx")
    const paths = kept(inputs)
    for (const heavy of ["PubSub.js", "Queue.js", "Schedule.js", "Sink.js", "MutableList.js"]) {
      expect(paths.filter((path) => path.endsWith(`node_modules/effect/dist/${heavy}`)), heavy).toEqual([])
    }
    for (const unused of ["suspense.ts", "error-boundary.ts", "lazy.ts", "savepoint.ts"]) {
      expect(paths.filter((path) => path.endsWith(`workers/components/${unused}`)), unused).toEqual([])
    }
    // Stream's share: what the subscription runner needs (runForEach), not the module.
    const stream = Object.entries(inputs).find(([path]) => path.endsWith("node_modules/effect/dist/Stream.js"))
    expect(stream?.[1].bytesInOutput ?? 0).toBeLessThan(1024)
    expect(gzip).toBeLessThanOrEqual(45 * 1024)
    expect(min).toBeLessThanOrEqual(130 * 1024)
  })
})
