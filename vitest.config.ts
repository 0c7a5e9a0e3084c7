import { defineConfig } from "vitest/config"

export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "shuttle" } },
  resolve: {
    alias: [
      { find: /^shuttle\/jsx-(dev-)?runtime$/, replacement: new URL("./workers/jsx-runtime.ts", import.meta.url).pathname },
      { find: /^shuttle\/worker$/, replacement: new URL("./workers/index.ts", import.meta.url).pathname },
      { find: /^shuttle$/, replacement: new URL("./src/index.ts", import.meta.url).pathname }
    ]
  },
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    exclude: ["test/browser/**"],
    testTimeout: 30_000
  }
})
