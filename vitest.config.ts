import { defineConfig } from "vitest/config"

export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "shuttle-ui" } },
  resolve: {
    alias: [
      { find: /^shuttle-ui\/jsx-(dev-)?runtime$/, replacement: new URL("./workers/jsx-runtime.ts", import.meta.url).pathname },
      { find: /^shuttle-ui\/vite$/, replacement: new URL("./vite/plugin.ts", import.meta.url).pathname },
      { find: /^shuttle-ui\/devtools$/, replacement: new URL("./src/devtools/index.ts", import.meta.url).pathname },
      { find: /^shuttle-ui\/worker\/devtools$/, replacement: new URL("./workers/devtools/index.ts", import.meta.url).pathname },
      { find: /^shuttle-ui\/worker\/schemas$/, replacement: new URL("./workers/state/schemas.ts", import.meta.url).pathname },
      { find: /^shuttle-ui\/worker$/, replacement: new URL("./workers/index.ts", import.meta.url).pathname },
      { find: /^shuttle-ui$/, replacement: new URL("./src/index.ts", import.meta.url).pathname }
    ]
  },
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // The browser suite and the user's-path test have their own configs (npm run test:browser, test:package).
    exclude: ["test/browser/**", "test/package/**"],
    testTimeout: 30_000
  }
})
