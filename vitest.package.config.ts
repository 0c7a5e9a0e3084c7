import { defineConfig } from "vitest/config"

/**
 * The user's-path test (test/package): packs the library, installs the tarball into an
 * empty directory, builds the README's Quick start with Vite and with esbuild, and drives
 * it in Chromium. `npm run test:package`; part of `npm test`.
 */
export default defineConfig({
  test: {
    environment: "node",
    include: ["test/package/**/*.test.ts"],
    // npm pack, npm install, two bundlers and Chromium: tens of seconds on a busy machine.
    testTimeout: 180_000,
    hookTimeout: 600_000
  }
})
