import { defineConfig } from "vitest/config"

/**
 * The browser suite: real Chromium driven by playwright-core from Node. Run it after
 * building the examples: `node examples/build.mjs && vitest run -c vitest.browser.config.ts`
 * (`npm run test:browser` does both).
 */
export default defineConfig({
  test: {
    environment: "node",
    include: ["test/browser/**/*.test.ts"],
    // Launching Chromium and rendering 10,000 rows take seconds on a busy machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One Chromium at a time: each browser context costs seconds of CPU here.
    fileParallelism: false
  }
})
